package tw.gov.hpa.screening.keycloak.policy;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.policy.PasswordPolicyProvider;
import org.keycloak.policy.PolicyError;
import tw.gov.hpa.screening.keycloak.personal.UserPersonalData;

/**
 * Refuses a password that contains the person's national ID, birth date, phone number, e-mail
 * name or names (R-PWD-5), with a message naming which.
 */
public class NoPersonalDataPolicyProvider implements PasswordPolicyProvider {

    private final KeycloakSession session;

    public NoPersonalDataPolicyProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public PolicyError validate(RealmModel realm, UserModel user, String password) {
        // The national ID is kept as keyed digests (decision 0030): compared through the vault's key.
        return UserPersonalData.of(session, user).foundIn(password)
                .map(kind -> new PolicyError(kind.messageKey()))
                .orElse(null);
    }

    @Override
    public PolicyError validate(String username, String password) {
        // Without the user there is no profile to compare with; the username itself is the
        // built-in notUsername / notContainsUsername policies' job.
        return null;
    }

    @Override
    public Object parseConfig(String value) {
        // Nothing to configure: "noPersonalData" or "noPersonalData(anything)" behave the same.
        return null;
    }

    @Override
    public void close() {
    }
}
