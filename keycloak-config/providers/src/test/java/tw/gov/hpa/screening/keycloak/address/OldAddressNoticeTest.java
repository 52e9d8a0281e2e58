package tw.gov.hpa.screening.keycloak.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Locale;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The old address learns of the change, never the new address in clear. Covers: R-CONF-2 */
class OldAddressNoticeTest {

    @Test
    void theNoticeNamesTheAccountAndMasksTheNewAddress() {
        Properties messages = new Properties();
        messages.setProperty(OldAddressNotice.SUBJECT, "電子郵件地址已變更 / E-mail address changed");
        messages.setProperty(OldAddressNotice.BODY, "帳號 {0} 的電子郵件地址已變更為 {1}");
        messages.setProperty(OldAddressNotice.BODY_HTML, "<p>{0} {1}</p>");
        OldAddressNotice.Mail mail = OldAddressNotice.compose(messages, Locale.forLanguageTag("zh-Hant"), "chenyj01",
                "yijun.chen@other-clinic.example.tw");
        assertEquals("電子郵件地址已變更 / E-mail address changed", mail.subject());
        assertEquals("帳號 chenyj01 的電子郵件地址已變更為 y***@other-clinic.example.tw", mail.text());
        assertFalse(mail.html().contains("yijun.chen"));
    }
}
