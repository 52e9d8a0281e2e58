package tw.gov.hpa.screening.keycloak.grants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The token contract's grant (docs/token-contract.md). Covers: R-CAT-2 */
class GrantTest {

    @Test
    void aGrantGroupIsAGrantWithItsInstitution() {
        Grant g = Grant.ofGroupPath("/institutions/0401180014/CRC-COL/managers", List.of("eligibility-query")).orElseThrow();
        assertEquals(new Grant("0401180014", "CRC-COL", "manager", List.of("eligibility-query")), g);
        assertEquals(Map.of("institution", "0401180014", "category", "CRC-COL", "level", "manager",
                "functions", List.of("eligibility-query")), g.asClaim());
        assertEquals(List.of("institution", "category", "level", "functions"), List.copyOf(g.asClaim().keySet()));
        assertEquals("user", Grant.ofGroupPath("/institutions/0401180014/HPV-COL/users", List.of()).orElseThrow().level());
    }

    @Test
    void otherGroupsAreNoGrants() {
        assertTrue(Grant.ofGroupPath("/institutions/0401180014/CRC-COL", List.of()).isEmpty());
        assertTrue(Grant.ofGroupPath("/admins/users", List.of()).isEmpty());
        assertTrue(Grant.ofGroupPath("/institutions/04011800/CRC-COL/users", List.of()).isEmpty());
        assertTrue(Grant.ofGroupPath(null, List.of()).isEmpty());
    }
}
