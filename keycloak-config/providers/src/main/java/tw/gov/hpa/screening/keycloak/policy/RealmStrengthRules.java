package tw.gov.hpa.screening.keycloak.policy;

import org.keycloak.models.PasswordPolicy;
import org.keycloak.models.RealmModel;
import tw.gov.hpa.screening.keycloak.strength.StrengthScore;

/**
 * Reads the realm's password policy for the strength rules, so that the policy and the meter use
 * the same threshold and the same input cap.
 */
public final class RealmStrengthRules {

    static final String MAX_LENGTH_POLICY = "maxLength";

    private RealmStrengthRules() {
    }

    public static StrengthScore of(RealmModel realm) {
        PasswordPolicy policy = realm.getPasswordPolicy();
        if (policy == null) {
            return StrengthScore.withLimits(null, StrengthScore.DEFAULT_MIN_SCORE);
        }
        Integer maxLength = policy.getPolicyConfig(MAX_LENGTH_POLICY);
        Integer minScore = policy.getPolicyConfig(PasswordStrengthPolicyProviderFactory.ID);
        // Without the policy the meter still answers, judged against the agency's minimum (中).
        return StrengthScore.withLimits(maxLength,
                minScore == null ? StrengthScore.DEFAULT_MIN_SCORE : minScore);
    }
}
