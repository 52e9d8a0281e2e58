package tw.gov.hpa.screening.keycloak.reset;

import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import tw.gov.hpa.screening.keycloak.WiringFactory;

/**
 * Wires {@link UnlockOnResetListener} as "screening-unlock-on-reset". Global: it runs in every
 * realm without being added to the realm's event listeners, because an unlock that depends on a
 * realm setting someone can untick would silently stop R-LCK-3. It ignores all but the two event
 * types that say the person set a password.
 */
public class UnlockOnResetListenerFactory extends WiringFactory<EventListenerProvider>
        implements EventListenerProviderFactory {

    public static final String ID = "screening-unlock-on-reset";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new UnlockOnResetListener(session);
    }

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public String getId() {
        return ID;
    }
}
