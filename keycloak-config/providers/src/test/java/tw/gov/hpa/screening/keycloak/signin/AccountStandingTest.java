package tw.gov.hpa.screening.keycloak.signin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import tw.gov.hpa.screening.keycloak.signin.AccountStanding.Standing;

class AccountStandingTest {

    @Test
    void closedWinsOverLockedAndAnEnabledAccountIsOrdinary() {
        assertEquals(Standing.CLOSED, AccountStanding.of(false, "permanentLockout", "2026-12-01"));
        assertEquals(Standing.LOCKED, AccountStanding.of(false, "permanentLockout", null));
        assertEquals(Standing.ORDINARY, AccountStanding.of(false, null, null)); // disabled by hand
        assertEquals(Standing.ORDINARY, AccountStanding.of(true, null, "2026-12-01")); // opened again
    }

    @Test
    void aLockedAccountsPasswordIsLookedAtOnlyWithinTheBudget() {
        assertTrue(AccountStanding.passwordLookedAt(null, 1));
        assertFalse(AccountStanding.passwordLookedAt("1", 1));
        assertFalse(AccountStanding.passwordLookedAt(null, 0));
        assertFalse(AccountStanding.passwordLookedAt("not a number", 5)); // unreadable: never
        assertEquals("2", AccountStanding.oneMoreWrong("1"));
        assertEquals(0, AccountStanding.budget(null));
        assertEquals(1, AccountStanding.budget("1"));
    }

    @Test
    void aClosedAccountIsToldItsReasonWhenTheThemeHasWordsForIt() {
        assertEquals("screeningAccountClosedMessage.last-grant-ended", AccountStanding.closedMessage("last-grant-ended"));
        assertEquals("screeningAccountClosedMessage", AccountStanding.closedMessage("something-new"));
        assertEquals("screeningAccountClosedMessage", AccountStanding.closedMessage(null));
    }
}
