package tw.gov.hpa.screening.keycloak.changes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the audit keeps of an administrator's update (decision 0123). Covers: R-AUD-1, R-PD-1 */
class ChangedFieldsTest {

    private static final Set<String> WATCHED = Set.of("email", "firstName", "lastName", "phone");

    @Test
    void namesTheChangedFieldsAndMasksTheEmail() {
        Map<String, String> d = ChangedFields.of(
                Map.of("email", List.of("wang@clinic.example.tw"), "firstName", List.of("小明"), "phone", List.of("02")),
                Map.of("email", List.of("lin@other.example.tw"), "firstName", List.of("小美"), "phone", List.of("02")),
                WATCHED);
        assertEquals("email,firstName", d.get(ChangedFields.FIELDS));
        assertEquals("w***@clinic.example.tw", d.get(ChangedFields.EMAIL_FROM));
        assertEquals("l***@other.example.tw", d.get(ChangedFields.EMAIL_TO));
        assertTrue(d.values().stream().noneMatch(v -> v.contains("小美") || v.contains("lin@")));
    }

    @Test
    void nothingChangedNothingRecorded() {
        assertTrue(ChangedFields.of(Map.of("firstName", List.of("小明")), Map.of("firstName", List.of(" 小明 ")), WATCHED)
                .isEmpty());
        assertTrue(ChangedFields.of(Map.of("lastName", List.of("王")), Map.of(), WATCHED).isEmpty());
    }
}
