package tw.gov.hpa.screening.keycloak.personal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Phone numbers in the forms people type them. Covers: R-PWD-5 */
class PhoneDigitsTest {

    @ParameterizedTest
    @ValueSource(strings = {"(02)2559-1969#116", "02-2559-1969轉116", "02 2559 1969 分機 116", "+886-2-2559-1969", "+886225591969"})
    void taipeiLandlineInEveryWriting(String raw) {
        Set<String> f = PhoneDigits.of(raw).fragments();
        assertTrue(f.contains("0225591969"), raw + " " + f);
        assertTrue(f.contains("225591969"), raw + " " + f);
        assertTrue(f.contains("25591969"), raw + " " + f);
        assertFalse(f.contains("116"), "the extension is not the number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0912-345-678", "0912345678", "+886912345678", "+886 912 345 678", "00886912345678"})
    void mobileInEveryWriting(String raw) {
        Set<String> f = PhoneDigits.of(raw).fragments();
        assertTrue(f.contains("0912345678"), raw + " " + f);
        assertTrue(f.contains("912345678"), raw + " " + f);
        assertTrue(f.contains("886912345678"), raw + " " + f);
    }

    @Test
    void longestAreaCodeWins() {
        // Kinmen 082, Miaoli 037: the local number is what follows the whole code.
        assertTrue(PhoneDigits.of("(082)312-345").fragments().contains("312345") == false);
        assertTrue(PhoneDigits.of("037-123456").fragments().contains("037123456"));
        assertTrue(PhoneDigits.of("(04)2222-3333").fragments().contains("22223333"));
    }

    @Test
    void localNumberWithoutAreaCode() {
        assertEquals(Set.of("25591969"), PhoneDigits.of("2559-1969").fragments());
    }

    @Test
    void tooShortOrMissing() {
        assertTrue(PhoneDigits.of("116").fragments().isEmpty());
        assertTrue(PhoneDigits.of(null).fragments().isEmpty());
    }
}
