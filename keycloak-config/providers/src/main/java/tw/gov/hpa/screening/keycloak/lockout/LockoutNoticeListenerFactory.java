package tw.gov.hpa.screening.keycloak.lockout;

import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import tw.gov.hpa.screening.keycloak.WiringFactory;

/** Wires {@link LockoutNoticeListener} as "screening-lockout-notice"; global, like the unlock. */
public class LockoutNoticeListenerFactory extends WiringFactory<EventListenerProvider>
        implements EventListenerProviderFactory {

    public static final String ID = "screening-lockout-notice";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new LockoutNoticeListener(session);
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
