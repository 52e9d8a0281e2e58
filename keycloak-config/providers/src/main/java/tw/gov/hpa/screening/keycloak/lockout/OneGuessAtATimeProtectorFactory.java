package tw.gov.hpa.screening.keycloak.lockout;

import java.time.Duration;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.managers.BruteForceProtector;
import org.keycloak.services.managers.BruteForceProtectorFactory;
import tw.gov.hpa.screening.keycloak.WiringFactory;

/**
 * Wires {@link OneGuessAtATimeProtector} in place of Keycloak's own protector. Its order makes it
 * the default of the SPI without a server option ({@code DefaultKeycloakSessionFactory} picks the
 * factory of highest positive order), so the developer stack and both production nodes use it alike.
 */
public class OneGuessAtATimeProtectorFactory extends WiringFactory<BruteForceProtector>
        implements BruteForceProtectorFactory {

    public static final String ID = "screening-one-guess-at-a-time";

    /** A guess waits this long for its turn; three evaluations take well under a second. */
    static final Duration WAIT = Duration.ofSeconds(30);
    /** How often the guess at the front of a node's line asks whether the other node is done. */
    static final Duration POLL = Duration.ofMillis(20);
    /** Guesses for one account waiting on one node; each holds a request thread (50 by default). */
    static final int MAX_WAITING = 8;
    /** A turn is freed after this long even if its node died holding it (longer than any sign-in). */
    static final long LEASE_SECONDS = 120;

    private OneGuessAtATimeProtector protector;

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        protector = new OneGuessAtATimeProtector(factory, new GuessTurns(WAIT, POLL, MAX_WAITING), LEASE_SECONDS);
    }

    @Override
    public BruteForceProtector create(KeycloakSession session) {
        return protector;
    }

    @Override
    public int order() {
        return 100;
    }

    @Override
    public String getId() {
        return ID;
    }
}
