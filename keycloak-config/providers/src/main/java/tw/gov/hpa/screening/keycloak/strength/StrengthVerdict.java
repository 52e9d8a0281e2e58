package tw.gov.hpa.screening.keycloak.strength;

/** One scored password: the zxcvbn score, its level, and whether the realm's threshold is met. */
public final class StrengthVerdict {

    private final int score;
    private final boolean accepted;

    StrengthVerdict(int score, boolean accepted) {
        this.score = score;
        this.accepted = accepted;
    }

    public int score() {
        return score;
    }

    public StrengthLevel level() {
        return StrengthLevel.ofScore(score);
    }

    public boolean accepted() {
        return accepted;
    }
}
