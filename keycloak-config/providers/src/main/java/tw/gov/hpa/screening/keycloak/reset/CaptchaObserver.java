package tw.gov.hpa.screening.keycloak.reset;

import org.keycloak.provider.Provider;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Told of every captcha the reset step issues, answer included. Production has no implementation:
 * the only one is the test run's seam (a separate jar, target/test-seam, that `make up` and a
 * production build never load), so that an end-to-end test can read the image it cannot see.
 */
public interface CaptchaObserver extends Provider {

    void issued(AuthenticationSessionModel authSession, String answer);
}
