package tw.gov.hpa.screening.keycloak.password;

import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import tw.gov.hpa.screening.keycloak.WiringFactory;

/**
 * Wires {@link PasswordSetByOtherListener} as "screening-password-set-by-other". Global, like the
 * unlock: R-PWD-1 must not depend on a realm setting someone can untick.
 */
public class PasswordSetByOtherListenerFactory extends WiringFactory<EventListenerProvider>
        implements EventListenerProviderFactory {

    public static final String ID = "screening-password-set-by-other";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new PasswordSetByOtherListener(session);
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
