package tw.gov.hpa.screening.keycloak.personal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** No hand-over (decision 0123). Covers: R-CONF-2 */
class HandOverGuardTest {

    private static final String A_USERS = "/institutions/0401180014/CRC-COL/users";
    private static final String A_MANAGERS = "/institutions/0401180014/CRC-COL/managers";
    private static final String B_USERS = "/institutions/1101020018/CRC-COL/users";
    private static final String B_MANAGERS = "/institutions/1101020018/CRC-COL/managers";

    @Test
    void aManagerChangesOnlyAPersonWhoseOnlyGrantsAreTheirs() {
        Set<String> managed = HandOverGuard.pairsManaged(Set.of(A_MANAGERS, "/other"));
        assertEquals(Set.of("0401180014/CRC-COL"), managed);
        assertTrue(HandOverGuard.mayChange(managed, Set.of(A_USERS)));
        assertTrue(HandOverGuard.mayChange(managed, Set.of()));
        assertFalse(HandOverGuard.mayChange(managed, Set.of(A_USERS, B_USERS)));
        assertFalse(HandOverGuard.mayChange(managed, Set.of(A_USERS, B_MANAGERS)));
        assertFalse(HandOverGuard.mayChange(managed, Set.of(A_MANAGERS)));
    }

    @Test
    void blankAndAbsentAreNoChange() {
        assertFalse(HandOverGuard.changes(null, " "));
        assertFalse(HandOverGuard.changes("王", " 王 "));
        assertTrue(HandOverGuard.changes("王", "林"));
    }
}
