package tw.gov.hpa.screening.keycloak.personal;

import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import tw.gov.hpa.screening.keycloak.WiringFactory;

/**
 * Wires {@link NationalIdDigestListener} as "screening-national-id-digest". Global: keeping the
 * number out of the database must not depend on a realm setting someone can untick.
 */
public class NationalIdDigestListenerFactory extends WiringFactory<EventListenerProvider>
        implements EventListenerProviderFactory {

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
}
