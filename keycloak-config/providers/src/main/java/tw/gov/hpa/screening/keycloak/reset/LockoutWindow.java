package tw.gov.hpa.screening.keycloak.reset;

import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

/**
 * Lets the request of a mailed reset link treat a locked-out account as enabled, while the
 * database keeps it disabled until the new password is set (R-LCK-3).
 *
 * <p>Why: Keycloak 26.7.3 refuses a disabled user in every action-token request
 * (LoginActionsServiceChecks.checkIsUserValid) and in the flow (AuthenticationProcessor.validateUser).
 * Enabling the account when the mail goes out (the earlier design) left it open in the database
 * with the lock only in the brute-force cache: a restart, or a cluster losing that entry, opened it.
 * Here the account is enabled only inside the link's own request, and disabled again before that
 * request's transaction commits, unless the lock was cleared in it. The database never holds an
 * open locked-out account; the password is then set by a later request that Keycloak lets through
 * for a disabled user (the required action's POST), where {@link UnlockOnResetListener} unlocks.
 */
public final class LockoutWindow {

    private LockoutWindow() {
    }

    /** Disabled by the brute-force permanent lockout (not by an administrator). */
    public static boolean isLockedOut(UserModel user) {
        return user != null && !user.isEnabled() && stillMarkedLocked(user);
    }

    static boolean stillMarkedLocked(UserModel user) {
        return ResetEligibility.PERMANENT_LOCKOUT.equals(user.getFirstAttribute(ResetEligibility.DISABLED_REASON));
    }

    /** Enables a locked-out account for this request only; a no-op for any other account. */
    public static void openForThisRequest(KeycloakSession session, UserModel user) {
        if (!isLockedOut(user)) {
            return;
        }
        user.setEnabled(true);
        // Prepare-phase: runs before the database transaction commits, so the net change is none.
        session.getTransactionManager().enlistPrepare(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                if (stillMarkedLocked(user)) {
                    user.setEnabled(false);
                }
            }

            @Override
            protected void rollbackImpl() {
            }
        });
    }
}
