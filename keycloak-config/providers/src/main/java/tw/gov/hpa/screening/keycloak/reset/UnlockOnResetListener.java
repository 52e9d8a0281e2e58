package tw.gov.hpa.screening.keycloak.reset;

import org.jboss.logging.Logger;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Unlocks the account when a reset completes (R-LCK-3).
 *
 * <p>Why an event listener: in Keycloak's reset flow the steps only decide; the new password is
 * set afterwards by the UPDATE_PASSWORD required action. A flow step placed after "reset-password"
 * would unlock before any password is chosen. The required action reports its success as the
 * UPDATE_PASSWORD and UPDATE_CREDENTIAL (type password) events, in the same request and
 * transaction; this listener reacts to them and records a RESET_PASSWORD event with the detail
 * {@value #UNLOCK_DETAIL} saying what was cleared.
 *
 * <p>Why any password the person sets, not only one set through a reset link: when the link is
 * opened in the browser that asked for it, Keycloak resumes that authentication session, skips the
 * steps it already passed and sets the password as a required action of the sign-in, so no step of
 * ours sees the link (found on 26.7.3). A user event setting a password always comes from the
 * person: a locked-out account can reach one only through the mailed link, and a signed-in person
 * who changes the password proves the account is theirs. Admin resets are admin events, not these.
 */
public class UnlockOnResetListener implements EventListenerProvider {

    public static final String UNLOCK_DETAIL = "screening_unlock";

    private static final Logger LOG = Logger.getLogger(UnlockOnResetListener.class);

    private final KeycloakSession session;

    public UnlockOnResetListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
        if (!isPasswordSet(event) || event.getUserId() == null) {
            return;
        }
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        UserModel user = realm == null ? null : session.users().getUserById(realm, event.getUserId());
        if (user == null) {
            return;
        }
        ResetUnlock.Cleared cleared = ResetUnlock.unlock(session, realm, user);
        if (cleared == ResetUnlock.Cleared.NOTHING) {
            return;
        }
        LOG.infof("reset completed: cleared %s for user %s in realm %s", cleared, user.getId(), realm.getName());
        // Both events of one password change reach here; the second finds nothing left to clear.
        new EventBuilder(realm, session, session.getContext().getConnection())
                .event(EventType.RESET_PASSWORD)
                .client(event.getClientId())
                .user(user)
                .detail(Details.USERNAME, user.getUsername())
                .detail(UNLOCK_DETAIL, cleared == ResetUnlock.Cleared.PERMANENT_LOCKOUT ? "permanentLockout" : "loginFailures")
                .success();
    }

    static boolean isPasswordSet(Event event) {
        if (event.getType() == EventType.UPDATE_PASSWORD) {
            return true;
        }
        return event.getType() == EventType.UPDATE_CREDENTIAL && event.getDetails() != null
                && "password".equals(event.getDetails().get(Details.CREDENTIAL_TYPE));
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
    }

    @Override
    public void close() {
    }
}
