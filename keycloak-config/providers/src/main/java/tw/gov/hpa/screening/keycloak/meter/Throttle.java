package tw.gov.hpa.screening.keycloak.meter;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per key (the browser's root authentication session): each scoring costs one
 * token, tokens come back at a fixed rate up to a burst. Scoring is CPU work on a password, so an
 * open endpoint would be both a denial-of-service lever and a guessing oracle.
 *
 * <p>In memory, per node: a limit, not an audit. Buckets idle longer than a minute are dropped so
 * that the map stays small.
 */
public final class Throttle {

    private static final long IDLE_NANOS = 60_000_000_000L;
    private static final int SWEEP_ABOVE = 10_000;

    private final double perSecond;
    private final double burst;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public Throttle(double perSecond, double burst, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
    }

    public Throttle(double perSecond, double burst) {
        this(perSecond, burst, System::nanoTime);
    }

    /** Takes one token for the key; false when the key has none left. */
    public boolean tryAcquire(String key) {
        long now = nanoClock.getAsLong();
        if (buckets.size() > SWEEP_ABOVE) {
            sweep(now);
        }
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        synchronized (bucket) {
            double refill = (now - bucket.last) / 1e9 * perSecond;
            bucket.tokens = Math.min(burst, bucket.tokens + refill);
            bucket.last = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return true;
            }
            return false;
        }
    }

    private void sweep(long now) {
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            if (now - it.next().last > IDLE_NANOS) {
                it.remove();
            }
        }
    }

    private static final class Bucket {
        double tokens;
        long last;

        Bucket(double tokens, long last) {
            this.tokens = tokens;
            this.last = last;
        }
    }
}
