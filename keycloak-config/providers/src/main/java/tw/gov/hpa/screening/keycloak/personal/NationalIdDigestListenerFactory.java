package tw.gov.hpa.screening.keycloak.personal;

import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Wires {@link NationalIdDigestListener} as "screening-national-id-digest". Global: keeping the
 * number out of the database must not depend on a realm setting someone can untick.
 */
public class NationalIdDigestListenerFactory implements EventListenerProviderFactory {

    public static final String ID = "screening-national-id-digest";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new NationalIdDigestListener(session);
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
