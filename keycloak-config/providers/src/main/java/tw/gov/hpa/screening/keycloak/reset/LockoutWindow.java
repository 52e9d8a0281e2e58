package tw.gov.hpa.screening.keycloak.reset;

import org.keycloak.authentication.actiontoken.resetcred.ResetCredentialsActionToken;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserLoginFailureModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.BruteForceProtector;

/**
 * Lets a permanently locked person use a reset link while the account stays locked for sign-in.
 *
 * <p>Why this exists: Keycloak 26.7.3 refuses a disabled user at every step of a reset - it will
 * not put one in the flow (AuthenticationProcessor.validateUser), and it refuses the mailed link
 * itself (LoginActionsServiceChecks.checkIsUserValid: "account disabled"). So the account must be
 * enabled before the link is used. To keep it locked until the new password is set (R-LCK-3), the
 * lock is moved from "disabled" to Keycloak's own brute-force record: with permanent lockout on,
 * more temporary lockouts than the realm allows count as permanently locked
 * (DefaultBruteForceProtector.isPermanentlyLockedOut), which the sign-in forms check; and sign-in
 * is also held off until the link expires. The disabledReason attribute is left as it is, as the
 * mark that {@link UnlockOnResetListener} looks for when the reset completes.
 *
 * <p>A wrong password in the meantime locks the account again, as before.
 */
public final class LockoutWindow {

    private LockoutWindow() {
    }

    public static void open(KeycloakSession session, RealmModel realm, UserModel user) {
        UserLoginFailureModel failures = session.loginFailures().getUserLoginFailure(realm, user.getId());
        if (failures == null) {
            failures = session.loginFailures().addUserLoginFailure(realm, user.getId());
        }
        if (realm.isPermanentLockout()) {
            for (int guard = 0; failures.getNumTemporaryLockouts() <= realm.getMaxTemporaryLockouts() && guard < 1000; guard++) {
                failures.incrementTemporaryLockouts();
            }
        }
        int linkLifetime = realm.getActionTokenGeneratedByUserLifespan(ResetCredentialsActionToken.TOKEN_TYPE);
        int until = Time.currentTime() + linkLifetime;
        if (failures.getFailedLoginNotBefore() < until) {
            failures.setFailedLoginNotBefore(until);
        }
        user.setEnabled(true);
        // Keep the reason so the unlock at the end of the reset knows this was a lockout.
        user.setSingleAttribute(ResetEligibility.DISABLED_REASON, BruteForceProtector.DISABLED_BY_PERMANENT_LOCKOUT);
    }
}
