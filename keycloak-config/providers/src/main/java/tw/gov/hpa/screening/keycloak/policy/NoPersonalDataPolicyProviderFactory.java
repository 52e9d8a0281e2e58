package tw.gov.hpa.screening.keycloak.policy;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.policy.PasswordPolicyProvider;
import org.keycloak.policy.PasswordPolicyProviderFactory;

/** Wires {@code noPersonalData}; it takes no configuration. */
public class NoPersonalDataPolicyProviderFactory implements PasswordPolicyProviderFactory {

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

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
