package tw.gov.hpa.screening.keycloak.policy;

import org.keycloak.models.KeycloakSession;
import org.keycloak.policy.PasswordPolicyProvider;
import org.keycloak.policy.PasswordPolicyProviderFactory;
import tw.gov.hpa.screening.keycloak.WiringFactory;

/** Wires {@code noPersonalData}; it takes no configuration. */
public class NoPersonalDataPolicyProviderFactory extends WiringFactory<PasswordPolicyProvider>
        implements PasswordPolicyProviderFactory {

    public static final String ID = "noPersonalData";

    @Override
    public PasswordPolicyProvider create(KeycloakSession session) {
        return new NoPersonalDataPolicyProvider(session);
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayName() {
        return "No personal data (national ID, birth date, phone, e-mail, names)";
    }

    @Override
    public String getConfigType() {
        return null;
    }

    @Override
    public String getDefaultConfigValue() {
        return null;
    }

    @Override
    public boolean isMultiplSupported() {
        return false;
    }
}
