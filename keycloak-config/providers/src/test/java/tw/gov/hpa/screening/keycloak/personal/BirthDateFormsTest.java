package tw.gov.hpa.screening.keycloak.personal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Birth dates in the forms people put in passwords. Covers: R-PWD-5 */
class BirthDateFormsTest {

    private final Set<String> forms = BirthDateForms.of("1990-03-12").forms();

    @ParameterizedTest
    @ValueSource(strings = {"19900312", "1990-03-12", "1990/03/12", "0312", "1203",
        "0790312", "790312", "79/03/12", "79-03-12", "079/03/12", "079-03-12"})
    void gregorianAndRocForms(String form) {
        assertTrue(forms.contains(form), form);
    }

    @Test
    void threeDigitRocYearsAfter2010() {
        Set<String> f = BirthDateForms.of("2011-10-10").forms();
        assertTrue(f.contains("1001010"));
        assertTrue(f.contains("100/10/10"));
    }

    @Test
    void noRocFormBeforeTheRoc() {
        Set<String> f = BirthDateForms.of("1905-01-02").forms();
        assertTrue(f.contains("19050102"));
        assertFalse(f.stream().anyMatch(s -> s.startsWith("-")));
    }

    @Test
    void unreadableDateGivesNothing() {
        assertTrue(BirthDateForms.of("79/03/12").forms().isEmpty());
        assertTrue(BirthDateForms.of(null).forms().isEmpty());
        assertTrue(BirthDateForms.of("").forms().isEmpty());
    }
}
