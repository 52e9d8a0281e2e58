package tw.gov.hpa.screening.keycloak.password;

import java.util.Optional;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;

/**
 * A password someone else set is always temporary (R-PWD-1): whoever sets it, by creating the
 * account with a password or by a reset in the admin console, the person must replace it at
 * their next sign-in, whatever {@code temporary} the request said.
 *
 * <p>Why an admin-event listener: Keycloak reports both ways an administrator sets a password
 * (user CREATE with credentials, the {@code reset-password} ACTION) as admin events, inside the
 * request's transaction, after the password is stored. Adding the required action there covers
 * the Admin REST API, the console (which calls it) and partialImport alike.
 *
 * <p>The password set this way is remembered by its creation time in the attribute
 * {@value #MARK}; while the person has not replaced it, an update of the account by an
 * administrator of this realm (a manager, the sync service) that drops UPDATE_PASSWORD gets it
 * back. The server's own administrators (master realm) may clear it on purpose, e.g. for a
 * migrated account: they can change the realm and its providers anyway (docs/decisions/0031).
 */
public class PasswordSetByOtherListener implements EventListenerProvider {

    /** Creation time of a password set by someone else; unmanaged, so only Keycloak writes it. */
    public static final String MARK = "screening.passwordSetByOther";

    private static final Logger LOG = Logger.getLogger(PasswordSetByOtherListener.class);

    private final KeycloakSession session;

    public PasswordSetByOtherListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        // By path, not resource type: partialImport reports its users under the realm's type.
        if (event.getResourcePath() == null) {
            return;
        }
        String[] path = event.getResourcePath().split("/");
        if (path.length < 2 || !"users".equals(path[0])) {
            return;
        }
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        UserModel user = realm == null ? null : session.users().getUserById(realm, path[1]);
        if (user == null) {
            return;
        }
        boolean created = event.getOperationType() == OperationType.CREATE && path.length == 2;
        boolean reset = event.getOperationType() == OperationType.ACTION && path.length == 3
                && "reset-password".equals(path[2]);
        boolean updated = event.getOperationType() == OperationType.UPDATE && path.length == 2;
        Optional<PasswordCredentialModel> password = currentPassword(user);
        if (password.isEmpty()) {
            return;
        }
        String setAt = String.valueOf(password.get().getCreatedDate());
        if (created || reset) {
            user.setSingleAttribute(MARK, setAt);
            requireChange(realm, user);
        } else if (updated && setAt.equals(user.getFirstAttribute(MARK)) && !byServerAdmin(event)) {
            requireChange(realm, user);
        }
    }

    private static Optional<PasswordCredentialModel> currentPassword(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(PasswordCredentialModel.TYPE)
                .findFirst()
                .map(PasswordCredentialModel::createFromCredentialModel);
    }

    private static void requireChange(RealmModel realm, UserModel user) {
        boolean pending = user.getRequiredActionsStream()
                .anyMatch(UserModel.RequiredAction.UPDATE_PASSWORD.name()::equals);
        if (!pending) {
            user.addRequiredAction(UserModel.RequiredAction.UPDATE_PASSWORD);
            LOG.infof("password set by an administrator: change required of user %s in realm %s",
                    user.getId(), realm.getName());
        }
    }

    private boolean byServerAdmin(AdminEvent event) {
        AuthDetails auth = event.getAuthDetails();
        if (auth == null || auth.getRealmId() == null) {
            return false;
        }
        RealmModel authRealm = session.realms().getRealm(auth.getRealmId());
        if (authRealm == null) {
            authRealm = session.realms().getRealmByName(auth.getRealmId());
        }
        return authRealm != null && Config.getAdminRealm().equals(authRealm.getName());
    }

    @Override
    public void close() {
    }
}
