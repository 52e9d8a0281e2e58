package tw.gov.hpa.screening.keycloak.personal;

import java.lang.Character.UnicodeScript;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * A person's first and last name as password fragments. Latin-script names (Wang, Hsiao-Ming) are
 * refused from two letters on and also part by part; a CJK name (王小明) is refused whole, because
 * a single Han character is a word, not a name.
 */
public final class PersonNames {

    static final int MIN_LATIN_LENGTH = 2;

    private final String firstName;
    private final String lastName;

    private PersonNames(String firstName, String lastName) {
        this.firstName = clean(firstName);
        this.lastName = clean(lastName);
    }

    public static PersonNames of(String firstName, String lastName) {
        return new PersonNames(firstName, lastName);
    }

    public Set<String> fragments() {
        Set<String> out = new LinkedHashSet<>();
        if (isHan(firstName) || isHan(lastName)) {
            // Chinese order is family name first; people also type it the Western way round.
            addHan(out, lastName + firstName);
            addHan(out, firstName + lastName);
            addHan(out, firstName);
            addHan(out, lastName);
            return out;
        }
        for (String name : new String[] {firstName, lastName}) {
            addLatin(out, name);
            addLatin(out, name.replaceAll("[\\s\\-'.]", ""));
            for (String part : name.split("[\\s\\-'.]+")) {
                addLatin(out, part);
            }
        }
        return out;
    }

    private static void addHan(Set<String> out, String name) {
        // Whole names only: a two-character given name (小明) still identifies, one character does not.
        if (name.codePointCount(0, name.length()) >= 2) {
            out.add(name);
        }
    }

    private static void addLatin(Set<String> out, String name) {
        if (name.length() >= MIN_LATIN_LENGTH) {
            out.add(name);
        }
    }

    private static boolean isHan(String s) {
        return s.codePoints().anyMatch(cp -> UnicodeScript.of(cp) == UnicodeScript.HAN);
    }

    private static String clean(String s) {
        return s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    }
}
