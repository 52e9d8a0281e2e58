package tw.gov.hpa.screening.keycloak.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import tw.gov.hpa.screening.keycloak.address.ChangedAddress.Outcome;

/** A manager's new address waits for the person's confirmation (decision 0123). Covers: R-CONF-2 */
class ChangedAddressTest {

    private static final String NEW = "yijun.chen@other-clinic.example.tw";

    @Test
    void aManagersNewAddressWaitsForThePerson() {
        assertEquals(Outcome.AWAIT_CONFIRMATION, ChangedAddress.onAdminUpdate(true, true, false, false, true));
        // Changed again before the person confirmed: the newest address waits.
        assertEquals(Outcome.AWAIT_CONFIRMATION, ChangedAddress.onAdminUpdate(true, true, true, true, false));
    }

    @Test
    void aManagerCannotSayTheWaitingAddressIsVerified() {
        assertEquals(Outcome.KEEP_AWAITING, ChangedAddress.onAdminUpdate(true, false, true, true, false));
    }

    @Test
    void theAgencysAddressOrThePersonsConfirmationEndsTheWait() {
        assertEquals(Outcome.FORGET, ChangedAddress.onAdminUpdate(false, true, true, true, false));
        assertEquals(Outcome.FORGET, ChangedAddress.onAdminUpdate(true, false, false, true, true));
        assertEquals(Outcome.NOTHING, ChangedAddress.onAdminUpdate(false, false, true, true, false));
        assertEquals(Outcome.NOTHING, ChangedAddress.onAdminUpdate(true, false, false, false, false));
    }

    @Test
    void anAddressWaitsWhileItIsStillThePersonsAndUnverified() {
        assertTrue(ChangedAddress.awaits(NEW, " YiJun.Chen@other-clinic.example.tw ", false));
        assertFalse(ChangedAddress.awaits(NEW, NEW, true));
        assertFalse(ChangedAddress.awaits(NEW, "chen@clinic.example.tw", false));
        // A person a manager created unverified, whose address nobody changed, gets their mails.
        assertFalse(ChangedAddress.awaits(null, NEW, false));
    }

    @Test
    void theOldAddressIsToldUnlessItWasItselfWaiting() {
        assertTrue(ChangedAddress.tellsOldAddress(Outcome.AWAIT_CONFIRMATION, "chen@clinic.example.tw", false));
        assertFalse(ChangedAddress.tellsOldAddress(Outcome.AWAIT_CONFIRMATION, "chen@clinic.example.tw", true));
        assertFalse(ChangedAddress.tellsOldAddress(Outcome.AWAIT_CONFIRMATION, " ", false));
        assertFalse(ChangedAddress.tellsOldAddress(Outcome.KEEP_AWAITING, "chen@clinic.example.tw", false));
    }

    @Test
    void caseAndBlanksAreNoChange() {
        assertFalse(ChangedAddress.changes(NEW, " YIJUN.CHEN@other-clinic.example.tw"));
        assertFalse(ChangedAddress.changes(null, " "));
        assertTrue(ChangedAddress.changes(NEW, "chen@clinic.example.tw"));
    }

    @Test
    void theReasonIsInBothLanguages() {
        assertTrue(ChangedAddress.WITHHELD.contains("尚未經本人確認"));
        assertTrue(ChangedAddress.WITHHELD.contains("has not confirmed it yet"));
    }
}
