package tw.gov.hpa.screening.keycloak.signin;

import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.UsernamePasswordFormFactory;
import org.keycloak.models.KeycloakSession;

/** Wires {@link HolderToldForm} as "screening-username-password-form" (the realm's "screening browser" flow). */
public class HolderToldFormFactory extends UsernamePasswordFormFactory {

    public static final String ID = "screening-username-password-form";

    @Override
    public Authenticator create(KeycloakSession session) {
        return new HolderToldForm(session); // as Keycloak's: the passkey part needs the session
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Username Password Form (tells the holder of a locked or closed account)";
    }

    @Override
    public String getHelpText() {
        return "Keycloak's username and password form; the right password of a locked or closed account "
                + "is told what happened and whom to call, a wrong one reads as any wrong password.";
    }
}
