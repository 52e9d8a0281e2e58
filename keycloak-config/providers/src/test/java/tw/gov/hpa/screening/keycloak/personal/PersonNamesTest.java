package tw.gov.hpa.screening.keycloak.personal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Names in their romanised and Chinese forms. Covers: R-PWD-5 */
class PersonNamesTest {

    @Test
    void latinNamesWholeAndByPart() {
        Set<String> f = PersonNames.of("Hsiao-Ming", "Wang").fragments();
        assertTrue(f.contains("hsiao-ming"));
        assertTrue(f.contains("hsiaoming"));
        assertTrue(f.contains("hsiao"));
        assertTrue(f.contains("ming"));
        assertTrue(f.contains("wang"));
    }

    @Test
    void twoLetterLatinNamesCountOneLetterDoesNot() {
        assertTrue(PersonNames.of("Li", "Wu").fragments().contains("wu"));
        assertFalse(PersonNames.of("J", "Wu").fragments().contains("j"));
    }

    @Test
    void hanNamesWhole() {
        Set<String> f = PersonNames.of("小明", "王").fragments();
        assertTrue(f.contains("王小明"));
        assertTrue(f.contains("小明"));
        assertFalse(f.contains("王"), "a one-character surname is a common word");
    }
}
