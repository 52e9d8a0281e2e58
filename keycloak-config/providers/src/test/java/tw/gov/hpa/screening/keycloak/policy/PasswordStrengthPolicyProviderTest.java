package tw.gov.hpa.screening.keycloak.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.keycloak.policy.PolicyError;
import tw.gov.hpa.screening.keycloak.personal.UserPersonalData;
import tw.gov.hpa.screening.keycloak.strength.StrengthScore;

/** The passwordStrength policy: 中 (medium) or stronger. Covers: R-PWD-4 */
class PasswordStrengthPolicyProviderTest {

    private final PasswordStrengthPolicyProvider policy = new PasswordStrengthPolicyProvider();

    @Test
    void weakPasswordRefusedWithRequiredLevel() {
        PolicyError error = PasswordStrengthPolicyProvider.check(StrengthScore.withLimits(null, 2), "1qaz2wsx3edc", List.of());
        assertNotNull(error);
        assertEquals("invalidPasswordStrengthMessage", error.getMessage());
        assertArrayEquals(new Object[] {2}, error.getParameters());
    }

    @Test
    void strongPasswordAccepted() {
        assertNull(PasswordStrengthPolicyProvider.check(StrengthScore.withLimits(null, 2), "Tq#7Lp!2Vz^9Kd", List.of()));
    }

    @Test
    void theUsersOwnDataWeakensThePassword() {
        // Looks random to zxcvbn alone; it is the person's name and ROC birth date.
        String password = "Wang~0790312";
        List<String> inputs = UserPersonalData.of(FakeUser.wang()).scorerInputs();
        StrengthScore rule = StrengthScore.withLimits(null, 3);
        assertNull(PasswordStrengthPolicyProvider.check(StrengthScore.withLimits(null, 0), password, inputs));
        assertNotNull(PasswordStrengthPolicyProvider.check(rule, password, inputs));
    }

    @Test
    void configIsTheMinimumScore() {
        assertEquals(2, policy.parseConfig("2"));
        assertEquals(3, policy.parseConfig("3"));
        assertEquals(2, policy.parseConfig(null));
        assertEquals(4, policy.parseConfig("7"));
    }

    @Test
    void registrationUsesTheUsernameAsInput() {
        assertNotNull(policy.validate("wangxm01", "wangxm01wangxm01"));
    }
}
