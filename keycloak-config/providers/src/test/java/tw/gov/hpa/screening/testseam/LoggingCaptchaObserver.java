package tw.gov.hpa.screening.testseam;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import tw.gov.hpa.screening.keycloak.WiringFactory;
import tw.gov.hpa.screening.keycloak.reset.CaptchaObserver;
import tw.gov.hpa.screening.keycloak.reset.CaptchaObserverFactory;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * TEST ONLY. Logs every issued captcha answer so that the browser tests can type it. Packaged
 * alone in target/test-seam/ (never in target/deploy/), loaded only by the tests' Keycloak.
 * Its log category is outside the providers' package on purpose.
 */
public class LoggingCaptchaObserver extends WiringFactory<CaptchaObserver>
        implements CaptchaObserver, CaptchaObserverFactory {

    static final Logger LOG = Logger.getLogger("screening.testseam.captcha-answers");

    @Override
    public void issued(AuthenticationSessionModel authSession, String answer) {
        LOG.infof("captcha issued: session=%s tab=%s answer=%s",
                authSession.getParentSession().getId(), authSession.getTabId(), answer);
    }

    @Override
    public CaptchaObserver create(KeycloakSession session) {
        return this;
    }

    @Override
    public String getId() {
        return "test-seam-log";
    }
}
