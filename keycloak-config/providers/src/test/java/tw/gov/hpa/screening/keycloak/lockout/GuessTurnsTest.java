package tw.gov.hpa.screening.keycloak.lockout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One password evaluation per account at a time (decision 0135). No rule id: the mechanism; the
 * rule (R-LCK-1) is checked against the real server by the tests named below.
 *
 * <p>The store here is a set in memory; Keycloak's single-use object store, which the protector
 * uses, is exercised by tests/integration/test_password_guess_bound.py and, across two nodes, by
 * tests/prod/test_password_guess_bound.py.
 */
class GuessTurnsTest {

    private static final Duration LONG = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(1);

    /** The cluster's store: a key is held by one at a time. */
    static final class SetStore implements GuessTurns.Store {
        final Set<String> taken = ConcurrentHashMap.newKeySet();

        @Override
        public boolean tryTake(String key) {
            return taken.add(key);
        }

        @Override
        public void give(String key) {
            taken.remove(key);
        }
    }

    private final SetStore store = new SetStore();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private CompletableFuture<GuessTurns.Turn> takeElsewhere(GuessTurns turns, String key) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return turns.take(key, store);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, threads);
    }

    private static void waitFor(BooleanSupplier state) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!state.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for the state");
            Thread.onSpinWait();
        }
    }

    @Test
    void aSecondGuessWaitsUntilTheFirstGivesItsTurnBack() throws Exception {
        GuessTurns turns = new GuessTurns(LONG, POLL, 8);
        GuessTurns.Turn first = turns.take("realm:alice", store);
        assertNotNull(first);
        CompletableFuture<GuessTurns.Turn> second = takeElsewhere(turns, "realm:alice");
        waitFor(() -> turns.waiting("realm:alice") == 1);
        assertFalse(second.isDone());
        first.give();
        assertNotNull(second.get(30, TimeUnit.SECONDS));
    }

    @Test
    void accountsDoNotWaitForEachOther() throws Exception {
        GuessTurns turns = new GuessTurns(LONG, POLL, 8);
        assertNotNull(turns.take("realm:alice", store));
        assertNotNull(turns.take("realm:bob", store));
    }

    @Test
    void aTurnHeldOnAnotherNodeIsWaitedFor() throws Exception {
        GuessTurns turns = new GuessTurns(LONG, POLL, 8);
        store.taken.add("realm:alice"); // the other node evaluates a guess
        CompletableFuture<GuessTurns.Turn> here = takeElsewhere(turns, "realm:alice");
        assertFalse(here.isDone());
        store.give("realm:alice");
        assertNotNull(here.get(30, TimeUnit.SECONDS));
        assertTrue(store.taken.contains("realm:alice"));
    }

    @Test
    void aGuessWhoseWaitRunsOutIsRefusedAndLeavesTheLine() throws Exception {
        GuessTurns turns = new GuessTurns(Duration.ofMillis(50), POLL, 8);
        store.taken.add("realm:alice");
        assertNull(turns.take("realm:alice", store));
        assertEquals(0, turns.lines());
        store.give("realm:alice");
        assertNotNull(turns.take("realm:alice", store));
    }

    @Test
    void aGuessBeyondAFullLineIsRefusedAtOnce() throws Exception {
        GuessTurns turns = new GuessTurns(LONG, POLL, 1);
        GuessTurns.Turn first = turns.take("realm:alice", store);
        CompletableFuture<GuessTurns.Turn> second = takeElsewhere(turns, "realm:alice");
        waitFor(() -> turns.waiting("realm:alice") == 1);
        long started = System.nanoTime();
        assertNull(turns.take("realm:alice", store));
        assertTrue(System.nanoTime() - started < LONG.toNanos() / 2, "refused without waiting");
        first.give();
        assertNotNull(second.get(30, TimeUnit.SECONDS));
    }

    @Test
    void manyGuessesAtOnceAreEvaluatedOneAfterAnother() throws Exception {
        GuessTurns turns = new GuessTurns(LONG, POLL, 64);
        AtomicInteger evaluating = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger evaluated = new AtomicInteger();
        CompletableFuture<?>[] guesses = new CompletableFuture<?>[50];
        for (int i = 0; i < guesses.length; i++) {
            guesses[i] = CompletableFuture.runAsync(() -> {
                try {
                    GuessTurns.Turn turn = turns.take("realm:alice", store);
                    assertNotNull(turn);
                    most.accumulateAndGet(evaluating.incrementAndGet(), Math::max);
                    evaluated.incrementAndGet();
                    evaluating.decrementAndGet();
                    turn.give();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, threads);
        }
        CompletableFuture.allOf(guesses).get(60, TimeUnit.SECONDS);
        assertEquals(50, evaluated.get());
        assertEquals(1, most.get());
        assertTrue(store.taken.isEmpty());
        assertEquals(0, turns.lines());
    }

    @Test
    void givingTwiceGivesOnce() throws Exception {
        GuessTurns turns = new GuessTurns(LONG, POLL, 8);
        GuessTurns.Turn first = turns.take("realm:alice", store);
        first.give();
        GuessTurns.Turn second = turns.take("realm:alice", store);
        first.give(); // a late second give of the first turn must not free the second
        assertTrue(store.taken.contains("realm:alice"));
        second.give();
    }
}
