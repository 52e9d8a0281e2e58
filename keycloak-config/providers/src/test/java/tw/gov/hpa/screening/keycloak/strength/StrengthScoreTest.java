package tw.gov.hpa.screening.keycloak.strength;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The strength score behind the policy and the meter. Covers: R-PWD-4 */
class StrengthScoreTest {

    private final StrengthScore medium = StrengthScore.withLimits(null, 2);

    @Test
    void levelsMapFromScores() {
        assertEquals(StrengthLevel.WEAK, StrengthLevel.ofScore(0));
        assertEquals(StrengthLevel.WEAK, StrengthLevel.ofScore(1));
        assertEquals(StrengthLevel.MEDIUM, StrengthLevel.ofScore(2));
        assertEquals(StrengthLevel.STRONG, StrengthLevel.ofScore(3));
        assertEquals(StrengthLevel.STRONG, StrengthLevel.ofScore(4));
    }

    @ParameterizedTest
    @CsvSource({"password", "12345678", "qwertyuiop", "1qaz2wsx", "Aa123456~", "asdfghjkl;"})
    void commonAndKeyboardWalksAreWeak(String password) {
        StrengthVerdict v = medium.measure(password, List.of());
        assertEquals(StrengthLevel.WEAK, v.level(), password + " scored " + v.score());
        assertFalse(v.accepted());
    }

    @Test
    void aLongRandomPasswordIsStrong() {
        StrengthVerdict v = medium.measure("Tq#7Lp!2Vz^9Kd", List.of());
        assertEquals(StrengthLevel.STRONG, v.level());
        assertTrue(v.accepted());
    }

    @Test
    void personalDataCountsAsKnown() {
        // A name plus a birth date looks random to a scorer that does not know the person.
        String password = "Hsiaoming0790312";
        int unknown = medium.measure(password, List.of()).score();
        int known = medium.measure(password, List.of("hsiaoming", "0790312")).score();
        assertTrue(known < unknown, "known " + known + " unknown " + unknown);
    }

    @Test
    void thresholdDecidesAcceptance() {
        // "Qwertyuiop~1" scores 1: refused at 中 (2), accepted when the realm asks only for 弱.
        assertFalse(StrengthScore.withLimits(null, 2).measure("Qwertyuiop~1", List.of()).accepted());
        assertTrue(StrengthScore.withLimits(null, 1).measure("Qwertyuiop~1", List.of()).accepted());
        assertTrue(StrengthScore.withLimits(null, 0).measure("password", List.of()).accepted());
    }

    @Test
    void capIsMaxLengthElseDefault() {
        assertEquals(StrengthScore.DEFAULT_CAP, StrengthScore.withLimits(null, 2).cap());
        assertEquals(20, StrengthScore.withLimits(20, 2).cap());
        assertEquals("abc", StrengthScore.withLimits(3, 2).capped("abcdef"));
    }

    @Test
    void veryLongInputIsCheapBecauseCapped() {
        String huge = "aB3~".repeat(2500);
        long start = System.nanoTime();
        medium.measure(huge, List.of());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 2000, "took " + millis + " ms");
    }

    @Test
    void thresholdIsClamped() {
        assertEquals(4, StrengthScore.withLimits(null, 9).minScore());
        assertEquals(0, StrengthScore.withLimits(null, -1).minScore());
    }
}
