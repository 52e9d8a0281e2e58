package tw.gov.hpa.screening.keycloak.strength;

import com.nulabinc.zxcvbn.Zxcvbn;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The one place a password's strength is computed. The password policy and the meter's endpoint
 * both call this class: the zxcvbn ports (Java, JavaScript, zxcvbn-ts) disagree on some passwords,
 * so a meter scoring in the browser could show 中 for a password the server then refuses.
 */
public final class StrengthScore {

    /**
     * Input cap when the realm has no maxLength policy. zxcvbn's matching cost grows steeply with
     * length (seconds at a thousand characters): unbounded input would let anyone keep a CPU busy
     * through the meter's endpoint, and would slow every password change.
     */
    public static final int DEFAULT_CAP = 64;

    /** zxcvbn 中 (medium) - the agency's minimum (R-PWD-4) and the policy's default. */
    public static final int DEFAULT_MIN_SCORE = 2;

    public static final int MAX_SCORE = 4;

    /**
     * Built once: the no-argument constructor loads the standard frequency dictionaries and
     * keyboard graphs, which is costly (an empty ZxcvbnBuilder would score "password" as 中).
     * Measuring keeps no state between calls.
     */
    private static final Zxcvbn ZXCVBN = new Zxcvbn();

    private final int cap;
    private final int minScore;

    private StrengthScore(int cap, int minScore) {
        this.cap = cap;
        this.minScore = minScore;
    }

    /**
     * @param maxLength the realm's maxLength policy value, or null: the input is cut there (a
     *                  longer password is refused by that policy anyway), else at {@link #DEFAULT_CAP}
     * @param minScore  the threshold (0-4) a password must reach to be accepted
     */
    public static StrengthScore withLimits(Integer maxLength, int minScore) {
        int cap = maxLength != null && maxLength > 0 ? maxLength : DEFAULT_CAP;
        return new StrengthScore(cap, clampScore(minScore));
    }

    public static int clampScore(int score) {
        return Math.max(0, Math.min(MAX_SCORE, score));
    }

    public int cap() {
        return cap;
    }

    public int minScore() {
        return minScore;
    }

    public StrengthVerdict measure(String password, List<String> userInputs) {
        if (password == null || password.isEmpty()) {
            return new StrengthVerdict(0, minScore <= 0);
        }
        List<String> inputs = userInputs.stream()
                .filter(s -> s != null && !s.isBlank())
                .map(s -> s.toLowerCase(Locale.ROOT))
                .collect(Collectors.toList());
        int score = ZXCVBN.measure(capped(password), inputs).getScore();
        return new StrengthVerdict(score, score >= minScore);
    }

    String capped(String password) {
        if (password.codePointCount(0, password.length()) <= cap) {
            return password;
        }
        return password.substring(0, password.offsetByCodePoints(0, cap));
    }
}
