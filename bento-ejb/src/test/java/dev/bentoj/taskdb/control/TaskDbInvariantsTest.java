package dev.bentoj.taskdb.control;

import dev.bentoj.taskdb.entity.TaskClaim;
import dev.bentoj.taskdb.entity.TaskDbException;
import dev.bentoj.taskdb.entity.TaskSpec;
import dev.bentoj.taskdb.entity.WorkerType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Workers that complete, fail, retry, abandon tasks and plan new ones while jobs are aborted and
 * leases reaped, all at once: the counters the scheduler keeps instead of counting must match
 * the rows in every committed snapshot, and no ended job may keep live tasks.
 */
class TaskDbInvariantsTest {

    private static final int JOBS = 40;
    private static final int SEGMENTS = 6;
    private static final int WORKERS = 6;

    /** streams.running against the running rows, in one snapshot. */
    private static final String RUNNING_MISMATCHES = """
            SELECT count(*) FROM stream_counts s
            WHERE s.running <> (SELECT count(*) FROM tasks t WHERE t.stream_id = s.id AND t.state = 'running')
            """;
    /** jobs.remaining of running jobs against their tasks not done. */
    private static final String REMAINING_MISMATCHES = """
            SELECT count(*) FROM jobs j
            WHERE j.state = 'running'
              AND j.remaining <> (SELECT count(*) FROM tasks t WHERE t.job_id = j.id AND t.state <> 'done')
            """;
    /** waiting_on of pending tasks against their prerequisites not done. */
    private static final String WAITING_MISMATCHES = """
            SELECT count(*) FROM tasks c
            WHERE c.state = 'pending'
              AND c.waiting_on <> (SELECT count(*) FROM task_deps d JOIN tasks p
                                     ON p.job_id = d.job_id AND p.task_id = d.pre_task_id
                                   WHERE d.job_id = c.job_id AND d.post_task_id = c.task_id AND p.state <> 'done')
            """;
    /**
     * Ready tasks below their stream's claim_from, where no claim would look for them (the
     * bound V4__claim_from.sql keeps under any order of commits).
     */
    private static final String READY_BEFORE_CLAIM_FROM = """
            SELECT count(*) FROM tasks t JOIN stream_counts s ON s.id = t.stream_id
            WHERE t.state = 'ready' AND ARRAY[t.job_seq, t.seq] < s.claim_from
            """;
    /** Live tasks of ended jobs, and succeeded jobs with unfinished tasks. */
    private static final String LEFTOVERS = """
            SELECT count(*) FROM tasks t JOIN jobs j ON j.id = t.job_id
            WHERE (j.state <> 'running' AND t.state IN ('pending', 'ready', 'running'))
               OR (j.state = 'succeeded' AND t.state <> 'done')
            """;

    private static final List<String> INVARIANTS = List.of(RUNNING_MISMATCHES, REMAINING_MISMATCHES,
            WAITING_MISMATCHES, READY_BEFORE_CLAIM_FROM, LEFTOVERS);

    @RegisterExtension
    static final TestDatabase db = TestDatabase.perClass();

    private static TaskSpec spec(String id, WorkerType type, int timeoutSeconds, List<String> deps) {
        return new TaskSpec(id, type, "{}", deps, timeoutSeconds, 3);
    }

    /** What init plans when it runs: segments, a join tree over them, finalize. */
    private static List<TaskSpec> plan() {
        List<TaskSpec> specs = new ArrayList<>();
        List<String> level = new ArrayList<>();
        for (int i = 0; i < SEGMENTS; i++) {
            specs.add(spec(Integer.toString(i), WorkerType.PROVE, 1, List.of()));
            level.add(Integer.toString(i));
        }
        int joins = 0;
        while (level.size() > 1) {
            List<String> next = new ArrayList<>();
            for (int i = 0; i + 1 < level.size(); i += 2) {
                String id = "join-" + joins++;
                specs.add(spec(id, WorkerType.JOIN, 1, List.of(level.get(i), level.get(i + 1))));
                next.add(id);
            }
            if (level.size() % 2 == 1) {
                next.add(level.get(level.size() - 1));
            }
            level = next;
        }
        specs.add(spec("finalize", WorkerType.AUX, 1, List.of(level.get(0), "init")));
        return specs;
    }

    @Test
    void chaosKeepsCountersExactAndNeverLeavesLiveTasksInEndedJobs() throws Exception {
        // Generations of 4 updates instead of 1000 (V7__stream_counter_generations.sql): claims
        // start new ones all the time, so every kind of statement that changes counters races a
        // rotation and must be retried, on both instances.
        db.execute("CREATE OR REPLACE FUNCTION taskdb_generation_updates() RETURNS integer"
                + " LANGUAGE sql IMMUTABLE AS 'SELECT 4'");
        TaskDb taskDb = new TaskDb(db.dataSource(),
                TaskDbOptions.defaults().withRetryBackoff(Duration.ofMillis(20), Duration.ofMillis(200)),
                new ReadyTaskSignal());
        // A second instance on the same database: its claims overlap the first one's (each
        // instance runs one claim statement at a time), as with two servers.
        TaskDb other = new TaskDb(db.dataSource(),
                TaskDbOptions.defaults().withRetryBackoff(Duration.ofMillis(20), Duration.ofMillis(200)),
                new ReadyTaskSignal());
        List<UUID> jobs = new CopyOnWriteArrayList<>();
        Set<String> planned = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger violations = new AtomicInteger();
        AtomicInteger snapshots = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS + 3);
        List<Future<?>> running = new ArrayList<>();

        running.add(pool.submit(() -> {
            for (int j = 0; j < JOBS && !stop.get(); j++) {
                jobs.add(taskDb.createJob("user-" + (j % 3), List.of(spec("init", WorkerType.EXEC, 1, List.of()))));
                Thread.sleep(ThreadLocalRandom.current().nextInt(30));
            }
            return null;
        }));
        for (int w = 0; w < WORKERS; w++) {
            String workerId = "w" + w;
            TaskDb instance = w % 2 == 0 ? taskDb : other;
            running.add(pool.submit(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (!stop.get()) {
                    for (TaskClaim c : instance.claim(workerId, Set.of(WorkerType.values()), 1 + random.nextInt(4),
                            Duration.ofMillis(100))) {
                        try {
                            if (c.type() == WorkerType.EXEC && planned.add(c.jobId().toString())) {
                                taskDb.createTasks(c.jobId(), plan());
                            }
                            int dice = random.nextInt(100);
                            if (dice < 4) {
                                continue; // abandoned: the reaper will requeue it
                            } else if (dice < 12) {
                                taskDb.fail(c.jobId(), c.taskId(), c.attempt(), "flaky", true);
                            } else if (dice < 13) {
                                taskDb.fail(c.jobId(), c.taskId(), c.attempt(), "fatal", false);
                            } else {
                                if (dice < 30) {
                                    taskDb.heartbeat(c.jobId(), c.taskId(), c.attempt());
                                }
                                taskDb.complete(c.jobId(), c.taskId(), c.attempt(), "{}");
                            }
                        } catch (TaskDbException expected) {
                            if (expected.reason() == TaskDbException.Reason.DATABASE
                                    || expected.reason() == TaskDbException.Reason.INVALID_REQUEST) {
                                throw expected;
                            }
                            // stale or cancelled: another actor got there first
                        }
                    }
                }
                return null;
            }));
        }
        running.add(pool.submit(() -> {
            while (!stop.get()) {
                taskDb.reapExpiredLeases();
                if (!jobs.isEmpty() && ThreadLocalRandom.current().nextInt(5) == 0) {
                    // one of the newest jobs, which are most likely still running
                    int newest = Math.min(jobs.size(), 4);
                    taskDb.abortJob(jobs.get(jobs.size() - 1 - ThreadLocalRandom.current().nextInt(newest)));
                }
                Thread.sleep(100);
            }
            return null;
        }));
        running.add(pool.submit(() -> {
            while (!stop.get()) {
                for (String check : INVARIANTS) {
                    long bad = db.queryLong(check);
                    if (bad != 0) {
                        System.out.println("invariant broken (" + bad + "): " + check);
                        violations.incrementAndGet();
                    }
                }
                snapshots.incrementAndGet();
                Thread.sleep(50);
            }
            return null;
        }));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (jobs.size() < JOBS || db.queryLong("SELECT count(*) FROM jobs WHERE state = 'running'") > 0) {
            assertTrue(System.nanoTime() < deadline, "jobs did not all end within 2 minutes");
            Thread.sleep(100);
        }
        stop.set(true);
        pool.shutdown();
        for (Future<?> f : running) {
            f.get(30, TimeUnit.SECONDS);
        }
        String outcome = db.queryLong("SELECT count(*) FROM jobs WHERE state = 'succeeded'") + " succeeded, "
                + db.queryLong("SELECT count(*) FROM jobs WHERE state = 'failed'") + " failed, "
                + db.queryLong("SELECT count(*) FROM jobs WHERE state = 'aborted'") + " aborted";
        System.out.println(JOBS + " jobs: " + outcome + "; invariants checked in " + snapshots.get() + " snapshots");

        assertEquals(0, violations.get());
        for (String check : INVARIANTS) {
            assertEquals(0, db.queryLong(check), check);
        }
        assertEquals(0, db.queryLong("SELECT coalesce(sum(running), 0) FROM stream_counts"));
        assertEquals(0, db.queryLong("SELECT count(*) FROM tasks WHERE state IN ('pending', 'ready', 'running')"));
        long generations = db.queryLong("SELECT max(gen) FROM stream_counters");
        System.out.println("stream counters: up to generation " + generations);
        assertTrue(generations >= 10, "the counters went through generations");
        assertEquals(0, db.queryLong("SELECT count(*) FROM (SELECT stream_id FROM stream_counters"
                + " GROUP BY stream_id HAVING count(*) > 2) s"), "older generations are deleted");
    }
}
