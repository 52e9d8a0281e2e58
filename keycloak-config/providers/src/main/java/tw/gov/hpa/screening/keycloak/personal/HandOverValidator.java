package tw.gov.hpa.screening.keycloak.personal;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.userprofile.AttributeContext;
import org.keycloak.userprofile.UserProfileAttributeValidationContext;
import org.keycloak.userprofile.UserProfileContext;
import org.keycloak.validate.SimpleValidator;
import org.keycloak.validate.ValidationContext;
import org.keycloak.validate.ValidationError;
import org.keycloak.validate.ValidatorConfig;

/**
 * The user-profile validator {@value #ID} on {@code firstName}, {@code lastName} and {@code email}
 * (decision 0123): in the Admin REST API (the console), a caller whose rights come from
 * fine-grained permissions alone (a manager: no {@code manage-users}, not a server administrator)
 * may change these only for a person whose every grant is a user grant of a pair the caller
 * manages ({@link HandOverGuard}). Keycloak's permissions already refuse a person shared with
 * another pair's manager (a DENY); this also covers a person who is a manager elsewhere, whom no
 * permission protects.
 */
public class HandOverValidator implements SimpleValidator {

    public static final String ID = "screening-no-hand-over";

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public ValidationContext validate(Object input, String inputHint, ValidationContext context, ValidatorConfig config) {
        AttributeContext attribute = UserProfileAttributeValidationContext.from(context).getAttributeContext();
        UserModel person = attribute.getUser();
        KeycloakSession session = context.getSession();
        if (person == null || attribute.getContext() != UserProfileContext.USER_API) {
            return context; // a new account, or the person's own profile
        }
        String stored = person.getFirstAttribute(attribute.getMetadata().getName());
        if (!HandOverGuard.changes(stored, first(input)) || !Callers.byManagerAlone(session)) {
            return context;
        }
        Set<String> managed = HandOverGuard.pairsManaged(paths(session.getContext().getUser()));
        if (!HandOverGuard.mayChange(managed, paths(person))) {
            context.addError(new ValidationError(ID, inputHint, HandOverGuard.REFUSED));
        }
        return context;
    }

    private static Set<String> paths(UserModel user) {
        return user == null ? Set.of()
                : user.getGroupsStream().map(KeycloakModelUtils::buildGroupPath).collect(Collectors.toSet());
    }

    private static String first(Object input) {
        if (input instanceof List<?> values) {
            return values.stream().map(String::valueOf).filter(v -> !v.isBlank()).findFirst().orElse(null);
        }
        return input == null ? null : String.valueOf(input);
    }
}
