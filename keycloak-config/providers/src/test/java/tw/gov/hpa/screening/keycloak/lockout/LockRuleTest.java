package tw.gov.hpa.screening.keycloak.lockout;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Covers: R-LCK-1. The count that locks, as Keycloak's protector locks on it. */
class LockRuleTest {

    @Test
    void ourRealmLocksAtTheThirdRecordedFailure() {
        assertFalse(LockRule.lockedByCount(true, 0, 3, 2));
        assertTrue(LockRule.lockedByCount(true, 0, 3, 3));
        assertTrue(LockRule.lockedByCount(true, 0, 3, 4));
    }

    @Test
    void temporaryLockoutsFirstOrNoPermanentLockoutAreNotDecidedByTheCount() {
        assertFalse(LockRule.lockedByCount(true, 2, 3, 3));
        assertFalse(LockRule.lockedByCount(false, 0, 3, 30));
        assertFalse(LockRule.lockedByCount(true, 0, 0, 5));
    }
}
