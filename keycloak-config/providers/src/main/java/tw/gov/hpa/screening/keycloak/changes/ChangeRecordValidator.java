package tw.gov.hpa.screening.keycloak.changes;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.keycloak.models.UserModel;
import org.keycloak.userprofile.AttributeContext;
import org.keycloak.userprofile.UserProfileAttributeValidationContext;
import org.keycloak.userprofile.UserProfileContext;
import org.keycloak.validate.SimpleValidator;
import org.keycloak.validate.ValidationContext;
import org.keycloak.validate.ValidatorConfig;

/**
 * Not a check: the user-profile "validator" {@value #ID}, on {@code username}, sees an
 * administrator's update before it is written - the stored values and the ones given - which no
 * admin event carries (their representation is off for personal data, decision 0030). It notes
 * the changed fields in the request's session; {@link ConsoleChangeListener} records them with the
 * update's admin event (decision 0123). Never refuses anything.
 */
public class ChangeRecordValidator implements SimpleValidator {

    public static final String ID = "screening-change-record";

    /** The person's fields an update may change (the national ID cannot be: decision 0120). */
    static final Set<String> WATCHED = Set.of("username", "email", "firstName", "lastName",
            "birthDate", "phone", "mobile", "department", "title", "departureDate");

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public ValidationContext validate(Object input, String inputHint, ValidationContext context, ValidatorConfig config) {
        AttributeContext attribute = UserProfileAttributeValidationContext.from(context).getAttributeContext();
        UserModel person = attribute.getUser();
        if (person == null || attribute.getContext() != UserProfileContext.USER_API) {
            return context;
        }
        Map<String, List<String>> before = new HashMap<>();
        for (String field : WATCHED) {
            before.put(field, person.getAttributeStream(field).collect(Collectors.toList()));
        }
        Map<String, List<String>> after = new HashMap<>();
        for (Map.Entry<String, List<String>> e : attribute.getAttributes().getReadable().entrySet()) {
            after.put(e.getKey(), e.getValue());
        }
        Map<String, String> details = ChangedFields.of(before, after, WATCHED);
        context.getSession().setAttribute(ConsoleChangeListener.NOTE + person.getId(), details);
        return context;
    }
}
