package dev.bentoj.taskdb.control;

import dev.bentoj.taskdb.entity.TaskClaim;
import dev.bentoj.taskdb.entity.TaskSpec;
import dev.bentoj.taskdb.entity.WorkerType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static dev.bentoj.taskdb.entity.WorkerType.EXEC;
import static dev.bentoj.taskdb.entity.WorkerType.JOIN;
import static dev.bentoj.taskdb.entity.WorkerType.PROVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Long-poll claims wake up in-JVM as soon as work of their type is ready. The backstop is set far
 * beyond the waits measured here, so a quick return can only come from a wake-up.
 */
class LongPollClaimTest {

    private static final Duration BACKSTOP = Duration.ofSeconds(30);
    @RegisterExtension
    static final TestDatabase db = TestDatabase.emptiedBeforeEachTest();
    private TaskDb taskDb;
    private ExecutorService waiters;

    @BeforeEach
    void setUp() {
        taskDb = new TaskDb(db.dataSource(), TaskDbOptions.defaults().withWakeBackstop(BACKSTOP), new ReadyTaskSignal());
        waiters = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() {
        waiters.shutdownNow();
    }

    /** A claim waiting in another thread; completes with the claims and the time they came back. */
    private record Waiting(CompletableFuture<List<TaskClaim>> claims, long[] returnedAtNanos) {
    }

    private Waiting waitFor(WorkerType type, Duration wait) {
        long[] at = new long[1];
        CompletableFuture<List<TaskClaim>> f = CompletableFuture.supplyAsync(() -> {
            try {
                List<TaskClaim> c = taskDb.claim("waiter-" + type.id(), Set.of(type), 1, wait);
                at[0] = System.nanoTime();
                return c;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, waiters);
        return new Waiting(f, at);
    }

    private void awaitWaiters(WorkerType type, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (taskDb.signal().waiting(type) < n) {
            assertTrue(System.nanoTime() < deadline, "claims never started waiting");
            Thread.sleep(5);
        }
    }

    @Test
    void waitingClaimIsWokenWhenATaskOfItsTypeBecomesReadyAndNotByAnotherType() throws Exception {
        long[] latenciesMicros = new long[15];
        long[] afterCommitMicros = new long[latenciesMicros.length];
        for (int round = 0; round < latenciesMicros.length; round++) {
            Waiting waiting = waitFor(PROVE, Duration.ofSeconds(20));
            awaitWaiters(PROVE, 1);
            if (round == 0) {
                taskDb.createJob("alice", List.of(TaskSpec.of("init", EXEC, "{}", 30, 1)));
                Thread.sleep(300);
                assertFalse(waiting.claims().isDone(), "an exec task must not wake a prove claim");
                assertEquals(1, taskDb.signal().waiting(PROVE));
            }
            long readyAt = System.nanoTime();
            UUID job = taskDb.createJob("alice", List.of(TaskSpec.of("0", PROVE, "{}", 30, 1)));
            long committedAt = System.nanoTime();
            List<TaskClaim> claims = waiting.claims().get(10, TimeUnit.SECONDS);
            assertEquals(1, claims.size());
            assertEquals(job, claims.get(0).jobId());
            latenciesMicros[round] = (waiting.returnedAtNanos()[0] - readyAt) / 1_000;
            afterCommitMicros[round] = Math.max(0, (waiting.returnedAtNanos()[0] - committedAt) / 1_000);
        }
        Arrays.sort(latenciesMicros);
        Arrays.sort(afterCommitMicros);
        long median = latenciesMicros[latenciesMicros.length / 2];
        System.out.printf("createJob called → waiting claim returned the task: median %.2f ms, worst %.2f ms; "
                + "from createJob's return (committed, signalled): median %.2f ms, worst %.2f ms%n",
                median / 1e3, latenciesMicros[latenciesMicros.length - 1] / 1e3,
                afterCommitMicros[afterCommitMicros.length / 2] / 1e3,
                afterCommitMicros[afterCommitMicros.length - 1] / 1e3);
        assertTrue(median < 50_000, "median wake-up " + median + " µs: not woken in-JVM?");
    }

    @Test
    void completionThatReleasesADependentWakesItsWaiter() throws Exception {
        UUID job = taskDb.createJob("alice", List.of(TaskSpec.of("0", PROVE, "{}", 30, 1),
                new TaskSpec("join-0", JOIN, "{}", List.of("0"), 30, 1)));
        TaskClaim prove = taskDb.claim("gpu", Set.of(PROVE), 1).get(0);
        Waiting waiting = waitFor(JOIN, Duration.ofSeconds(20));
        awaitWaiters(JOIN, 1);
        long doneAt = System.nanoTime();
        taskDb.complete(job, prove.taskId(), prove.attempt(), "{}");
        List<TaskClaim> joins = waiting.claims().get(10, TimeUnit.SECONDS);
        assertEquals(List.of("join-0"), joins.stream().map(TaskClaim::taskId).toList());
        long micros = (waiting.returnedAtNanos()[0] - doneAt) / 1_000;
        System.out.printf("parent done → dependent claimed by a waiting claim: %.2f ms%n", micros / 1e3);
        assertTrue(micros < 1_000_000, micros + " µs");
    }

    @Test
    void oneReadyTaskWakesOneWaiterNotAll() throws Exception {
        List<Waiting> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(waitFor(PROVE, Duration.ofSeconds(20)));
        }
        awaitWaiters(PROVE, 3);
        taskDb.createJob("alice", List.of(TaskSpec.of("0", PROVE, "{}", 30, 1)));
        CompletableFuture.anyOf(waiting.stream().map(Waiting::claims).toArray(CompletableFuture[]::new))
                .get(10, TimeUnit.SECONDS);
        Thread.sleep(200);
        assertEquals(1, waiting.stream().filter(w -> w.claims().isDone()).count());
        assertEquals(2, taskDb.signal().waiting(PROVE), "the others still wait, untroubled");
    }

    @Test
    void claimWithNoWorkReturnsEmptyAfterTheWait() throws Exception {
        long start = System.nanoTime();
        List<TaskClaim> claims = taskDb.claim("idle", Set.of(PROVE, JOIN), 4, Duration.ofMillis(300));
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(claims.isEmpty());
        assertTrue(waitedMs >= 290 && waitedMs < 5_000, "waited " + waitedMs + " ms");
        assertEquals(0, taskDb.signal().waiting(PROVE));
        assertTrue(taskDb.claim("idle", Set.of(PROVE), 1, Duration.ZERO).isEmpty(), "no wait: at once");
    }
}
