package tw.gov.hpa.screening.keycloak.personal;

import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import tw.gov.hpa.screening.keycloak.WiringFactory;

/** Wires {@link NationalIdRequiredAction} as the required action {@value #ID}. */
public class NationalIdRequiredActionFactory extends WiringFactory<RequiredActionProvider>
        implements RequiredActionFactory {

    public static final String ID = "screening-national-id";

    private static final NationalIdRequiredAction INSTANCE = new NationalIdRequiredAction();

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return INSTANCE;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayText() {
        return "身分證字號 National ID";
    }
}
