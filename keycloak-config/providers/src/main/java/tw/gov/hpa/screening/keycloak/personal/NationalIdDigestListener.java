package tw.gov.hpa.screening.keycloak.personal;

import java.util.ArrayList;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Keeps the national ID out of Keycloak's database (docs/decisions/0030): when an account is
 * created or updated with a {@code nationalId} (console, Admin REST API, partialImport, the sync
 * service), the number is replaced by the keyed digests of its fragments in
 * {@code nationalIdDigests}, in the same transaction, so the clear value is never committed.
 *
 * <p>Without the vault's key the number is left as it is and an error is logged (without it):
 * refusing the account would stop provisioning, and the policy still needs the number.
 */
public class NationalIdDigestListener implements EventListenerProvider {

    private static final Logger LOG = Logger.getLogger(NationalIdDigestListener.class);

    private final KeycloakSession session;

    public NationalIdDigestListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        // By path, not resource type: partialImport reports its users under the realm's type.
        if (event.getResourcePath() == null
                || (event.getOperationType() != OperationType.CREATE && event.getOperationType() != OperationType.UPDATE)) {
            return;
        }
        String[] path = event.getResourcePath().split("/");
        if (path.length != 2 || !"users".equals(path[0])) {
            return;
        }
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        UserModel user = realm == null ? null : session.users().getUserById(realm, path[1]);
        String nationalId = user == null ? null : user.getFirstAttribute(UserPersonalData.NATIONAL_ID);
        if (nationalId == null || nationalId.isBlank()) {
            return;
        }
        Optional<NationalIdDigest> digest = NationalIdKey.digest(session);
        if (digest.isEmpty()) {
            LOG.errorf("user %s keeps a national ID in clear: no digest key in the vault", user.getId());
            return;
        }
        user.setAttribute(UserPersonalData.NATIONAL_ID_DIGESTS, new ArrayList<>(digest.get().digestsOf(nationalId)));
        user.removeAttribute(UserPersonalData.NATIONAL_ID);
    }

    @Override
    public void close() {
    }
}
