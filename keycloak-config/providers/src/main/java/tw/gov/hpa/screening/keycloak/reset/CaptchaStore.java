package tw.gov.hpa.screening.keycloak.reset;

/** Where the pending captcha's (hashed) answer is kept: the authentication session, in Keycloak. */
public interface CaptchaStore {

    String get();

    void put(String value);

    void clear();
}
