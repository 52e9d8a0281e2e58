package tw.gov.hpa.screening.keycloak.personal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The profile data of one person that must not appear in their password (R-PWD-5), and that the
 * strength scorer is told about so that it counts them as guessable.
 *
 * <p>Plain values only, so the rules are tested without a Keycloak server; {@code UserPersonalData}
 * reads them from a {@code UserModel}.
 */
public final class PersonalData {

    /** Below three characters an e-mail local part ("li") is not telling enough to refuse. */
    static final int MIN_EMAIL_LOCAL_PART = 3;

    private final String username;
    private final String email;
    private final String firstName;
    private final String lastName;
    private final String nationalId;
    private final String birthDate;
    private final List<String> phones;
    private final Set<String> nationalIdDigests;
    private final NationalIdDigest digest;

    private PersonalData(Builder b) {
        this.username = nullToEmpty(b.username);
        this.email = nullToEmpty(b.email);
        this.firstName = nullToEmpty(b.firstName);
        this.lastName = nullToEmpty(b.lastName);
        this.nationalId = nullToEmpty(b.nationalId);
        this.birthDate = nullToEmpty(b.birthDate);
        this.phones = List.copyOf(b.phones);
        this.nationalIdDigests = Set.copyOf(b.nationalIdDigests);
        this.digest = b.digest;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static PersonalData none() {
        return builder().build();
    }

    /**
     * The first kind of personal data found in the password, checked case-insensitively; empty
     * when the password is free of it.
     */
    public Optional<PersonalDataKind> foundIn(String password) {
        if (password == null || password.isEmpty()) {
            return Optional.empty();
        }
        String lower = password.toLowerCase(Locale.ROOT);
        // "0912-345-678" or "A12 345 6789" in a password is still the number: digits are also
        // compared with the usual separators taken out.
        String compact = lower.replaceAll("[\\s\\-./()+]", "");
        if (containsAny(lower, compact, NationalId.of(nationalId).fragments())) {
            return Optional.of(PersonalDataKind.NATIONAL_ID);
        }
        if (digest != null && digest.foundIn(password, nationalIdDigests)) {
            return Optional.of(PersonalDataKind.NATIONAL_ID);
        }
        if (containsAny(lower, compact, BirthDateForms.of(birthDate).forms())) {
            return Optional.of(PersonalDataKind.BIRTH_DATE);
        }
        for (String phone : phones) {
            if (containsAny(lower, compact, PhoneDigits.of(phone).fragments())) {
                return Optional.of(PersonalDataKind.PHONE);
            }
        }
        String local = emailLocalPart();
        if (local.length() >= MIN_EMAIL_LOCAL_PART && lower.contains(local)) {
            return Optional.of(PersonalDataKind.EMAIL);
        }
        for (String name : PersonNames.of(firstName, lastName).fragments()) {
            if (lower.contains(name)) {
                return Optional.of(PersonalDataKind.NAME);
            }
        }
        return Optional.empty();
    }

    /**
     * Everything the zxcvbn scorer should treat as known to an attacker: a password built from
     * these scores as weak as it is.
     */
    public List<String> scorerInputs() {
        Set<String> out = new LinkedHashSet<>();
        addIfPresent(out, username);
        addIfPresent(out, email);
        addIfPresent(out, emailLocalPart());
        addIfPresent(out, firstName);
        addIfPresent(out, lastName);
        out.addAll(PersonNames.of(firstName, lastName).fragments());
        out.addAll(NationalId.of(nationalId).scorerInputs());
        out.addAll(BirthDateForms.of(birthDate).forms());
        for (String phone : phones) {
            out.addAll(PhoneDigits.of(phone).fragments());
        }
        return new ArrayList<>(out);
    }

    private String emailLocalPart() {
        int at = email.indexOf('@');
        return (at < 0 ? email : email.substring(0, at)).trim().toLowerCase(Locale.ROOT);
    }

    private static boolean containsAny(String lower, String compact, Set<String> fragments) {
        for (String f : fragments) {
            if (lower.contains(f) || compact.contains(f)) {
                return true;
            }
        }
        return false;
    }

    private static void addIfPresent(Set<String> out, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!v.isEmpty()) {
            out.add(v);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    public static final class Builder {
        private String username;
        private String email;
        private String firstName;
        private String lastName;
        private String nationalId;
        private String birthDate;
        private final List<String> phones = new ArrayList<>();
        private final Set<String> nationalIdDigests = new LinkedHashSet<>();
        private NationalIdDigest digest;

        public Builder username(String v) { this.username = v; return this; }
        public Builder email(String v) { this.email = v; return this; }
        public Builder firstName(String v) { this.firstName = v; return this; }
        public Builder lastName(String v) { this.lastName = v; return this; }
        public Builder nationalId(String v) { this.nationalId = v; return this; }
        public Builder birthDate(String v) { this.birthDate = v; return this; }

        /** The stored digests of the ID (decision 0030) and the keyed digest that made them. */
        public Builder nationalIdDigests(Set<String> digests, NationalIdDigest digest) {
            this.nationalIdDigests.addAll(digests);
            this.digest = digest;
            return this;
        }

        public Builder phone(String v) {
            if (v != null && !v.isBlank()) {
                phones.add(v);
            }
            return this;
        }

        public PersonalData build() {
            return new PersonalData(this);
        }
    }
}
