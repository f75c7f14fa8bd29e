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
    void wakeAllWakesEveryWaiterOfEveryType() throws Exception {
        ReadyTaskSignal signal = new ReadyTaskSignal();
        CompletableFuture<?>[] woken = new CompletableFuture<?>[4];
        for (int i = 0; i < woken.length; i++) {
            Set<WorkerType> types = Set.of(i % 2 == 0 ? PROVE : EXEC);
            woken[i] = CompletableFuture.supplyAsync(() -> {
                try {
                    return signal.await(types, signal.version(types), LONG_WAIT);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        while (signal.waiting(PROVE) + signal.waiting(EXEC) < woken.length) {
            Thread.sleep(1);
        }
        signal.wakeAll();
        CompletableFuture.allOf(woken).get(5, TimeUnit.SECONDS);
        assertEquals(0, signal.waiting(PROVE) + signal.waiting(EXEC));
    }

    @Test
    void noticePayloadsRoundTripAndStrayOnesAreIgnored() {
        ReadyNotice notice = new ReadyNotice(PROVE, 12, "3f9a");
        assertEquals("prove:12:3f9a", notice.payload());
        assertEquals(notice, ReadyNotice.parse(notice.payload()));
        assertEquals(new ReadyNotice(JOIN, 1, ""), ReadyNotice.parse("join"), "a bare type, as sent from psql");
        assertEquals(null, ReadyNotice.parse("gpu:3:x"));
        assertEquals(null, ReadyNotice.parse("prove:many:x"));
        assertEquals(null, ReadyNotice.parse("prove:0:x"));
        assertEquals(null, ReadyNotice.parse(null));
    }

    @Test
    void waitEndsEmptyAtTheTimeout() throws Exception {
        ReadyTaskSignal signal = new ReadyTaskSignal();
        assertFalse(signal.await(Set.of(EXEC), signal.version(Set.of(EXEC)), TimeUnit.MILLISECONDS.toNanos(50)));
    }
}
