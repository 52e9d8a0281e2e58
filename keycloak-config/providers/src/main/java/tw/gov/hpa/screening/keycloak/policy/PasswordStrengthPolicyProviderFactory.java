package tw.gov.hpa.screening.keycloak.policy;

import org.keycloak.models.KeycloakSession;
import org.keycloak.policy.PasswordPolicyProvider;
import org.keycloak.policy.PasswordPolicyProviderFactory;
import tw.gov.hpa.screening.keycloak.WiringFactory;

/** Wires {@code passwordStrength(N)}: N is the minimum zxcvbn score, 0-4 (2 = 中). */
public class PasswordStrengthPolicyProviderFactory extends WiringFactory<PasswordPolicyProvider>
        implements PasswordPolicyProviderFactory {

    public static final String ID = "passwordStrength";

    private static final PasswordStrengthPolicyProvider INSTANCE = new PasswordStrengthPolicyProvider();

    @Override
    public PasswordPolicyProvider create(KeycloakSession session) {
        return INSTANCE;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayName() {
        return "Password strength (zxcvbn score 0-4)";
    }

    @Override
    public String getConfigType() {
        return PasswordPolicyProvider.INT_CONFIG_TYPE;
    }

    @Override
    public String getDefaultConfigValue() {
        return "2";
    }

    @Override
    public boolean isMultiplSupported() {
        return false;
    }
}
