package tw.gov.hpa.screening.keycloak.personal;

import java.util.List;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.userprofile.AttributeContext;
import org.keycloak.userprofile.UserProfileAttributeValidationContext;
import org.keycloak.validate.SimpleValidator;
import org.keycloak.validate.ValidationContext;
import org.keycloak.validate.ValidationError;
import org.keycloak.validate.ValidatorConfig;

/**
 * The user-profile validator {@value #ID} on the {@code nationalId} attribute (decision 0120): it
 * gives the console and the Admin REST API their clear refusal, before anything is written, for
 * every rule of {@link NationalIdCheck}. Paths that skip the user profile (partialImport) meet the
 * same rules in {@link NationalIdDigestListener}.
 */
public class NationalIdValidator implements SimpleValidator {

    public static final String ID = "screening-national-id";

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public ValidationContext validate(Object input, String inputHint, ValidationContext context, ValidatorConfig config) {
        AttributeContext attribute = UserProfileAttributeValidationContext.from(context).getAttributeContext();
        KeycloakSession session = context.getSession();
        RealmModel realm = session.getContext().getRealm();
        UserModel user = attribute.getUser();
        NationalIdCheck.Outcome outcome = NationalIdCheck.of(
                first(input),
                user == null,
                NationalIdHolders.storedDigests(user),
                NationalIdHolders.byServerAdmin(session),
                NationalIdKey.digest(session),
                NationalIdHolders.heldByAnother(session, realm, user));
        if (outcome.refused()) {
            context.addError(new ValidationError(ID, inputHint, outcome.message()));
        }
        return context;
    }

    private static String first(Object input) {
        if (input instanceof List<?> values) {
            return values.stream().map(String::valueOf).filter(v -> !v.isBlank()).findFirst().orElse(null);
        }
        return input == null ? null : String.valueOf(input);
    }
}
