package tw.gov.hpa.screening.keycloak.lockout;

import tw.gov.hpa.screening.keycloak.EventListenerWiringFactory;

/** Wires {@link LockoutNoticeListener} as "screening-lockout-notice"; global, like the unlock. */
public class LockoutNoticeListenerFactory extends EventListenerWiringFactory {

    public static final String ID = "screening-lockout-notice";

    public LockoutNoticeListenerFactory() {
        super(ID, LockoutNoticeListener::new);
    }
}
