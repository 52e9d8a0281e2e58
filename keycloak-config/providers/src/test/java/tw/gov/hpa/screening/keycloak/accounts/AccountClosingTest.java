package tw.gov.hpa.screening.keycloak.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.keycloak.models.UserModel;
import tw.gov.hpa.screening.keycloak.Fake;

/** What closing and opening an account write. Covers: R-ACC-2 */
class AccountClosingTest {

    /** A user with a map of single-valued attributes and an enabled flag. */
    private static final class Person {
        final Map<String, String> attributes = new HashMap<>();
        boolean enabled = true;

        Person(Map<String, String> given) {
            attributes.putAll(given);
        }

        UserModel model() {
            return new Fake().of(UserModel.class, Map.of(
                    "getFirstAttribute", args -> attributes.get((String) args[0]),
                    "setSingleAttribute", args -> attributes.put((String) args[0], (String) args[1]),
                    "removeAttribute", args -> attributes.remove((String) args[0]),
                    "setEnabled", args -> {
                        enabled = (Boolean) args[0];
                        return null;
                    }));
        }
    }

    /** Covers: R-ACC-2 */
    @Test
    void closingDisablesAndMarksOnce() {
        Person p = new Person(Map.of());
        assertTrue(AccountClosing.close(p.model(), "2026-12-01", "last-grant-ended"));
        assertFalse(p.enabled);
        assertEquals("2026-12-01", p.attributes.get(AccountClosing.CLOSED_AT));
        assertEquals("last-grant-ended", p.attributes.get(AccountClosing.CLOSED_BECAUSE));
        // Closed already: the first date and reason stay.
        assertFalse(AccountClosing.close(p.model(), "2026-12-02", "suspended"));
        assertEquals("2026-12-01", p.attributes.get(AccountClosing.CLOSED_AT));
        assertEquals("last-grant-ended", p.attributes.get(AccountClosing.CLOSED_BECAUSE));
    }

    /** Covers: R-ACC-2 */
    @Test
    void openingTakesOnlyWhatThisReasonClosed() {
        Person p = new Person(Map.of(AccountClosing.CLOSED_AT, "2026-12-01", AccountClosing.CLOSED_BECAUSE, "suspended"));
        p.enabled = false;
        assertFalse(AccountClosing.reopen(p.model(), "last-grant-ended"));
        assertFalse(p.enabled);
        Person closed = new Person(Map.of(AccountClosing.CLOSED_AT, "2026-12-01",
                AccountClosing.CLOSED_BECAUSE, "last-grant-ended"));
        closed.enabled = false;
        assertTrue(AccountClosing.reopen(closed.model(), "last-grant-ended"));
        assertTrue(closed.enabled);
        assertNull(closed.attributes.get(AccountClosing.CLOSED_AT));
        assertNull(closed.attributes.get(AccountClosing.CLOSED_BECAUSE));
    }

    /** A permanently locked account stays locked until its reset (decision 0020). Covers: R-ACC-2, R-LCK-3 */
    @Test
    void openingLeavesALockoutInPlace() {
        Person p = new Person(Map.of(AccountClosing.CLOSED_AT, "2026-12-01",
                AccountClosing.CLOSED_BECAUSE, "last-grant-ended", "disabledReason", "permanentLockout"));
        p.enabled = false;
        assertTrue(AccountClosing.reopen(p.model(), "last-grant-ended"));
        assertFalse(p.enabled);
        assertEquals("permanentLockout", p.attributes.get("disabledReason"));
    }

    /** Covers: R-ACC-2 */
    @Test
    void aDateAndAReasonOfTheirShapeOnly() {
        Person p = new Person(Map.of());
        assertThrows(IllegalArgumentException.class, () -> AccountClosing.close(p.model(), "1 Dec", "last-grant-ended"));
        assertThrows(IllegalArgumentException.class, () -> AccountClosing.close(p.model(), "2026-12-01", "<b>x</b>"));
        assertThrows(IllegalArgumentException.class, () -> AccountClosing.reopen(p.model(), null));
        assertTrue(p.enabled);
        assertTrue(p.attributes.isEmpty());
    }
}
