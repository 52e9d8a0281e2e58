package tw.gov.hpa.screening.keycloak.policy;

import java.util.List;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.policy.PasswordPolicyProvider;
import org.keycloak.policy.PolicyError;
import tw.gov.hpa.screening.keycloak.personal.PersonalData;
import tw.gov.hpa.screening.keycloak.personal.UserPersonalData;
import tw.gov.hpa.screening.keycloak.strength.StrengthScore;
import tw.gov.hpa.screening.keycloak.strength.StrengthVerdict;

/** Refuses a password whose zxcvbn score is below the configured level (R-PWD-4). */
public class PasswordStrengthPolicyProvider implements PasswordPolicyProvider {

    /** {0} is the required score; the message turns it into 弱/中/強 with a choice format. */
    public static final String MESSAGE = "invalidPasswordStrengthMessage";

    @Override
    public PolicyError validate(RealmModel realm, UserModel user, String password) {
        return check(RealmStrengthRules.of(realm), password, UserPersonalData.of(user).scorerInputs());
    }

    @Override
    public PolicyError validate(String username, String password) {
        // No realm here (registration before the user exists): the agency's minimum applies.
        StrengthScore score = StrengthScore.withLimits(null, StrengthScore.DEFAULT_MIN_SCORE);
        return check(score, password, PersonalData.builder().username(username).build().scorerInputs());
    }

    static PolicyError check(StrengthScore score, String password, List<String> inputs) {
        StrengthVerdict verdict = score.measure(password, inputs);
        return verdict.accepted() ? null : new PolicyError(MESSAGE, score.minScore());
    }

    @Override
    public Object parseConfig(String value) {
        return StrengthScore.clampScore(parseInteger(value, StrengthScore.DEFAULT_MIN_SCORE));
    }

    @Override
    public void close() {
    }
}
