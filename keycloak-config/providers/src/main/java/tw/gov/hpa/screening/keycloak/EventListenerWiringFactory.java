package tw.gov.hpa.screening.keycloak;

import java.util.function.Function;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;

/**
 * The base of our event listeners' factories: each only names its id and the listener it creates.
 * All are global: they run in every realm without being added to the realm's event listeners,
 * because a rule that depends on a realm setting someone can untick would silently stop.
 */
public abstract class EventListenerWiringFactory extends WiringFactory<EventListenerProvider>
        implements EventListenerProviderFactory {

    private final String id;
    private final Function<KeycloakSession, EventListenerProvider> listener;

    protected EventListenerWiringFactory(String id, Function<KeycloakSession, EventListenerProvider> listener) {
        this.id = id;
        this.listener = listener;
    }

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return listener.apply(session);
    }

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public String getId() {
        return id;
    }
}
