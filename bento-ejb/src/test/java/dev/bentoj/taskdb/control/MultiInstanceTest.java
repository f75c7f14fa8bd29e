package dev.bentoj.taskdb.control;

import dev.bentoj.taskdb.entity.TaskClaim;
import dev.bentoj.taskdb.entity.TaskSpec;
import dev.bentoj.taskdb.entity.TaskState;
import dev.bentoj.taskdb.entity.TaskView;
import dev.bentoj.taskdb.entity.WorkerType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.bentoj.taskdb.entity.WorkerType.EXEC;
import static dev.bentoj.taskdb.entity.WorkerType.JOIN;
import static dev.bentoj.taskdb.entity.WorkerType.PROVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two server instances on one database, as two TaskDb objects with their own signal, notifier
 * and listener: wake-ups cross from one to the other through LISTEN/NOTIFY, the lease reaper
 * runs on one of them at a time, and a listener whose connection is killed comes back. The
 * claims' backstop is set far beyond the waits measured, so a quick wake-up can only come from
 * a notice.
 */
class MultiInstanceTest {

    private static final Duration BACKSTOP = Duration.ofSeconds(30);
    private static final Duration NOTICE_INTERVAL = Duration.ofMillis(5);
    private static final long WAKE_LIMIT_MS = 50;

    @RegisterExtension
    static final TestDatabase db = TestDatabase.emptiedBeforeEachTest();
    private TaskDb a;
    private TaskDb b;
    private ReadyTaskListener listenerA;
    private ReadyTaskListener listenerB;
    private ExecutorService threads;
    /** How long each measured createJob took on its own (its part of a wake-up's latency). */
    private final List<Double> createMillis = new ArrayList<>();

    @BeforeEach
    void startTwoInstances() throws Exception {
        TaskDbOptions options = TaskDbOptions.defaults().withWakeBackstop(BACKSTOP)
                .withRetryBackoff(Duration.ZERO, Duration.ZERO).withReapBatchSize(1000)
                .withReadyNotices(NOTICE_INTERVAL);
        a = new TaskDb(db.dataSource(), options, new ReadyTaskSignal());
        b = new TaskDb(db.dataSource(), options, new ReadyTaskSignal());
        listenerA = a.listenToOtherInstances(db.unpooled());
        listenerB = b.listenToOtherInstances(db.unpooled());
        assertTrue(listenerA.awaitListening(1, Duration.ofSeconds(10)), "listener of A connects");
        assertTrue(listenerB.awaitListening(1, Duration.ofSeconds(10)), "listener of B connects");
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stopInstances() {
        threads.shutdownNow();
        a.close();
        b.close();
    }

    private static TaskSpec task(String id, WorkerType type, int timeoutSeconds, String... deps) {
        return new TaskSpec(id, type, "{}", List.of(deps), timeoutSeconds, 5);
    }

    /** A long-poll claim on {@code taskDb} in another thread; completes with the nanoTime it returned at. */
    private CompletableFuture<Long> waitingClaim(TaskDb taskDb, WorkerType type, List<TaskClaim> into) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                into.addAll(taskDb.claim("waiter", Set.of(type), 1, Duration.ofSeconds(10)));
                return System.nanoTime();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, threads);
    }

    private static void awaitWaiters(TaskDb taskDb, WorkerType type, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (taskDb.signal().waiting(type) < n) {
            assertTrue(System.nanoTime() < deadline, "claims never started waiting");
            Thread.sleep(1);
        }
    }

    /** Ready through A → the claim waiting on B returns with the task; milliseconds from A's call. */
    private double crossWakeMillis(TaskDb from, TaskDb to, String user) throws Exception {
        List<TaskClaim> got = new ArrayList<>();
        CompletableFuture<Long> returned = waitingClaim(to, PROVE, got);
        awaitWaiters(to, PROVE, 1);
        Thread.sleep(5); // let the claim sit in its wait
        long start = System.nanoTime();
        UUID job = from.createJob(user, List.of(task("0", PROVE, 30)));
        long committed = System.nanoTime();
        long end = returned.get(10, TimeUnit.SECONDS);
        createMillis.add((committed - start) / 1e6);
        assertEquals(1, got.size(), "the claim on the other instance got the task");
        assertEquals(job, got.get(0).jobId());
        return (end - start) / 1e6;
    }

    @Test
    void taskMadeReadyOnOneInstanceWakesAClaimWaitingOnTheOther() throws Exception {
        for (int i = 0; i < 5; i++) {
            crossWakeMillis(a, b, "warm-up"); // JIT, connections, prepared statements
            crossWakeMillis(b, a, "warm-up");
        }
        createMillis.clear();
        double[] millis = new double[40];
        for (int i = 0; i < millis.length; i++) {
            // both directions; the interval between rounds is past the notice interval, so each
            // round's notice goes out inside its transaction (the leading edge)
            millis[i] = i % 2 == 0 ? crossWakeMillis(a, b, "alice") : crossWakeMillis(b, a, "bob");
        }
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        double[] creates = createMillis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf("createJob alone (insert + NOTIFY + commit): p50 %.2f ms%n", creates[creates.length / 2]);
        System.out.printf("cross-instance wake-up (createJob on one instance -> claim returns on the other),"
                + " %d rounds: p50 %.2f ms, p90 %.2f ms, max %.2f ms%n", sorted.length,
                sorted[sorted.length / 2], sorted[sorted.length * 9 / 10], sorted[sorted.length - 1]);
        assertTrue(sorted[sorted.length / 2] < 20, "median cross-instance wake-up " + sorted[sorted.length / 2] + " ms");
        // A shared 2-core machine may stall one round; the promise is for the rest.
        assertTrue(sorted[sorted.length - 2] < WAKE_LIMIT_MS, "cross-instance wake-ups: " + Arrays.toString(millis));
    }

    @Test
    void completionReleasingDependentsOnOneInstanceWakesTheOther() throws Exception {
        UUID job = a.createJob("alice", List.of(task("0", PROVE, 30), task("join", JOIN, 30, "0")));
        TaskClaim prove = a.claim("gpu", Set.of(PROVE), 1).get(0);
        List<TaskClaim> got = new ArrayList<>();
        CompletableFuture<Long> returned = waitingClaim(b, JOIN, got);
        awaitWaiters(b, JOIN, 1);
        Thread.sleep(10);
        long start = System.nanoTime();
        a.complete(job, "0", prove.attempt(), "{}");
        double ms = (returned.get(10, TimeUnit.SECONDS) - start) / 1e6;
        assertEquals(List.of("join"), got.stream().map(TaskClaim::taskId).toList());
        assertTrue(ms < WAKE_LIMIT_MS, "released dependent reached the other instance in " + ms + " ms");
    }

    @Test
    void aBurstOfReadyTasksIsCoalescedIntoFewNoticesThatStillWakeEveryWaiter() throws Exception {
        int waiters = 4;
        List<TaskClaim> got = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Long>> returned = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
            returned.add(waitingClaim(b, EXEC, got));
        }
        awaitWaiters(b, EXEC, waiters);
        try (Connection spy = db.unpooled().getConnection(); Statement s = spy.createStatement()) {
            s.execute("LISTEN bento_ready");
            int creators = 4;
            int jobs = 400;
            long start = System.nanoTime();
            List<Future<?>> burst = new ArrayList<>();
            for (int t = 0; t < creators; t++) {
                burst.add(threads.submit(() -> {
                    for (int i = 0; i < jobs / creators; i++) {
                        a.createJob("burst", List.of(task("init", EXEC, 30)));
                    }
                }));
            }
            for (Future<?> f : burst) {
                f.get(30, TimeUnit.SECONDS);
            }
            long burstMs = (System.nanoTime() - start) / 1_000_000;
            for (CompletableFuture<Long> f : returned) {
                f.get(5, TimeUnit.SECONDS);
            }
            Thread.sleep(100); // the trailing notice
            int notices = 0;
            int announced = 0;
            PGNotification[] ns;
            while ((ns = spy.unwrap(PGConnection.class).getNotifications(50)) != null && ns.length > 0) {
                for (PGNotification n : ns) {
                    ReadyNotice notice = ReadyNotice.parse(n.getParameter());
                    notices++;
                    announced += notice.tasks();
                }
            }
            System.out.printf("burst of %d ready tasks in %d ms: %d notices%n", jobs, burstMs, notices);
            assertEquals(jobs, announced, "every ready task is counted in some notice");
            // At most one per notice interval (plus the leading one and the trailing one), however
            // many transactions made tasks ready meanwhile.
            assertTrue(notices <= burstMs / NOTICE_INTERVAL.toMillis() + 2,
                    notices + " notices for a burst of " + burstMs + " ms");
            assertTrue(notices < jobs, notices + " notices for " + jobs + " transactions");
        }
        assertEquals(waiters, got.size(), "every waiting claim on the other instance got a task");
    }

    @Test
    void retryAfterBackoffOnOneInstanceWakesTheOtherWhenDue() throws Exception {
        TaskDbOptions slowRetry = TaskDbOptions.defaults().withWakeBackstop(BACKSTOP)
                .withRetryBackoff(Duration.ofMillis(300), Duration.ofSeconds(5)).withReadyNotices(NOTICE_INTERVAL);
        try (TaskDb c = new TaskDb(db.dataSource(), slowRetry, new ReadyTaskSignal())) {
            UUID job = c.createJob("alice", List.of(task("0", PROVE, 30)));
            TaskClaim first = c.claim("gpu", Set.of(PROVE), 1).get(0);
            List<TaskClaim> got = new ArrayList<>();
            CompletableFuture<Long> returned = waitingClaim(b, PROVE, got);
            awaitWaiters(b, PROVE, 1);
            long start = System.nanoTime();
            c.fail(job, "0", first.attempt(), "flaky", true);
            double ms = (returned.get(10, TimeUnit.SECONDS) - start) / 1e6;
            assertEquals(1, got.size());
            assertEquals(2, got.get(0).attempt());
            assertTrue(ms >= 290 && ms < 300 + WAKE_LIMIT_MS, "woken when the back-off ended: " + ms + " ms");
        }
    }

    @Test
    void listenerReconnectsAfterItsConnectionIsKilled() throws Exception {
        int pid = listenerB.backendPid();
        assertTrue(pid > 0);
        try (Connection c = db.unpooled().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertTrue(rs.getBoolean(1), "listener backend terminated");
            }
        }
        assertTrue(listenerB.awaitListening(2, Duration.ofSeconds(10)), "listener reconnected");
        assertTrue(listenerB.backendPid() != pid, "on a new session");
        double ms = crossWakeMillis(a, b, "alice");
        assertTrue(ms < WAKE_LIMIT_MS, "wake-up across instances after the reconnect: " + ms + " ms");
    }

    @Test
    void oneReaperAtATimeAcrossInstances() throws Exception {
        int n = 60;
        List<TaskSpec> specs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            specs.add(task(Integer.toString(i), PROVE, 1));
        }
        UUID job = a.createJob("alice", specs);
        assertEquals(n, a.claim("doomed", Set.of(PROVE), n).size());
        Thread.sleep(1_100); // every lease expires

        // Another instance's reaper holds the lock: this one does nothing.
        try (Connection holder = db.unpooled().getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement ps = holder.prepareStatement(TaskSql.TRY_REAPER_LOCK)) {
                ps.setLong(1, TaskSql.REAPER_LOCK_KEY);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertTrue(rs.getBoolean(1));
                }
            }
            assertEquals(0, a.reapExpiredLeases());
            assertEquals(0, b.reapExpiredLeases());
            holder.rollback();
        }

        // Both at once: one reaps everything, the other finds the lock taken (or, if it came
        // second, nothing left).
        CyclicBarrier together = new CyclicBarrier(2);
        Future<Integer> fromA = threads.submit(() -> {
            together.await();
            return a.reapExpiredLeases();
        });
        Future<Integer> fromB = threads.submit(() -> {
            together.await();
            return b.reapExpiredLeases();
        });
        int reapedA = fromA.get(30, TimeUnit.SECONDS);
        int reapedB = fromB.get(30, TimeUnit.SECONDS);
        System.out.printf("concurrent reapers: A requeued %d, B requeued %d%n", reapedA, reapedB);
        assertEquals(n, Math.max(reapedA, reapedB), "one reaper did the whole pass");
        assertEquals(0, Math.min(reapedA, reapedB), "the other requeued nothing");
        for (TaskView t : a.tasksOf(job)) {
            assertEquals(TaskState.READY, t.state());
            assertEquals(1, t.attempt(), "requeued once, not claimed again");
        }
        assertEquals(0, db.queryLong("SELECT running FROM stream_counts WHERE user_id = 'alice'"));
        assertFalse(listenerA.sessions() > 1 || listenerB.sessions() > 1, "listeners stayed connected");
    }
}
