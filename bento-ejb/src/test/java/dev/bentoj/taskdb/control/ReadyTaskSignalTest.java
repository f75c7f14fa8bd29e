package dev.bentoj.taskdb.control;

import dev.bentoj.taskdb.entity.WorkerType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.bentoj.taskdb.entity.WorkerType.EXEC;
import static dev.bentoj.taskdb.entity.WorkerType.JOIN;
import static dev.bentoj.taskdb.entity.WorkerType.PROVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wake-up signal alone, without a database. */
class ReadyTaskSignalTest {

    private static final long LONG_WAIT = TimeUnit.SECONDS.toNanos(30);

    @Test
    void aNoticeBetweenQueryAndWaitIsNotLost() throws Exception {
        ReadyTaskSignal signal = new ReadyTaskSignal();
        long seen = signal.version(Set.of(PROVE));
        signal.readyNow(PROVE, 1); // arrives after the query, before the wait
        long start = System.nanoTime();
        assertTrue(signal.await(Set.of(PROVE), seen, LONG_WAIT));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void aWaiterForSeveralTypesIsWokenByAnyOfThemButNotByOthers() throws Exception {
        ReadyTaskSignal signal = new ReadyTaskSignal();
        Set<WorkerType> types = Set.of(PROVE, JOIN);
        CompletableFuture<Boolean> woken = CompletableFuture.supplyAsync(() -> {
            try {
                return signal.await(types, signal.version(types), LONG_WAIT);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        while (signal.waiting(JOIN) == 0) {
            Thread.sleep(1);
        }
        signal.readyNow(EXEC, 5);
        Thread.sleep(100);
        assertFalse(woken.isDone());
        signal.readyNow(JOIN, 1);
        assertTrue(woken.get(5, TimeUnit.SECONDS));
        assertEquals(0, signal.waiting(PROVE), "deregistered from every type");
    }

    @Test
    void aDelayedTaskWakesAWaiterWhenItsBackoffEnds() throws Exception {
        ReadyTaskSignal signal = new ReadyTaskSignal();
        long seen = signal.version(Set.of(PROVE));
        signal.readyIn(PROVE, Duration.ofMillis(150));
        long start = System.nanoTime();
        assertTrue(signal.await(Set.of(PROVE), seen, LONG_WAIT));
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(waitedMs >= 140 && waitedMs < 5_000, waitedMs + " ms");
    }

    @Test
    void waitEndsEmptyAtTheTimeout() throws Exception {
        ReadyTaskSignal signal = new ReadyTaskSignal();
        assertFalse(signal.await(Set.of(EXEC), signal.version(Set.of(EXEC)), TimeUnit.MILLISECONDS.toNanos(50)));
    }
}
