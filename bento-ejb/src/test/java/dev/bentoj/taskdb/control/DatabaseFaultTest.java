package dev.bentoj.taskdb.control;

import dev.bentoj.taskdb.entity.CompletionOutcome;
import dev.bentoj.taskdb.entity.JobState;
import dev.bentoj.taskdb.entity.TaskClaim;
import dev.bentoj.taskdb.entity.TaskDbException;
import dev.bentoj.taskdb.entity.TaskDbException.Reason;
import dev.bentoj.taskdb.entity.TaskSpec;
import dev.bentoj.taskdb.entity.TaskState;
import dev.bentoj.taskdb.entity.TaskView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.bentoj.taskdb.entity.WorkerType.JOIN;
import static dev.bentoj.taskdb.entity.WorkerType.PROVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL fails in the middle of a load of claims and completions from several workers:
 * no task is lost, none is completed twice, and the scheduler recovers by itself (the failure
 * surfaces as {@link Reason#DATABASE}; later calls succeed on fresh connections).
 *
 * <p>The fault, by default, terminates every session of the test database at once
 * ({@code pg_terminate_backend}): what a restart does to clients, without taking the server
 * away from the other test classes and builds that share it. For a real restart, pass the
 * command, best against a private cluster: {@code -Dbento.test.pg.port=5433
 * -Dbento.test.pg.restart="pg_ctlcluster --skip-systemctl-redirect 15 faults restart"}.
 *
 * <p>Workers behave as agents do: a result that could not be delivered is sent again (same
 * attempt) until the scheduler answers; an attempt whose lease ran out meanwhile is refused
 * and dropped, its task re-run by whoever claims it next.
 */
class DatabaseFaultTest {

    private static final int JOBS = 200;
    private static final int SEGMENTS = 10;
    private static final int WORKERS = 4;
    private static final int LEASE_SECONDS = 2;
    private static final String RESTART = System.getProperty("bento.test.pg.restart", "").trim();

    @RegisterExtension
    static final TestDatabase db = TestDatabase.perClass();

    /** One attempt's accepted result: COMPLETED, or ALREADY_COMPLETED when the reply was lost. */
    private record Accepted(int attempt, CompletionOutcome outcome) {
    }

    @Test
    void noTaskLostNoneCompletedTwiceAndRecoveryWithoutHelpAfterTheDatabaseFails() throws Exception {
        TaskDb taskDb = new TaskDb(db.dataSource(), TaskDbOptions.defaults()
                .withRetryBackoff(Duration.ofMillis(10), Duration.ofMillis(100)).withReapBatchSize(1000),
                new ReadyTaskSignal());
        List<UUID> jobs = new ArrayList<>();
        for (int j = 0; j < JOBS; j++) {
            List<TaskSpec> specs = new ArrayList<>();
            List<String> segments = new ArrayList<>();
            for (int s = 0; s < SEGMENTS; s++) {
                specs.add(new TaskSpec(Integer.toString(s), PROVE, "{}", List.of(), LEASE_SECONDS, 50));
                segments.add(Integer.toString(s));
            }
            specs.add(new TaskSpec("join", JOIN, "{}", segments, LEASE_SECONDS, 50));
            jobs.add(taskDb.createJob("user-" + (j % 3), specs));
        }
        int total = JOBS * (SEGMENTS + 1);

        Map<String, List<Accepted>> accepted = new ConcurrentHashMap<>();
        AtomicInteger acceptedCount = new AtomicInteger();
        AtomicInteger databaseErrors = new AtomicInteger();
        AtomicInteger staleDropped = new AtomicInteger();
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Long> acceptedAt = new CopyOnWriteArrayList<>();

        ExecutorService pool = Executors.newFixedThreadPool(WORKERS + 1);
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            String workerId = "worker-" + w;
            running.add(pool.submit(() -> {
                while (!stop.get()) {
                    List<TaskClaim> claims;
                    try {
                        claims = taskDb.claim(workerId, Set.of(PROVE, JOIN), 3, Duration.ofMillis(200));
                    } catch (TaskDbException e) {
                        if (e.reason() != Reason.DATABASE) {
                            unexpected.add(e);
                        }
                        databaseErrors.incrementAndGet();
                        pause(50);
                        continue;
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (TaskClaim claim : claims) {
                        deliver(taskDb, claim, accepted, acceptedCount, databaseErrors, staleDropped, unexpected,
                                acceptedAt);
                    }
                }
            }));
        }
        running.add(pool.submit(() -> {
            while (!stop.get()) {
                try {
                    taskDb.reapExpiredLeases();
                } catch (TaskDbException e) {
                    if (e.reason() != Reason.DATABASE) {
                        unexpected.add(e);
                    }
                    databaseErrors.incrementAndGet();
                }
                pause(250);
            }
        }));

        // The fault, a quarter of the way through.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acceptedCount.get() < total / 4) {
            assertTrue(System.nanoTime() < deadline, "the load never got going: " + acceptedCount.get());
            Thread.sleep(5);
        }
        int errorsBefore = databaseErrors.get();
        int acceptedBefore = acceptedCount.get();
        long faultAt = System.nanoTime();
        String fault = fault();
        long faultTook = System.nanoTime() - faultAt;

        // Everything finishes without help.
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!allSucceeded(taskDb, jobs)) {
            assertTrue(System.nanoTime() < deadline, "jobs did not all succeed after the fault; accepted "
                    + acceptedCount.get() + " of " + total + ", unexpected " + unexpected);
            Thread.sleep(100);
        }
        stop.set(true);
        for (Future<?> f : running) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        long stall = 0; // the longest time without an accepted result from the fault on: the outage as workers saw it
        long previous = faultAt;
        for (long t : acceptedAt.stream().filter(t -> t >= faultAt).sorted().toList()) {
            stall = Math.max(stall, t - previous);
            previous = t;
        }
        System.out.printf("fault (%s) after %d of %d tasks: %d DATABASE errors surfaced, %d stale attempts"
                + " dropped; the fault took %.0f ms; from it on, no result was accepted for %.0f ms at most%n",
                fault, acceptedBefore, total, databaseErrors.get() - errorsBefore, staleDropped.get(),
                faultTook / 1e6, stall / 1e6);
        assertTrue(unexpected.isEmpty(), "only DATABASE errors and stale attempts expected: " + unexpected);
        assertTrue(databaseErrors.get() > errorsBefore, "the fault surfaced as DATABASE errors");
        // (pg_ctlcluster returns a while after the server accepts connections again: the
        // outage is the stall above, not the command's duration)
        assertTrue(acceptedAt.stream().filter(t -> t > faultAt).count() >= total / 2,
                "most of the work was done after the fault, by the same TaskDb");

        // No task lost, none completed twice: each task is done at exactly one attempt, the one
        // whose result a worker had accepted, and no other attempt's result was accepted.
        int done = 0;
        for (UUID job : jobs) {
            for (TaskView t : taskDb.tasksOf(job)) {
                assertEquals(TaskState.DONE, t.state(), job + "/" + t.taskId());
                done++;
                List<Accepted> results = accepted.getOrDefault(job + "/" + t.taskId(), List.of());
                assertTrue(results.stream().allMatch(r -> r.attempt() == t.attempt()),
                        job + "/" + t.taskId() + " done at attempt " + t.attempt() + ", results accepted: " + results);
                long completed = results.stream().filter(r -> r.outcome() == CompletionOutcome.COMPLETED).count();
                assertTrue(completed <= 1, job + "/" + t.taskId() + " completed twice: " + results);
                assertTrue(!results.isEmpty(), job + "/" + t.taskId() + " is done but no worker's result was accepted");
            }
        }
        assertEquals(total, done, "no task lost");
        assertEquals(0, db.queryLong("SELECT coalesce(sum(running), 0) FROM stream_counts"), "stream counters exact");
        assertEquals(0, db.queryLong("SELECT count(*) FROM tasks WHERE state <> 'done'"));
    }

    private static void deliver(TaskDb taskDb, TaskClaim claim, Map<String, List<Accepted>> accepted,
            AtomicInteger acceptedCount, AtomicInteger databaseErrors, AtomicInteger staleDropped,
            List<Throwable> unexpected, List<Long> acceptedAt) {
        String key = claim.jobId() + "/" + claim.taskId();
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                CompletionOutcome outcome = taskDb.complete(claim.jobId(), claim.taskId(), claim.attempt(), "{}");
                accepted.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>())
                        .add(new Accepted(claim.attempt(), outcome));
                acceptedCount.incrementAndGet();
                acceptedAt.add(System.nanoTime());
                return;
            } catch (TaskDbException e) {
                if (e.reason() == Reason.STALE_ATTEMPT) {
                    staleDropped.incrementAndGet(); // its lease ran out while we could not report
                    return;
                }
                if (e.reason() != Reason.DATABASE || System.nanoTime() > giveUp) {
                    unexpected.add(e);
                    return;
                }
                databaseErrors.incrementAndGet();
                pause(100);
            }
        }
    }

    /** Runs the fault; returns what it was. */
    private static String fault() throws IOException, InterruptedException {
        if (RESTART.isEmpty()) {
            int n = db.terminateConnections();
            return "terminated all " + n + " sessions of the test database";
        }
        Process p = new ProcessBuilder("sh", "-c", RESTART).inheritIO().start();
        assertEquals(0, p.waitFor(), "restart command failed: " + RESTART);
        return "ran '" + RESTART + "'";
    }

    private static boolean allSucceeded(TaskDb taskDb, List<UUID> jobs) {
        try {
            for (UUID job : jobs) {
                if (taskDb.jobStatus(job).orElseThrow().state() != JobState.SUCCEEDED) {
                    return false;
                }
            }
            return true;
        } catch (TaskDbException e) {
            return false; // still down
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
