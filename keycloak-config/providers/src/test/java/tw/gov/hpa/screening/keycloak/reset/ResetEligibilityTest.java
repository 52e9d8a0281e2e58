package tw.gov.hpa.screening.keycloak.reset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static tw.gov.hpa.screening.keycloak.reset.ResetEligibility.Decision.PRETEND;
import static tw.gov.hpa.screening.keycloak.reset.ResetEligibility.Decision.SEND;
import static tw.gov.hpa.screening.keycloak.reset.ResetEligibility.Decision.SEND_TO_LOCKED_OUT;

import org.junit.jupiter.api.Test;

/** Who gets a reset mail: account and e-mail both match; a locked-out account too. Covers: R-LCK-2, R-LCK-3 */
class ResetEligibilityTest {

    private static final String MAIL = "wang@hospital.example.tw";

    @Test
    void matchOnAnEnabledAccountSends() {
        assertEquals(SEND, ResetEligibility.decide(true, MAIL, "WANG@Hospital.example.tw ", true, null, null));
    }

    @Test
    void noAccountOrOtherEmailSendsNothing() {
        assertEquals(PRETEND, ResetEligibility.decide(false, null, MAIL, false, null, null));
        assertEquals(PRETEND, ResetEligibility.decide(true, MAIL, "other@hospital.example.tw", true, null, null));
        assertEquals(PRETEND, ResetEligibility.decide(true, null, MAIL, true, null, null));
        assertEquals(PRETEND, ResetEligibility.decide(true, MAIL, "", true, null, null));
    }

    @Test
    void permanentLockoutMayResetAdminDisabledMayNot() {
        assertEquals(SEND_TO_LOCKED_OUT, ResetEligibility.decide(true, MAIL, MAIL, false, "permanentLockout", null));
        assertEquals(PRETEND, ResetEligibility.decide(true, MAIL, MAIL, false, null, null));
        assertEquals(PRETEND, ResetEligibility.decide(true, MAIL, MAIL, false, "adminDecision", null));
        // A closed account that was also locked: the reset would open it, so no mail.
        assertEquals(PRETEND, ResetEligibility.decide(true, MAIL, MAIL, false, "permanentLockout", "2026-12-01"));
    }

    @Test
    void lockedOutWithWrongEmailStillGetsNothing() {
        assertEquals(PRETEND, ResetEligibility.decide(true, MAIL, "x@y.tw", false, "permanentLockout", null));
    }
}
