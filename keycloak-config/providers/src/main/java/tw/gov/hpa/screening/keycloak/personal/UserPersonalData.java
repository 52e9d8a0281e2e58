package tw.gov.hpa.screening.keycloak.personal;

import java.util.Set;
import java.util.stream.Collectors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

/** Reads a person's {@link PersonalData} from the Keycloak user and its profile attributes. */
public final class UserPersonalData {

    /** User-profile attribute names, as declared in the realm's user profile. */
    public static final String NATIONAL_ID = "nationalId";
    /** Keyed digests of the national ID's fragments: what Keycloak keeps (decision 0030). */
    public static final String NATIONAL_ID_DIGESTS = "nationalIdDigests";
    public static final String BIRTH_DATE = "birthDate";
    public static final String PHONE = "phone";
    public static final String MOBILE = "mobile";

    private UserPersonalData() {
    }

    /** With the stored national ID digests, compared through the vault's key. */
    public static PersonalData of(KeycloakSession session, UserModel user) {
        if (user == null) {
            return PersonalData.none();
        }
        Set<String> digests = user.getAttributeStream(NATIONAL_ID_DIGESTS).collect(Collectors.toSet());
        if (digests.isEmpty()) {
            return of(user);
        }
        return builderOf(user)
                .nationalIdDigests(digests, NationalIdKey.digest(session).orElse(null))
                .build();
    }

    public static PersonalData of(UserModel user) {
        if (user == null) {
            return PersonalData.none();
        }
        return builderOf(user).build();
    }

    private static PersonalData.Builder builderOf(UserModel user) {
        PersonalData.Builder b = PersonalData.builder()
                .username(user.getUsername())
                .email(user.getEmail())
                .firstName(user.getFirstName())
                .lastName(user.getLastName())
                .nationalId(user.getFirstAttribute(NATIONAL_ID))
                .birthDate(user.getFirstAttribute(BIRTH_DATE));
        user.getAttributeStream(PHONE).forEach(b::phone);
        user.getAttributeStream(MOBILE).forEach(b::phone);
        return b;
    }
}
