package tw.gov.hpa.screening.keycloak.lockout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One password evaluation per account at a time, across every node (R-LCK-1, decision 0135).
 *
 * <p>A sign-in takes the account's turn before its password is looked at and gives it back only
 * after its failure (or success) is recorded, so the next guess always sees the count the last
 * one left. Guesses that arrive together wait in line rather than being turned away unlooked-at
 * (Keycloak's own blocking protector turns them away, so a burst of wrong passwords is never
 * counted and the account stays open); once the third is recorded, the rest find it locked.
 *
 * <p>The turn itself lives in a {@link Store} shared by the cluster, taken atomically. Waiters on
 * this node queue on a fair local semaphore first, so that only one of them at a time polls the
 * store. The local semaphore is an optimisation only: exclusion comes from the store. The line is
 * short ({@code maxWaiting}): every waiting guess holds a request thread of the server, so a guess
 * beyond it is refused at once, unlooked-at and uncounted, as one whose wait ran out.
 */
public final class GuessTurns {

    /** A cluster-wide set of keys, each taken by one holder at a time. */
    public interface Store {
        /** Takes the key if nobody holds it; true when taken. Atomic across the cluster. */
        boolean tryTake(String key);

        void give(String key);
    }

    private final Duration wait;
    private final Duration poll;
    private final int maxWaiting;
    private final Map<String, Semaphore> lines = new ConcurrentHashMap<>();

    /**
     * @param wait how long a guess waits for its turn before it is refused unlooked-at
     * @param poll how often a guess at the front of this node's line asks the store again
     * @param maxWaiting how many guesses for one account may wait on this node; more are refused
     *     at once (each waiting guess holds one of the server's request threads)
     */
    public GuessTurns(Duration wait, Duration poll, int maxWaiting) {
        this.wait = wait;
        this.poll = poll;
        this.maxWaiting = maxWaiting;
    }

    /** Waits for the key's turn: the turn now held, or null if the line was full or the wait ran out. */
    public Turn take(String key, Store store) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        Semaphore line = lines.computeIfAbsent(key, k -> new Semaphore(1, true));
        if (!line.tryAcquire(0, TimeUnit.NANOSECONDS)) { // honours the line, unlike tryAcquire()
            if (line.getQueueLength() >= maxWaiting || !line.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                return null;
            }
        }
        try {
            while (!store.tryTake(key)) {
                if (System.nanoTime() >= deadline) {
                    leaveLine(key, line);
                    return null;
                }
                Thread.sleep(poll.toMillis());
            }
            return new Turn(key, store, line);
        } catch (InterruptedException | RuntimeException e) {
            leaveLine(key, line);
            throw e;
        }
    }

    /** An account's turn, held. */
    public final class Turn {
        private final String key;
        private final Store store;
        private final Semaphore line;
        private boolean given;

        private Turn(String key, Store store, Semaphore line) {
            this.key = key;
            this.store = store;
            this.line = line;
        }

        /** Gives the turn back: to the store first, then to the next in this node's line. */
        public synchronized void give() {
            if (given) {
                return;
            }
            given = true;
            try {
                store.give(key);
            } finally {
                leaveLine(key, line);
            }
        }
    }

    /** How many accounts have a line on this node (for tests: lines do not pile up). */
    int lines() {
        return lines.size();
    }

    /** How many guesses wait in this node's line for the key (for tests). */
    int waiting(String key) {
        Semaphore line = lines.get(key);
        return line == null ? 0 : line.getQueueLength();
    }

    private void leaveLine(String key, Semaphore line) {
        line.release();
        if (!line.hasQueuedThreads()) {
            lines.remove(key, line); // a racing newcomer may make a second line: the store still decides
        }
    }
}
