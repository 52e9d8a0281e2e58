package tw.gov.hpa.screening.keycloak.personal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tw.gov.hpa.screening.keycloak.personal.NationalIdCheck.Outcome;

/** The rules of decision 0120. Covers: R-ACC-1, R-CONF-2 */
class NationalIdCheckTest {

    private static final NationalIdDigest DIGEST = new NationalIdDigest(new byte[32]);
    private static final Optional<NationalIdDigest> KEY = Optional.of(DIGEST);
    private static final Set<String> HELD = DIGEST.digestsOf("A123456789");

    private static Outcome check(String given, boolean creating, Set<String> stored, boolean serverAdmin,
            Optional<NationalIdDigest> key, boolean heldElsewhere) {
        return NationalIdCheck.of(given, creating, stored, serverAdmin, key, whole -> heldElsewhere);
    }

    @Test
    void aNewAccountNeedsOneExceptFromTheServersAdministrators() {
        assertEquals(Outcome.REQUIRED, check("", true, Set.of(), false, KEY, false));
        assertEquals(Outcome.REQUIRED, check(null, true, Set.of(), false, KEY, false));
        assertEquals(Outcome.UNCHANGED, check("", true, Set.of(), true, KEY, false));
        assertEquals(Outcome.ACCEPTED, check("A123456789", true, Set.of(), false, KEY, false));
    }

    @Test
    void aWrongNumberOrNoKeyKeepsNothing() {
        assertEquals(Outcome.INVALID, check("A123456788", true, Set.of(), false, KEY, false));
        assertEquals(Outcome.NO_KEY, check("A123456789", true, Set.of(), false, Optional.empty(), false));
        assertTrue(Outcome.NO_KEY.message().contains("金鑰") && Outcome.NO_KEY.message().contains("key"));
    }

    @Test
    void anAccountKeepsItsNumber() {
        assertEquals(Outcome.UNCHANGED, check("", false, HELD, false, KEY, false));
        assertEquals(Outcome.UNCHANGED, check("a123456789", false, HELD, false, KEY, false));
        assertEquals(Outcome.CHANGE_REFUSED, check("B200000004", false, HELD, false, KEY, false));
        assertEquals(Outcome.ACCEPTED, check("B200000004", false, HELD, true, KEY, false));
        assertEquals(Outcome.ACCEPTED, check("B200000004", false, Set.of(), false, KEY, false));
    }

    @Test
    void onePersonOneAccount() {
        assertEquals(Outcome.DUPLICATE, check("A123456789", true, Set.of(), false, KEY, true));
        assertEquals(Outcome.DUPLICATE, check("A123456789", true, Set.of(), true, KEY, true));
        assertTrue(Outcome.DUPLICATE.message().contains("R-ACC-1"));
    }
}
