package tw.gov.hpa.screening.keycloak.personal;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A Taiwanese phone number as written in a profile - {@code (02)2559-1969#116},
 * {@code 02-2559-1969轉116}, {@code 0912-345-678}, {@code +886912345678} - reduced to the digit
 * strings someone would reuse in a password.
 */
public final class PhoneDigits {

    /** A local landline number has 7 or 8 digits; anything shorter is too common to refuse. */
    static final int MIN_DIGITS = 7;

    /** Longest first, so that 037 wins over 03 and 0836 over 08. */
    private static final List<String> AREA_CODES =
            List.of("0836", "037", "049", "082", "089", "02", "03", "04", "05", "06", "07", "08");

    private final String national;

    private PhoneDigits(String national) {
        this.national = national;
    }

    public static PhoneDigits of(String raw) {
        if (raw == null) {
            return new PhoneDigits("");
        }
        // The extension is dialled after connecting: it is not part of the number.
        String main = raw.toLowerCase(Locale.ROOT).split("#|轉|分機|ext\\.?|x", 2)[0];
        String digits = main.replaceAll("\\D", "");
        if (digits.startsWith("00886")) {
            digits = digits.substring(2);
        }
        if (digits.startsWith("886") && digits.length() >= 11) {
            String rest = digits.substring(3);
            digits = rest.startsWith("0") ? rest : "0" + rest;
        }
        return new PhoneDigits(digits);
    }

    public boolean isMobile() {
        return national.startsWith("09");
    }

    /** Digit strings a password must not contain. */
    public Set<String> fragments() {
        if (national.length() < MIN_DIGITS) {
            return Collections.emptySet();
        }
        Set<String> out = new LinkedHashSet<>();
        out.add(national);
        if (national.startsWith("0")) {
            String withoutTrunkZero = national.substring(1);
            addIfLongEnough(out, withoutTrunkZero);
            // The international form people copy from business cards.
            out.add("886" + withoutTrunkZero);
            if (!isMobile()) {
                for (String area : AREA_CODES) {
                    if (national.startsWith(area)) {
                        addIfLongEnough(out, national.substring(area.length()));
                        break;
                    }
                }
            }
        }
        return out;
    }

    private static void addIfLongEnough(Set<String> out, String digits) {
        if (digits.length() >= MIN_DIGITS) {
            out.add(digits);
        }
    }
}
