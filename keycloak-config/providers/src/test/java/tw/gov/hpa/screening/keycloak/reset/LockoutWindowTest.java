package tw.gov.hpa.screening.keycloak.reset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakTransaction;
import org.keycloak.models.KeycloakTransactionManager;
import org.keycloak.models.UserModel;
import tw.gov.hpa.screening.keycloak.Fake;

/** R-LCK-3: a locked-out account is open only inside the link's request; the database keeps it locked. */
class LockoutWindowTest {

    private final Fake fake = new Fake();
    private final Map<String, String> attributes = new HashMap<>();
    private final boolean[] enabled = {false};
    private final List<KeycloakTransaction> prepared = new ArrayList<>();

    private final UserModel user = fake.of(UserModel.class, Map.of(
            "isEnabled", args -> enabled[0],
            "setEnabled", args -> {
                enabled[0] = (Boolean) args[0];
                return null;
            },
            "getFirstAttribute", args -> attributes.get((String) args[0])));

    private final KeycloakSession session = fake.of(KeycloakSession.class, Map.of(
            "getTransactionManager", args -> fake.of(KeycloakTransactionManager.class, Map.of(
                    "enlistPrepare", a -> {
                        prepared.add((KeycloakTransaction) a[0]);
                        return null;
                    }))));

    private void commit() {
        prepared.forEach(t -> {
            t.begin();
            t.commit();
        });
    }

    @Test
    void lockedOutAccountIsOpenForTheRequestAndLockedAgainAtCommit() {
        attributes.put(ResetEligibility.DISABLED_REASON, ResetEligibility.PERMANENT_LOCKOUT);
        assertTrue(LockoutWindow.isLockedOut(user));
        LockoutWindow.openForThisRequest(session, user);
        assertTrue(enabled[0], "Keycloak's checks in this request see an enabled account");
        commit();
        assertFalse(enabled[0], "what is committed is the lock");
    }

    @Test
    void aResetInTheSameRequestLeavesItOpen() {
        attributes.put(ResetEligibility.DISABLED_REASON, ResetEligibility.PERMANENT_LOCKOUT);
        LockoutWindow.openForThisRequest(session, user);
        attributes.remove(ResetEligibility.DISABLED_REASON);  // ResetUnlock cleared the lock
        commit();
        assertTrue(enabled[0]);
    }

    @Test
    void anAdministratorsDisableIsNeverOpened() {
        LockoutWindow.openForThisRequest(session, user);
        assertFalse(enabled[0]);
        assertEquals(0, prepared.size());
    }

    @Test
    void anEnabledAccountIsLeftAlone() {
        enabled[0] = true;
        attributes.put(ResetEligibility.DISABLED_REASON, ResetEligibility.PERMANENT_LOCKOUT);
        assertFalse(LockoutWindow.isLockedOut(user));
        LockoutWindow.openForThisRequest(session, user);
        assertEquals(0, prepared.size());
        assertFalse(fake.calls.contains("UserModel.setEnabled"));
    }
}
