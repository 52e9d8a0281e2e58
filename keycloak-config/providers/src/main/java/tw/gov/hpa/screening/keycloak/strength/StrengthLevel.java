package tw.gov.hpa.screening.keycloak.strength;

/** The three words the meter shows (弱 / 中 / 強) for zxcvbn's five scores. */
public enum StrengthLevel {
    WEAK("weak"),
    MEDIUM("medium"),
    STRONG("strong");

    private final String code;

    StrengthLevel(String code) {
        this.code = code;
    }

    /** 0-1 weak, 2 medium (the agency's 中, R-PWD-4), 3-4 strong. */
    public static StrengthLevel ofScore(int score) {
        if (score <= 1) {
            return WEAK;
        }
        return score == 2 ? MEDIUM : STRONG;
    }

    /** The JSON value and the suffix of the theme's message key (passwordStrengthWeak, ...). */
    public String code() {
        return code;
    }
}
