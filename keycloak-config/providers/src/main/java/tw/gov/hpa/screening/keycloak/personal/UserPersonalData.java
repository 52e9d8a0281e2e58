package tw.gov.hpa.screening.keycloak.personal;

import org.keycloak.models.UserModel;

/** Reads a person's {@link PersonalData} from the Keycloak user and its profile attributes. */
public final class UserPersonalData {

    /** User-profile attribute names, as declared in the realm's user profile. */
    public static final String NATIONAL_ID = "nationalId";
    public static final String BIRTH_DATE = "birthDate";
    public static final String PHONE = "phone";
    public static final String MOBILE = "mobile";

    private UserPersonalData() {
    }

    public static PersonalData of(UserModel user) {
        if (user == null) {
            return PersonalData.none();
        }
        PersonalData.Builder b = PersonalData.builder()
                .username(user.getUsername())
                .email(user.getEmail())
                .firstName(user.getFirstName())
                .lastName(user.getLastName())
                .nationalId(user.getFirstAttribute(NATIONAL_ID))
                .birthDate(user.getFirstAttribute(BIRTH_DATE));
        user.getAttributeStream(PHONE).forEach(b::phone);
        user.getAttributeStream(MOBILE).forEach(b::phone);
        return b.build();
    }
}
