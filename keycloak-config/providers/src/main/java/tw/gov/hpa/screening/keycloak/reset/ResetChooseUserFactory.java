package tw.gov.hpa.screening.keycloak.reset;

import java.util.List;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import tw.gov.hpa.screening.keycloak.WiringFactory;

/** Wires {@link ResetChooseUser} as "screening-reset-choose-user". */
public class ResetChooseUserFactory extends WiringFactory<Authenticator>
        implements AuthenticatorFactory {

    public static final String ID = "screening-reset-choose-user";

    private static final ResetChooseUser INSTANCE = new ResetChooseUser();

    private static final AuthenticationExecutionModel.Requirement[] REQUIREMENT_CHOICES = {
        AuthenticationExecutionModel.Requirement.REQUIRED
    };

    @Override
    public Authenticator create(KeycloakSession session) {
        return INSTANCE;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Choose user (account + e-mail + captcha)";
    }

    @Override
    public String getHelpText() {
        return "Asks for the account, its e-mail and an image captcha; sets the user only when "
                + "both match and the account is enabled or permanently locked out.";
    }

    @Override
    public String getReferenceCategory() {
        return null;
    }

    @Override
    public boolean isConfigurable() {
        return false;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return REQUIREMENT_CHOICES;
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }
}
