package tw.gov.hpa.screening.keycloak.reset;

import tw.gov.hpa.screening.keycloak.EventListenerWiringFactory;

/**
 * Wires {@link UnlockOnResetListener} as "screening-unlock-on-reset". Global: it runs in every
 * realm without being added to the realm's event listeners, because an unlock that depends on a
 * realm setting someone can untick would silently stop R-LCK-3. It ignores all but the two event
 * types that say the person set a password.
 */
public class UnlockOnResetListenerFactory extends EventListenerWiringFactory {

    public static final String ID = "screening-unlock-on-reset";

    public UnlockOnResetListenerFactory() {
        super(ID, UnlockOnResetListener::new);
    }
}
