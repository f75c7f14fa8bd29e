package dev.bentoj.taskdb.control;

import dev.bentoj.taskdb.entity.Completion;
import dev.bentoj.taskdb.entity.CompletionOutcome;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many workers claiming and completing at once against the real PostgreSQL. */
class TaskDbConcurrencyTest {

    private static final int USERS = 4;
    private static final int JOBS_PER_USER = 5;
    private static final int PROVES_PER_JOB = 400;
    private static final int JOINS_PER_JOB = 100;
    private static final int TASKS = USERS * JOBS_PER_USER * (PROVES_PER_JOB + JOINS_PER_JOB);
    private static final int WORKERS = 8;

    @RegisterExtension
    static final TestDatabase db = TestDatabase.perClass();

    @Test
    void concurrentClaimersNeverGetTheSameTaskAndEveryTaskCompletesExactlyOnce() throws Exception {
        TaskDb taskDb = new TaskDb(db.dataSource());
        List<UUID> jobs = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            for (int j = 0; j < JOBS_PER_USER; j++) {
                List<TaskSpec> specs = new ArrayList<>();
                for (int p = 0; p < PROVES_PER_JOB; p++) {
                    specs.add(TaskSpec.of(Integer.toString(p), WorkerType.PROVE, "{\"index\":" + p + "}", 60, 1));
                }
                // Joins become ready only as their two segments complete, under contention.
                for (int k = 0; k < JOINS_PER_JOB; k++) {
                    specs.add(new TaskSpec("join-" + k, WorkerType.JOIN, "{}",
                            List.of(Integer.toString(2 * k), Integer.toString(2 * k + 1)), 60, 1));
                }
                jobs.add(taskDb.createJob("user-" + u, specs));
            }
        }

        Set<String> claimed = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger staleOrRefused = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            String workerId = "worker-" + w;
            workers.add(pool.submit(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (completed.get() < TASKS) {
                    List<TaskClaim> claims = taskDb.claim(workerId, Set.of(WorkerType.PROVE, WorkerType.JOIN),
                            1 + random.nextInt(16), Duration.ofMillis(200));
                    for (TaskClaim c : claims) {
                        if (!claimed.add(c.jobId() + "/" + c.taskId()) || c.attempt() != 1) {
                            duplicates.incrementAndGet();
                        }
                    }
                    if (random.nextBoolean()) {
                        List<Completion> batch = claims.stream()
                                .map(c -> new Completion(c.jobId(), c.taskId(), c.attempt(), "{\"by\":\"" + workerId + "\"}"))
                                .toList();
                        for (CompletionOutcome o : taskDb.completeAll(batch)) {
                            if (o == CompletionOutcome.COMPLETED) {
                                completed.incrementAndGet();
                            } else {
                                staleOrRefused.incrementAndGet();
                            }
                        }
                    } else {
                        for (TaskClaim c : claims) {
                            taskDb.heartbeat(c.jobId(), c.taskId(), c.attempt());
                            if (taskDb.complete(c.jobId(), c.taskId(), c.attempt(), "{}") == CompletionOutcome.COMPLETED) {
                                completed.incrementAndGet();
                            } else {
                                staleOrRefused.incrementAndGet();
                            }
                        }
                    }
                }
                return null;
            }));
        }
        pool.shutdown();
        for (Future<?> f : workers) {
            f.get(5, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%d tasks claimed and completed by %d workers in %.2f s (%.0f tasks/s)%n",
                TASKS, WORKERS, seconds, TASKS / seconds);

        assertEquals(0, duplicates.get(), "a task was handed out twice");
        assertEquals(0, staleOrRefused.get());
        assertEquals(TASKS, claimed.size());
        assertEquals(TASKS, completed.get());
        assertEquals(TASKS, db.queryLong("SELECT count(*) FROM tasks WHERE state = 'done' AND attempt = 1"));
        assertEquals(jobs.size(), db.queryLong("SELECT count(*) FROM jobs WHERE state = 'succeeded' AND remaining = 0"));
        assertEquals(0, db.queryLong("SELECT coalesce(sum(running), 0) FROM stream_counts"));
        assertTrue(taskDb.claim("late", Set.of(WorkerType.values()), 10).isEmpty());
    }

    /**
     * Results reported at the same moment may be combined into one transaction; one that is not
     * JSON must still fail alone, and every other result must be recorded.
     */
    @Test
    void aResultThatIsNotJsonFailsAloneAmongResultsReportedAtTheSameMoment() throws Exception {
        TaskDb taskDb = new TaskDb(db.dataSource());
        int n = 32;
        List<TaskSpec> specs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            specs.add(TaskSpec.of("t" + i, WorkerType.AUX, null, 60, 1));
        }
        UUID job = taskDb.createJob("combined", specs);
        List<TaskClaim> claims = taskDb.claim("w", Set.of(WorkerType.AUX), n);
        assertEquals(n, claims.size());
        TaskClaim bad = claims.get(n / 2);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<CompletionOutcome>> outcomes = new ArrayList<>();
        try {
            for (TaskClaim c : claims) {
                String output = c == bad ? "not json" : "{\"ok\":true}";
                outcomes.add(pool.submit(() -> {
                    go.await();
                    return taskDb.complete(c.jobId(), c.taskId(), c.attempt(), output);
                }));
            }
            go.countDown();
            for (int i = 0; i < n; i++) {
                if (claims.get(i) == bad) {
                    var e = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                            outcomes.get(i)::get);
                    assertEquals(TaskDbException.Reason.INVALID_REQUEST, ((TaskDbException) e.getCause()).reason());
                } else {
                    assertEquals(CompletionOutcome.COMPLETED, outcomes.get(i).get(30, TimeUnit.SECONDS));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(n - 1, db.queryLong("SELECT count(*) FROM tasks WHERE job_id = '" + job + "' AND state = 'done'"));
        // the refused result lost nothing: the task still runs, and a proper result completes it and the job
        assertEquals(CompletionOutcome.COMPLETED, taskDb.complete(job, bad.taskId(), bad.attempt(), "{}"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM jobs WHERE id = '" + job + "' AND state = 'succeeded'"));
    }
}
