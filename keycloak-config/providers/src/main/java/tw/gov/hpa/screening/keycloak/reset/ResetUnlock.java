package tw.gov.hpa.screening.keycloak.reset;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.BruteForceProtector;
import tw.gov.hpa.screening.keycloak.signin.AccountStanding;

/** Clears every lock once a reset has set a new password (R-LCK-3; Keycloak issue 45388). */
public final class ResetUnlock {

    public enum Cleared {
        /** The account had been disabled by the brute-force permanent lockout. */
        PERMANENT_LOCKOUT,
        /** Failed sign-ins (and any temporary lockout) were on record. */
        LOGIN_FAILURES,
        NOTHING
    }

    private ResetUnlock() {
    }

    public static Cleared unlock(KeycloakSession session, RealmModel realm, UserModel user) {
        boolean permanent = BruteForceProtector.DISABLED_BY_PERMANENT_LOCKOUT
                .equals(user.getFirstAttribute(ResetEligibility.DISABLED_REASON));
        boolean failures = session.loginFailures().getUserLoginFailure(realm, user.getId()) != null;
        if (permanent) {
            // A closed account stays closed (R-ACC-2): the lock goes, the account stays disabled.
            user.setEnabled(user.getFirstAttribute(ResetEligibility.CLOSED_AT) == null);
            user.removeAttribute(AccountStanding.WRONG_SINCE_LOCK);
            BruteForceProtector protector = session.getProvider(BruteForceProtector.class);
            // Keycloak's own clean-up: drops disabledReason (and failures, unless temporarily locked).
            protector.cleanUpPermanentLockout(session, realm, user);
            user.removeAttribute(ResetEligibility.DISABLED_REASON);
        }
        if (failures) {
            // cleanUpPermanentLockout keeps the record while a temporary lockout runs: a completed
            // reset ends that too.
            session.loginFailures().removeUserLoginFailure(realm, user.getId());
        }
        if (permanent) {
            return Cleared.PERMANENT_LOCKOUT;
        }
        return failures ? Cleared.LOGIN_FAILURES : Cleared.NOTHING;
    }
}
