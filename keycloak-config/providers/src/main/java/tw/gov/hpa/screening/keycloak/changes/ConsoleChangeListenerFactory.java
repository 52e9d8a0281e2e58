package tw.gov.hpa.screening.keycloak.changes;

import tw.gov.hpa.screening.keycloak.EventListenerWiringFactory;

/** Wires {@link ConsoleChangeListener} as "screening-console-changes" (global, decision 0123). */
public class ConsoleChangeListenerFactory extends EventListenerWiringFactory {

    public static final String ID = "screening-console-changes";

    public ConsoleChangeListenerFactory() {
        super(ID, ConsoleChangeListener::new);
    }
}
