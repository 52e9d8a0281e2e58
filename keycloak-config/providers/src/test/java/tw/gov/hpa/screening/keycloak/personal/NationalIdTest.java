package tw.gov.hpa.screening.keycloak.personal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** National IDs as they appear in passwords. Covers: R-PWD-5 */
class NationalIdTest {

    @Test
    void wholeIdItsDigitsAndLongRunsAreFragments() {
        Set<String> f = NationalId.of("A123456789").fragments();
        assertTrue(f.contains("a123456789"));
        assertTrue(f.contains("123456789"));
        assertTrue(f.contains("12345678"));
        assertTrue(f.contains("456789"));
        assertTrue(f.contains("234567"));
    }

    @Test
    void shortRunsAreNotRefused() {
        Set<String> f = NationalId.of("A123456789").fragments();
        assertFalse(f.contains("12345"));
        assertFalse(f.contains("6789"));
    }

    @Test
    void residentCertificateOldAndNewFormats() {
        assertTrue(NationalId.of("AB12345678").fragments().contains("12345678"));
        assertTrue(NationalId.of("A800000014").fragments().contains("800000014"));
    }

    @Test
    void nothingWithoutAnId() {
        assertTrue(NationalId.of(null).fragments().isEmpty());
        assertTrue(NationalId.of("A12").fragments().isEmpty());
    }

    @Test
    void validNumbersAreThoseTheSyncServiceTakes() {
        // The same values as tests/unit/domain/test_domain_fields.py VALID_IDS.
        for (String value : List.of("A123456789", "B200000004", "Z123456780", "A800000014", "F912345678",
                "AA00000009", "FD12345676", "a123456789")) {
            assertTrue(NationalId.of(value).isValid(), value);
        }
    }

    @Test
    void aWrongCheckDigitOrShapeIsNotANationalId() {
        for (String value : List.of("A123456788", "AB00000009", "AE00000000", "A323456789", "1234567890",
                "A12345678", "")) {
            assertFalse(NationalId.of(value).isValid(), value);
        }
    }
}
