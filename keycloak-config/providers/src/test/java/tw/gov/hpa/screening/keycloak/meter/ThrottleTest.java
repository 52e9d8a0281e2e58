package tw.gov.hpa.screening.keycloak.meter;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The meter's rate limit, per authentication session. No rule id: it keeps the meter
 * (R-PWD-4) from serving as a bulk password-guessing oracle. */
class ThrottleTest {

    private final AtomicLong now = new AtomicLong();
    private final Throttle throttle = new Throttle(2, 3, now::get);

    @Test
    void burstThenRefusedThenRefilled() {
        assertTrue(throttle.tryAcquire("s1"));
        assertTrue(throttle.tryAcquire("s1"));
        assertTrue(throttle.tryAcquire("s1"));
        assertFalse(throttle.tryAcquire("s1"));
        now.addAndGet(500_000_000L); // half a second at 2/s: one token back
        assertTrue(throttle.tryAcquire("s1"));
        assertFalse(throttle.tryAcquire("s1"));
    }

    @Test
    void bucketsArePerSession() {
        for (int i = 0; i < 3; i++) {
            throttle.tryAcquire("s1");
        }
        assertFalse(throttle.tryAcquire("s1"));
        assertTrue(throttle.tryAcquire("s2"));
    }
}
