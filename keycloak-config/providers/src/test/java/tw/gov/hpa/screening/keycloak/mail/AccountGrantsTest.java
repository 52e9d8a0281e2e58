package tw.gov.hpa.screening.keycloak.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import tw.gov.hpa.screening.keycloak.mail.AccountGrants.Step;

class AccountGrantsTest {

    private static List<Step> path(String level) {
        return List.of(new Step("institutions", "機構 / Institutions"), new Step("3502990011", "臺北市立聯合醫院"),
                new Step("CRC-COL", "大腸癌—採檢機構 / Colorectal cancer — specimen collection"),
                new Step(level, "使用者 / Users"));
    }

    @Test
    void aGrantGroupReadsAsTheInstitutionTheCategoryAndTheLevelInBothLanguages() {
        assertEquals(new AccountGrants.Grant("臺北市立聯合醫院", "3502990011", "大腸癌—採檢機構",
                "Colorectal cancer — specimen collection", "使用者", "Users"), AccountGrants.of(path("users")));
    }

    @Test
    void otherGroupsAreNoGrantsAndAGroupWithoutDescriptionReadsAsItsName() {
        assertNull(AccountGrants.of(List.of(new Step("staff", null))));
        assertNull(AccountGrants.of(path("auditors")));
        assertEquals("3502990011", AccountGrants.words(null, "3502990011", true));
        assertEquals(1, AccountGrants.allOf(List.of(path("managers"), List.of(new Step("x", null)))).size());
    }
}
