package tw.gov.hpa.screening.keycloak.password;

import tw.gov.hpa.screening.keycloak.EventListenerWiringFactory;

/**
 * Wires {@link PasswordSetByOtherListener} as "screening-password-set-by-other". Global, like the
 * unlock: R-PWD-1 must not depend on a realm setting someone can untick.
 */
public class PasswordSetByOtherListenerFactory extends EventListenerWiringFactory {

    public static final String ID = "screening-password-set-by-other";

    public PasswordSetByOtherListenerFactory() {
        super(ID, PasswordSetByOtherListener::new);
    }
}
