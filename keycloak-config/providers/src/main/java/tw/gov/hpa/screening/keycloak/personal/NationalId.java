package tw.gov.hpa.screening.keycloak.personal;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * A national ID (身分證字號, e.g. A123456789) or resident certificate number as it may hide in a
 * password: the whole of it, its digits, and the digit runs long enough to give it away.
 */
public final class NationalId {

    /**
     * Six digits of a nine-digit ID already narrow it to one person in a thousand among those
     * sharing the rest; shorter runs ("1234") are too common to refuse on this ground.
     */
    static final int MIN_DIGIT_RUN = 6;

    /**
     * The issuing letters in the order of their values (A=10 ... O=35): I, O, W, Z were added after
     * the others, hence their places at the end (the published check-digit table).
     */
    private static final String LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO";

    private final String normalized;

    private NationalId(String normalized) {
        this.normalized = normalized;
    }

    public static NationalId of(String raw) {
        return new NationalId(raw == null ? "" : raw.replaceAll("\\s", "").toLowerCase(Locale.ROOT));
    }

    /**
     * Is this a 身分證字號 or a 統一證號 (new format: second character 8 or 9; old format: second
     * letter A-D) whose check digit is right? The same rule as the sync service's
     * {@code parse_personal_id} (sync_service/domain/fields.py).
     */
    public boolean isValid() {
        String upper = normalized.toUpperCase(Locale.ROOT);
        if (!upper.matches("[A-Z][1289A-D][0-9]{8}")) {
            return false;
        }
        int letter = LETTERS.indexOf(upper.charAt(0)) + 10;
        char second = upper.charAt(1);
        int[] digits = new int[9];
        digits[0] = Character.isLetter(second) ? second - 'A' : second - '0';
        for (int i = 2; i < 10; i++) {
            digits[i - 1] = upper.charAt(i) - '0';
        }
        int total = (letter / 10) + (letter % 10) * 9 + digits[8];
        for (int i = 0; i < 8; i++) {
            total += digits[i] * (8 - i);
        }
        return total % 10 == 0;
    }

    /** Lower case, no spaces: what the digests are taken of. */
    String normalized() {
        return normalized;
    }

    /** The upper-case number, as people write it. */
    public String value() {
        return normalized.toUpperCase(Locale.ROOT);
    }

    /** Lower-case fragments a password must not contain. Empty when there is no usable ID. */
    public Set<String> fragments() {
        Set<String> out = new LinkedHashSet<>();
        String digits = normalized.replaceAll("\\D", "");
        if (digits.length() < MIN_DIGIT_RUN) {
            return out;
        }
        out.add(normalized);
        out.add(digits);
        for (int length = digits.length() - 1; length >= MIN_DIGIT_RUN; length--) {
            for (int start = 0; start + length <= digits.length(); start++) {
                out.add(digits.substring(start, start + length));
            }
        }
        return out;
    }

    /** What the strength scorer should know: the ID and its digits. */
    public Set<String> scorerInputs() {
        Set<String> out = new LinkedHashSet<>();
        String digits = normalized.replaceAll("\\D", "");
        if (!normalized.isEmpty()) {
            out.add(normalized);
        }
        if (!digits.isEmpty()) {
            out.add(digits);
        }
        return out;
    }
}
