package tw.gov.hpa.screening.keycloak.reset;

import org.keycloak.sessions.AuthenticationSessionModel;

/** Keeps the captcha's hashed answer in an auth note: bound to this browser tab's reset. */
final class AuthNoteCaptchaStore implements CaptchaStore {

    static final String NOTE = "screening.reset.captcha";

    private final AuthenticationSessionModel authSession;

    AuthNoteCaptchaStore(AuthenticationSessionModel authSession) {
        this.authSession = authSession;
    }

    @Override
    public String get() {
        return authSession.getAuthNote(NOTE);
    }

    @Override
    public void put(String value) {
        authSession.setAuthNote(NOTE, value);
    }

    @Override
    public void clear() {
        authSession.removeAuthNote(NOTE);
    }
}
