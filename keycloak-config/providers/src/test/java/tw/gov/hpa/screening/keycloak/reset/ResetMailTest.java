package tw.gov.hpa.screening.keycloak.reset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** R-LCK-4: the mail says how long the link lives, in the theme's words. */
class ResetMailTest {

    @Test
    void validityInHoursOrMinutes() {
        Properties zh = new Properties();
        zh.setProperty("linkExpirationFormatter.timePeriodUnit.hours", "小時");
        zh.setProperty("linkExpirationFormatter.timePeriodUnit.minutes", "分鐘");
        assertEquals("1 小時", ResetMail.validity(zh, Locale.forLanguageTag("zh-Hant"), 60));
        assertEquals("90 分鐘", ResetMail.validity(zh, Locale.forLanguageTag("zh-Hant"), 90));
        Properties en = new Properties();
        en.setProperty("linkExpirationFormatter.timePeriodUnit.hours", "{0,choice,0#hours|1#hour|1<hours}");
        assertEquals("1 hour", ResetMail.validity(en, Locale.ENGLISH, 60));
        assertEquals("2 hours", ResetMail.validity(en, Locale.ENGLISH, 120));
        zh.setProperty("screeningLinkHoursEn", "{0,choice,1#{0} hour|1<{0} hours}");
        assertEquals("1 hour", ResetMail.validityEnglish(zh, 60));
    }
}
