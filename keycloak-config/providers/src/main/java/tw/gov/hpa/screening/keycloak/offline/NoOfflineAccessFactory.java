package tw.gov.hpa.screening.keycloak.offline;

import org.jboss.logging.Logger;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import tw.gov.hpa.screening.keycloak.WiringFactory;

/**
 * Offline tokens only for clients that need them; in our realm, none (docs/decisions/0031).
 *
 * <p>A realm import cannot say so: Keycloak 26.7.3 adds {@code offline_access} to the realm's
 * default role and its client scope to the realm's default optional scopes whenever the file
 * does not define every client scope itself, and a realm file's role composites are added, never
 * removed. So when a realm whose attribute {@value #ATTRIBUTE} is {@code none} is created (the
 * {@code RealmPostCreateEvent} comes at the end of the import, attributes in place), this takes
 * the role out of the default role and the scope off the realm's defaults and off every client.
 *
 * <p>Registered as an event-listener factory only to be loaded; the realm never lists it, and
 * its listener listens to nothing.
 */
public class NoOfflineAccessFactory extends WiringFactory<EventListenerProvider>
        implements EventListenerProviderFactory {

    public static final String ID = "screening-no-offline-access";
    public static final String ATTRIBUTE = "screening.offlineAccess";

    private static final Logger LOG = Logger.getLogger(NoOfflineAccessFactory.class);

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof RealmModel.RealmPostCreateEvent created) {
                withdraw(created.getCreatedRealm());
            }
        });
    }

    static void withdraw(RealmModel realm) {
        if (!"none".equals(realm.getAttribute(ATTRIBUTE))) {
            return;
        }
        RoleModel offline = realm.getRole(Constants.OFFLINE_ACCESS_ROLE);
        if (offline != null) {
            realm.getDefaultRole().removeCompositeRole(offline);
        }
        realm.getClientScopesStream()
                .filter(scope -> Constants.OFFLINE_ACCESS_ROLE.equals(scope.getName()))
                .findFirst()
                .ifPresent(scope -> withdrawScope(realm, scope));
        LOG.infof("realm %s: offline_access withdrawn from the default role and every client", realm.getName());
    }

    private static void withdrawScope(RealmModel realm, ClientScopeModel scope) {
        realm.removeDefaultClientScope(scope);
        realm.getClientsStream().forEach(client -> client.removeClientScope(scope));
    }

    /** Listens to nothing: named in a realm's event listeners by mistake, it still does no harm. */
    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return NOTHING;
    }

    private static final EventListenerProvider NOTHING = new EventListenerProvider() {
        @Override
        public void onEvent(org.keycloak.events.Event event) {
        }

        @Override
        public void onEvent(org.keycloak.events.admin.AdminEvent event, boolean includeRepresentation) {
        }

        @Override
        public void close() {
        }
    };

    @Override
    public String getId() {
        return ID;
    }
}
