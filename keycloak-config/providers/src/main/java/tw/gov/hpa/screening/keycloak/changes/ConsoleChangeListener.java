package tw.gov.hpa.screening.keycloak.changes;

import java.util.Map;
import java.util.UUID;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventStoreProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Records which fields an administrator's update of a person changed (decision 0123): after
 * Keycloak stores the update's admin event ({@code USER UPDATE}, no details), a second admin event
 * of the resource type {@value #RESOURCE} is stored beside it, same time, author and path, whose
 * details are {@link ChangedFields}' (names and masks, never a personal value). The sync service
 * copies both into its chain (decision 0090). Keycloak stores an admin event before it calls the
 * listeners, so the first cannot be given details here.
 */
public class ConsoleChangeListener implements EventListenerProvider {

    public static final String RESOURCE = "USER_FIELDS";
    static final String NOTE = "screening.changedFields.";

    private final KeycloakSession session;

    public ConsoleChangeListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        if (event.getOperationType() != OperationType.UPDATE || event.getResourcePath() == null) {
            return;
        }
        String[] path = event.getResourcePath().split("/");
        if (path.length != 2 || !"users".equals(path[0])) {
            return;
        }
        Object note = session.getAttribute(NOTE + path[1]);
        session.removeAttribute(NOTE + path[1]);
        if (!(note instanceof Map<?, ?> details) || details.isEmpty()) {
            return;
        }
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        EventStoreProvider store = session.getProvider(EventStoreProvider.class);
        if (realm == null || store == null || !realm.isAdminEventsEnabled()) {
            return;
        }
        AdminEvent fields = new AdminEvent(event);
        fields.setId(UUID.randomUUID().toString());
        fields.setResourceTypeAsString(RESOURCE);
        fields.setRepresentation(null);
        @SuppressWarnings("unchecked")
        Map<String, String> kept = (Map<String, String>) details;
        fields.setDetails(new java.util.HashMap<>(kept));
        store.onEvent(fields, false);
    }

    @Override
    public void close() {
    }
}
