package tw.gov.hpa.screening.keycloak.password;

import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Wires {@link PasswordSetByOtherListener} as "screening-password-set-by-other". Global, like the
 * unlock: R-PWD-1 must not depend on a realm setting someone can untick.
 */
public class PasswordSetByOtherListenerFactory implements EventListenerProviderFactory {

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

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
