package tw.gov.hpa.screening.keycloak.reset;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** R-LCK-2: one reset mail per account and per e-mail address within the interval. */
class ResetMailThrottleTest {

    /** The single-use store, with a clock the test moves. */
    static final class MemoryClaims implements ResetMailThrottle.Claims {
        final Map<String, Long> until = new HashMap<>();
        long now;

        @Override
        public boolean claim(String key, int seconds) {
            Long held = until.get(key);
            if (held != null && held > now) {
                return false;
            }
            until.put(key, now + seconds);
            return true;
        }
    }

    private final MemoryClaims claims = new MemoryClaims();
    private final ResetMailThrottle throttle = new ResetMailThrottle(claims, 300);

    @Test
    void oneMailPerAccountWithinTheInterval() {
        assertTrue(throttle.mayMail("user-1", "wang@hospital.example.tw"));
        assertFalse(throttle.mayMail("user-1", "wang@hospital.example.tw"));
        claims.now = 299;
        assertFalse(throttle.mayMail("user-1", "wang@hospital.example.tw"));
        claims.now = 600;
        assertTrue(throttle.mayMail("user-1", "wang@hospital.example.tw"));
    }

    @Test
    void oneMailPerAddressEvenForAnotherAccount() {
        assertTrue(throttle.mayMail("user-1", "lab@clinic.example.tw"));
        assertFalse(throttle.mayMail("user-2", " LAB@Clinic.example.tw "));
    }

    @Test
    void otherAccountAndAddressAreNotHeldUp() {
        assertTrue(throttle.mayMail("user-1", "wang@hospital.example.tw"));
        assertTrue(throttle.mayMail("user-2", "chen@hospital.example.tw"));
    }

    @Test
    void theStoreHoldsNoAddress() {
        throttle.mayMail("user-1", "wang@hospital.example.tw");
        assertEquals(2, claims.until.size());
        for (String key : claims.until.keySet()) {
            assertTrue(key.startsWith(ResetMailThrottle.PREFIX));
            assertFalse(key.contains("wang"), key);
        }
    }

    @Test
    void zeroIntervalThrottlesNothing() {
        ResetMailThrottle off = new ResetMailThrottle(claims, 0);
        assertTrue(off.mayMail("user-1", "wang@hospital.example.tw"));
        assertTrue(off.mayMail("user-1", "wang@hospital.example.tw"));
    }
}
