package tw.gov.hpa.screening.keycloak.reset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tw.gov.hpa.screening.keycloak.Fake.does;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserLoginFailureModel;
import org.keycloak.models.UserLoginFailureProvider;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.BruteForceProtector;
import tw.gov.hpa.screening.keycloak.Fake;

/** What a completed reset clears. Covers: R-LCK-3 */
class ResetUnlockTest {

    private final Fake fake = new Fake();
    private final Map<String, String> attributes = new HashMap<>();
    private boolean enabled;
    private boolean failuresOnRecord;

    private final RealmModel realm = fake.of(RealmModel.class, Map.of());
    private final UserModel user = fake.of(UserModel.class, Map.of(
            "getId", args -> "user-1",
            "getFirstAttribute", args -> attributes.get((String) args[0]),
            "setEnabled", args -> {
                enabled = (Boolean) args[0];
                return null;
            },
            "removeAttribute", args -> attributes.remove((String) args[0])));
    private final UserLoginFailureModel record = fake.of(UserLoginFailureModel.class, Map.of());
    private final KeycloakSession session = fake.of(KeycloakSession.class, Map.of(
            "loginFailures", args -> fake.of(UserLoginFailureProvider.class, Map.of(
                    "getUserLoginFailure", a -> failuresOnRecord ? record : null,
                    "removeUserLoginFailure", does(() -> failuresOnRecord = false))),
            "getProvider", args -> fake.of(BruteForceProtector.class, Map.of(
                    // Keycloak's clean-up drops the reason; a temporary lockout's record it keeps.
                    "cleanUpPermanentLockout", does(() -> attributes.remove(ResetEligibility.DISABLED_REASON))))));

    /** Covers: R-LCK-3 */
    @Test
    void aPermanentLockoutIsLiftedAndItsFailuresForgotten() {
        attributes.put(ResetEligibility.DISABLED_REASON, BruteForceProtector.DISABLED_BY_PERMANENT_LOCKOUT);
        failuresOnRecord = true;
        assertEquals(ResetUnlock.Cleared.PERMANENT_LOCKOUT, ResetUnlock.unlock(session, realm, user));
        assertTrue(enabled);
        assertNull(attributes.get(ResetEligibility.DISABLED_REASON));
        assertFalse(failuresOnRecord);
        assertTrue(fake.calls.contains("BruteForceProtector.cleanUpPermanentLockout"));
    }

    /** Covers: R-LCK-3 */
    @Test
    void failedSignInsAloneAreForgottenWithoutTouchingTheAccount() {
        failuresOnRecord = true;
        assertEquals(ResetUnlock.Cleared.LOGIN_FAILURES, ResetUnlock.unlock(session, realm, user));
        assertFalse(failuresOnRecord);
        assertFalse(fake.calls.contains("UserModel.setEnabled"));
        assertFalse(fake.calls.contains("BruteForceProtector.cleanUpPermanentLockout"));
    }

    /** Covers: R-LCK-3 */
    @Test
    void anAccountWithNothingOnRecordIsLeftAlone() {
        assertEquals(ResetUnlock.Cleared.NOTHING, ResetUnlock.unlock(session, realm, user));
        assertFalse(fake.calls.contains("UserModel.setEnabled"));
        assertFalse(fake.calls.contains("UserLoginFailureProvider.removeUserLoginFailure"));
    }

    /** A reason other than the brute-force one (an administrator disabled the account) is not lifted. Covers: R-LCK-3 */
    @Test
    void anAccountDisabledByAnAdministratorStaysDisabled() {
        attributes.put(ResetEligibility.DISABLED_REASON, "disabled by an administrator");
        assertEquals(ResetUnlock.Cleared.NOTHING, ResetUnlock.unlock(session, realm, user));
        assertFalse(fake.calls.contains("UserModel.setEnabled"));
    }
}
