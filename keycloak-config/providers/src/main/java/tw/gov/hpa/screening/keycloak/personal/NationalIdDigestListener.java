package tw.gov.hpa.screening.keycloak.personal;

import java.util.ArrayList;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.ModelException;
import org.keycloak.models.ModelIllegalStateException;
import org.keycloak.models.ModelValidationException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Keeps the national ID out of Keycloak's database (docs/decisions/0030): when an account is
 * created or updated with a {@code nationalId} (console, Admin REST API, partialImport, the sync
 * service), the number is replaced by the keyed digests of its fragments in
 * {@code nationalIdDigests}, in the same transaction, so the clear value is never committed.
 *
 * <p>It fails closed (issue 23 item 5, decision 0120): without the vault's key, for a number that
 * is not a national ID, or for one another account already holds (R-ACC-1), the clear value is
 * dropped and the request's transaction is made to fail with {@link NationalIdMessages}' text.
 * The console and the Admin REST API meet these rules earlier, in {@link NationalIdValidator};
 * this is the guard of the paths that skip the user profile (partialImport). A listener's own
 * exception is swallowed by Keycloak's event builder, so the failure is a transaction enlisted to
 * fail at commit: partialImport answers 409 for a duplicate (its ModelDuplicateException), 400 or
 * 500 with the text otherwise.
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
        user.removeAttribute(UserPersonalData.NATIONAL_ID);
        Optional<NationalIdDigest> digest = NationalIdKey.digest(session);
        NationalIdCheck.Outcome outcome = NationalIdCheck.of(
                nationalId,
                event.getOperationType() == OperationType.CREATE,
                NationalIdHolders.storedDigests(user),
                true, // the console's and the API's callers were checked by the validator already
                digest,
                NationalIdHolders.heldByAnother(session, realm, user));
        if (outcome.refused()) {
            LOG.errorf("refused to keep the national ID of user %s in realm %s: %s", user.getId(),
                    realm.getName(), outcome.name());
            failTheTransaction(outcome);
            return;
        }
        user.setAttribute(UserPersonalData.NATIONAL_ID_DIGESTS, new ArrayList<>(digest.get().digestsOf(nationalId)));
    }

    private void failTheTransaction(NationalIdCheck.Outcome outcome) {
        ModelException failure = switch (outcome) {
            case DUPLICATE -> new ModelDuplicateException(outcome.message());
            case NO_KEY -> new ModelIllegalStateException(outcome.message(), new ModelException(outcome.message()));
            default -> new ModelValidationException(outcome.message());
        };
        session.getTransactionManager().enlistPrepare(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                throw failure;
            }

            @Override
            protected void rollbackImpl() {
            }
        });
    }

    @Override
    public void close() {
    }
}
