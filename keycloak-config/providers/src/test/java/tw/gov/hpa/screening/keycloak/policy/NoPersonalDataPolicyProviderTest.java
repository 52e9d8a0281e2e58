package tw.gov.hpa.screening.keycloak.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.keycloak.policy.PolicyError;

/** The noPersonalData password policy. Covers: R-PWD-5 */
class NoPersonalDataPolicyProviderTest {

    private final NoPersonalDataPolicyProvider policy = new NoPersonalDataPolicyProvider(null);

    @ParameterizedTest
    @CsvSource({
        "Tq#A123456789x, invalidPasswordPersonalDataNationalIdMessage",
        "Tq#079/03/12xY, invalidPasswordPersonalDataBirthDateMessage",
        "Tq#0790312xYz*, invalidPasswordPersonalDataBirthDateMessage",
        "Tq#0225591969x, invalidPasswordPersonalDataPhoneMessage",
        "Tq#0933521864x, invalidPasswordPersonalDataPhoneMessage",
        "Tq#hsiaoming.wang, invalidPasswordPersonalDataEmailMessage",
        "Tq#WangQQ~7812, invalidPasswordPersonalDataNameMessage",
    })
    void refusalNamesTheKind(String password, String messageKey) {
        PolicyError error = policy.validate(null, FakeUser.wang(), password);
        assertEquals(messageKey, error.getMessage());
    }

    @Test
    void cleanPasswordPasses() {
        assertNull(policy.validate(null, FakeUser.wang(), "Tq#7Lp!2Vz^9Kd"));
    }

    @Test
    void withoutUserNothingIsChecked() {
        assertNull(policy.validate("wangxm01", "A123456789~19900312"));
        assertNull(policy.validate(null, null, "A123456789~19900312"));
    }

    @Test
    void configIsIgnored() {
        assertNull(policy.parseConfig("1"));
        assertNull(policy.parseConfig(null));
    }
}
