package tw.gov.hpa.screening.keycloak.reset;

import org.keycloak.authentication.actiontoken.DefaultActionToken;

/**
 * The mailed reset link of the screening realm (R-LCK-2, R-LCK-3, R-LCK-4): Keycloak's reset token with a type of
 * our own, so that {@link ResetLinkHandler}, which accepts an account disabled by the lockout,
 * handles it. Same fields as Keycloak's: user, e-mail, expiry, the asking authentication session.
 */
public class ResetLinkToken extends DefaultActionToken {

    public static final String TOKEN_TYPE = "screening-reset-credentials";

    public ResetLinkToken(String userId, String email, int absoluteExpirationInSecs,
                          String compoundAuthenticationSessionId, String clientId) {
        super(userId, TOKEN_TYPE, absoluteExpirationInSecs, null, compoundAuthenticationSessionId);
        this.issuedFor = clientId;
        setEmail(email);
    }

    /** For the JSON reader. */
    private ResetLinkToken() {
    }
}
