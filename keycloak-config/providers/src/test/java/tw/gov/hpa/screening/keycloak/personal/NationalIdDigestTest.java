package tw.gov.hpa.screening.keycloak.personal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NationalIdDigestTest {

    private static final byte[] KEY = new byte[32];

    static {
        for (int i = 0; i < KEY.length; i++) {
            KEY[i] = (byte) i;
        }
    }

    private final NationalIdDigest digest = new NationalIdDigest(KEY);

    @Test
    void digestIsHmacSha256HexAsTheSyncServiceComputesIt() {
        // Same known answer as tests/unit/domain/test_national_id_digest.py.
        assertEquals("f4bd8418ff76906bda3b1d5ae7da365dca80be05541b60d80f1950d5fdcfcabf", digest.of("a123456789"));
    }

    @Test
    void passwordHoldingTheIdOrARunOfItsDigitsIsFoundByDigestsAlone() {
        Set<String> stored = digest.digestsOf("A123456789");
        assertEquals(11, stored.size());
        assertTrue(digest.foundIn("Qv^TzA123456789Lm#", stored));
        assertTrue(digest.foundIn("Qv^Tz345678Lm#", stored));
        assertTrue(digest.foundIn("Qv^Tz3456-78Lm#", stored));
        assertFalse(digest.foundIn("Qv^Tz34567Lm#", stored));
        assertFalse(digest.foundIn("Qv^Tz987654Lm#", stored));
    }

    @Test
    void personalDataRefusesTheIdThroughDigests() {
        PersonalData data = PersonalData.builder()
                .nationalIdDigests(digest.digestsOf("A123456789"), digest).build();
        assertEquals(Optional.of(PersonalDataKind.NATIONAL_ID), data.foundIn("Kq~a123456789Zx"));
        assertEquals(Optional.empty(), data.foundIn("Kq~Zx9f3e7c1Tq"));
    }
}
