package tw.gov.hpa.screening.keycloak.personal;

import tw.gov.hpa.screening.keycloak.EventListenerWiringFactory;

/**
 * Wires {@link NationalIdDigestListener} as "screening-national-id-digest". Global: keeping the
 * number out of the database must not depend on a realm setting someone can untick.
 */
public class NationalIdDigestListenerFactory extends EventListenerWiringFactory {

    public static final String ID = "screening-national-id-digest";

    public NationalIdDigestListenerFactory() {
        super(ID, NationalIdDigestListener::new);
    }
}
