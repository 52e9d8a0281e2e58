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

    private final String normalized;

    private NationalId(String normalized) {
        this.normalized = normalized;
    }

    public static NationalId of(String raw) {
        return new NationalId(raw == null ? "" : raw.replaceAll("\\s", "").toLowerCase(Locale.ROOT));
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
