package tw.gov.hpa.screening.keycloak.links;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** One hour for every change-password link. Covers: R-LCK-4 */
class LinkAgeTest {

    private static final int HOUR = 3600;

    @Test
    void aLinkLastsTheRealmsHourWhateverTheSenderAskedFor() {
        long issued = 1_800_000_000L;
        assertFalse(LinkAge.tooOld(issued, issued, HOUR));
        assertFalse(LinkAge.tooOld(issued, issued + HOUR, HOUR));
        assertTrue(LinkAge.tooOld(issued, issued + HOUR + 1, HOUR));
        assertTrue(LinkAge.tooOld(issued, issued + 12 * HOUR, HOUR));
    }

    @Test
    void aLinkWithoutItsIssueTimeOrARealmWithoutALifetimeIsRefused() {
        assertTrue(LinkAge.tooOld(null, 0, HOUR));
        assertTrue(LinkAge.tooOld(0L, 1, 0));
    }
}
