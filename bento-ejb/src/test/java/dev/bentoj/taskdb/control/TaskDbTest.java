package dev.bentoj.taskdb.control;

import dev.bentoj.taskdb.entity.Completion;
import dev.bentoj.taskdb.entity.CompletionOutcome;
import dev.bentoj.taskdb.entity.FailOutcome;
import dev.bentoj.taskdb.entity.JobState;
import dev.bentoj.taskdb.entity.JobStatus;
import dev.bentoj.taskdb.entity.LeaseStatus;
import dev.bentoj.taskdb.entity.TaskClaim;
import dev.bentoj.taskdb.entity.TaskDbException;
import dev.bentoj.taskdb.entity.TaskDbException.Reason;
import dev.bentoj.taskdb.entity.TaskSpec;
import dev.bentoj.taskdb.entity.TaskState;
import dev.bentoj.taskdb.entity.TaskView;
import dev.bentoj.taskdb.entity.WorkerType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.bentoj.taskdb.entity.WorkerType.AUX;
import static dev.bentoj.taskdb.entity.WorkerType.EXEC;
import static dev.bentoj.taskdb.entity.WorkerType.JOIN;
import static dev.bentoj.taskdb.entity.WorkerType.PROVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TaskDB semantics against the real PostgreSQL: DAGs, fencing, leases, failures, aborts. */
class TaskDbTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.emptiedBeforeEachTest();
    private TaskDb taskDb;

    @BeforeEach
    void newTaskDb() {
        taskDb = new TaskDb(db.dataSource(),
                TaskDbOptions.defaults().withRetryBackoff(Duration.ZERO, Duration.ZERO), new ReadyTaskSignal());
    }

    private static TaskSpec task(String id, WorkerType type, String... deps) {
        return new TaskSpec(id, type, "{\"task\":\"" + id + "\"}", List.of(deps), 30, 3);
    }

    private TaskClaim claimOne(WorkerType type) {
        List<TaskClaim> claims = taskDb.claim("w-" + type.id(), Set.of(type), 1);
        assertEquals(1, claims.size(), "expected one claimable " + type.id() + " task");
        return claims.get(0);
    }

    private Set<String> claimAllIds(WorkerType type) {
        return taskDb.claim("w", Set.of(type), 100).stream().map(TaskClaim::taskId).collect(Collectors.toSet());
    }

    private Map<String, TaskView> tasks(UUID jobId) {
        return taskDb.tasksOf(jobId).stream().collect(Collectors.toMap(TaskView::taskId, Function.identity()));
    }

    private JobStatus status(UUID jobId) {
        return taskDb.jobStatus(jobId).orElseThrow();
    }

    private long streamRunning() {
        return db.queryLong("SELECT coalesce(sum(running), 0) FROM stream_counts");
    }

    @Test
    void dagJobRunsToSuccessWithDependenciesReleasedInOrder() {
        // init → 4 prove → 3 join (binary tree) → finalize, all declared up front.
        List<TaskSpec> dag = List.of(
                task("init", EXEC),
                task("0", PROVE, "init"), task("1", PROVE, "init"), task("2", PROVE, "init"), task("3", PROVE, "init"),
                task("join-0", JOIN, "0", "1"), task("join-1", JOIN, "2", "3"),
                task("join-2", JOIN, "join-0", "join-1"),
                task("finalize", AUX, "join-2"));
        UUID job = taskDb.createJob("alice", dag);
        assertEquals(9, status(job).remainingTasks());
        assertEquals(TaskState.READY, tasks(job).get("init").state());
        assertEquals(6, tasks(job).get("join-2").waitingOn() + tasks(job).get("join-0").waitingOn()
                + tasks(job).get("join-1").waitingOn());
        assertTrue(claimAllIds(PROVE).isEmpty(), "prove tasks must wait for init");

        TaskClaim init = claimOne(EXEC);
        assertEquals("init", init.taskId());
        assertEquals(1, init.attempt());
        assertEquals("{\"task\": \"init\"}", init.payloadJson());
        assertEquals(CompletionOutcome.COMPLETED, taskDb.complete(job, "init", 1, "{\"segments\":4}"));

        List<TaskClaim> proves = taskDb.claim("gpu", Set.of(PROVE), 10);
        assertEquals(List.of("0", "1", "2", "3"), proves.stream().map(TaskClaim::taskId).toList(),
                "task order within the job");
        taskDb.complete(job, "0", 1, "null");
        assertTrue(claimAllIds(JOIN).isEmpty(), "join-0 still waits for 1");
        taskDb.complete(job, "2", 1, "null");
        assertTrue(claimAllIds(JOIN).isEmpty(), "join-1 still waits for 3");
        taskDb.complete(job, "1", 1, "null");
        assertEquals(Set.of("join-0"), claimAllIds(JOIN));
        taskDb.complete(job, "3", 1, "null");
        assertEquals(Set.of("join-1"), claimAllIds(JOIN));
        taskDb.complete(job, "join-1", 1, "null");
        assertTrue(claimAllIds(JOIN).isEmpty(), "join-2 waits for join-0");
        taskDb.complete(job, "join-0", 1, "null");
        assertEquals(Set.of("join-2"), claimAllIds(JOIN));
        assertTrue(claimAllIds(AUX).isEmpty());
        taskDb.complete(job, "join-2", 1, "null");
        assertEquals(JobState.RUNNING, status(job).state());
        TaskClaim fin = claimOne(AUX);
        assertEquals("finalize", fin.taskId());
        taskDb.complete(job, "finalize", 1, "{\"receipt\":\"r\"}");

        JobStatus done = status(job);
        assertEquals(JobState.SUCCEEDED, done.state());
        assertEquals(0, done.remainingTasks());
        assertNotNull(done.finishedAt());
        assertNotNull(done.startedAt());
        assertEquals(4, done.tasksByType().get(PROVE).done());
        assertEquals(3, done.tasksByType().get(JOIN).total());
        assertEquals(0, streamRunning());
        assertEquals("{\"segments\": 4}", taskDb.taskOutput(job, "init").orElseThrow());
    }

    @Test
    void tasksCreatedByARunningTaskWaitForItAndReplayedBatchesAreIgnored() {
        UUID job = taskDb.createJob("alice", List.of(task("init", EXEC)));
        TaskClaim init = claimOne(EXEC);
        // The executor plans while it runs: segments first, each depending on init here.
        List<TaskSpec> batch = List.of(task("0", PROVE, "init"), task("1", PROVE, "init"),
                task("join-0", JOIN, "0", "1"));
        assertEquals(3, taskDb.createTasks(job, batch));
        assertEquals(0, taskDb.createTasks(job, batch), "a replayed batch creates nothing");
        assertEquals(4, status(job).remainingTasks());
        assertTrue(claimAllIds(PROVE).isEmpty());
        taskDb.complete(job, "init", init.attempt(), "{}");
        // A task depending on one already done is ready at once.
        assertEquals(1, taskDb.createTasks(job, List.of(task("2", PROVE, "init"))));
        assertEquals(Set.of("0", "1", "2"), claimAllIds(PROVE));
    }

    @Test
    void invalidBatchesAreRefusedWithAReason() {
        UUID job = taskDb.createJob("alice", List.of(task("init", EXEC)));
        TaskDbException unknown = assertThrows(TaskDbException.class,
                () -> taskDb.createTasks(job, List.of(task("0", PROVE, "nope"))));
        assertEquals(Reason.INVALID_REQUEST, unknown.reason());
        assertTrue(unknown.getMessage().contains("'nope'"), unknown.getMessage());
        TaskDbException cycle = assertThrows(TaskDbException.class,
                () -> taskDb.createTasks(job, List.of(task("a", JOIN, "b"), task("b", JOIN, "a"))));
        assertTrue(cycle.getMessage().contains("cycle"), cycle.getMessage());
        TaskDbException badJson = assertThrows(TaskDbException.class, () -> taskDb.createTasks(job,
                List.of(new TaskSpec("x", PROVE, "{not json", List.of(), 10, 1))));
        assertEquals(Reason.INVALID_REQUEST, badJson.reason());
        TaskDbException noJob = assertThrows(TaskDbException.class,
                () -> taskDb.createTasks(UUID.randomUUID(), List.of(task("0", PROVE))));
        assertEquals(Reason.NOT_FOUND, noJob.reason());
        assertEquals(Reason.INVALID_REQUEST, assertThrows(TaskDbException.class,
                () -> new TaskSpec("no spaces", PROVE, "{}", List.of(), 10, 1)).reason());
        assertEquals(Reason.INVALID_REQUEST, assertThrows(TaskDbException.class,
                () -> taskDb.claim(" ", Set.of(PROVE), 1)).reason());
        assertEquals(1, status(job).remainingTasks(), "nothing of the refused batches was kept");
    }

    @Test
    void staleAttemptCannotCompleteTask() {
        UUID job = taskDb.createJob("alice", List.of(task("init", EXEC)));
        TaskClaim first = claimOne(EXEC);
        assertEquals(FailOutcome.RETRY_SCHEDULED, taskDb.fail(job, "init", first.attempt(), "oom", true));
        TaskClaim second = claimOne(EXEC);
        assertEquals(2, second.attempt());

        TaskDbException stale = assertThrows(TaskDbException.class,
                () -> taskDb.complete(job, "init", first.attempt(), "{}"));
        assertEquals(Reason.STALE_ATTEMPT, stale.reason());
        assertTrue(stale.getMessage().contains("attempt 1"), stale.getMessage());
        assertEquals(TaskState.RUNNING, tasks(job).get("init").state());

        assertEquals(CompletionOutcome.COMPLETED, taskDb.complete(job, "init", 2, "{}"));
        assertEquals(CompletionOutcome.ALREADY_COMPLETED, taskDb.complete(job, "init", 2, "{}"),
                "a retried request of the same attempt is recognised");
        assertEquals(JobState.SUCCEEDED, status(job).state());
    }

    @Test
    void heartbeatRefusedAfterRequeue() throws Exception {
        UUID job = taskDb.createJob("alice", List.of(new TaskSpec("init", EXEC, "{}", List.of(), 1, 3)));
        TaskClaim claim = claimOne(EXEC);
        assertEquals(LeaseStatus.EXTENDED, taskDb.heartbeat(job, "init", claim.attempt()));
        Thread.sleep(1_100);
        assertEquals(1, taskDb.reapExpiredLeases());
        TaskDbException stale = assertThrows(TaskDbException.class,
                () -> taskDb.heartbeat(job, "init", claim.attempt()));
        assertEquals(Reason.STALE_ATTEMPT, stale.reason());
        TaskDbException notFound = assertThrows(TaskDbException.class,
                () -> taskDb.heartbeat(job, "nope", 1));
        assertEquals(Reason.NOT_FOUND, notFound.reason());
    }

    @Test
    void heartbeatsKeepALeaseAlive() throws Exception {
        UUID job = taskDb.createJob("alice", List.of(new TaskSpec("init", EXEC, "{}", List.of(), 1, 1)));
        TaskClaim claim = claimOne(EXEC);
        for (int i = 0; i < 4; i++) {
            Thread.sleep(400);
            assertEquals(LeaseStatus.EXTENDED, taskDb.heartbeat(job, "init", claim.attempt()));
            assertEquals(0, taskDb.reapExpiredLeases());
        }
        assertEquals(CompletionOutcome.COMPLETED, taskDb.complete(job, "init", claim.attempt(), "{}"));
    }

    @Test
    void expiredLeaseIsReapedAndRequeuedThenFailsTheJobAfterMaxAttempts() throws Exception {
        UUID job = taskDb.createJob("alice", List.of(
                new TaskSpec("init", EXEC, "{}", List.of(), 1, 2), task("after", AUX, "init")));
        TaskClaim first = claimOne(EXEC);
        Thread.sleep(1_100);
        assertEquals(1, taskDb.reapExpiredLeases());
        TaskView requeued = tasks(job).get("init");
        assertEquals(TaskState.READY, requeued.state());
        assertTrue(requeued.error().contains("lease expired"), requeued.error());
        assertEquals(0, streamRunning());

        TaskClaim second = claimOne(EXEC);
        assertEquals(first.attempt() + 1, second.attempt());
        Thread.sleep(1_100);
        List<UUID> failedJobs = new java.util.ArrayList<>();
        assertEquals(1, taskDb.reapExpiredLeases(failedJobs::add));
        assertEquals(List.of(job), failedJobs, "the reaper names the job it failed");

        Map<String, TaskView> after = tasks(job);
        assertEquals(TaskState.FAILED, after.get("init").state());
        assertEquals(TaskState.CANCELLED, after.get("after").state());
        JobStatus failed = status(job);
        assertEquals(JobState.FAILED, failed.state());
        assertTrue(failed.error().contains("after 2 attempts") && failed.error().contains("lease expired"),
                failed.error());
        assertEquals(0, streamRunning());
        assertEquals(Reason.STALE_ATTEMPT, assertThrows(TaskDbException.class,
                () -> taskDb.complete(job, "init", first.attempt(), "{}")).reason());
    }

    @Test
    void anExpiredLeaseIsClaimableAtOnceWithoutTheRetryBackoff() throws Exception {
        taskDb = new TaskDb(db.dataSource(),
                TaskDbOptions.defaults().withRetryBackoff(Duration.ofSeconds(30), Duration.ofSeconds(60)),
                new ReadyTaskSignal());
        UUID job = taskDb.createJob("alice", List.of(new TaskSpec("init", EXEC, "{}", List.of(), 1, 3)));
        TaskClaim first = claimOne(EXEC);
        Thread.sleep(1_100);
        assertEquals(1, taskDb.reapExpiredLeases());
        List<TaskClaim> again = taskDb.claim("w2", Set.of(EXEC), 1);
        assertEquals(1, again.size(), "the worker died: its lease timeout was the wait");
        assertEquals(first.attempt() + 1, again.get(0).attempt());
        assertEquals(job, again.get(0).jobId());
    }

    /**
     * The reaper reads leases from where its last pass stopped: ten leases expiring at the same
     * instant (one claim statement) with three reaped per pass take four passes, none is skipped
     * (a full batch stops at its last lease and the next pass reads that lease again), and a
     * lease that expires after the passes is still found.
     */
    @Test
    void theReaperResumesWhereItsLastPassStoppedAndMissesNoLease() throws Exception {
        taskDb = new TaskDb(db.dataSource(), TaskDbOptions.defaults().withReapBatchSize(3), new ReadyTaskSignal());
        List<TaskSpec> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            tasks.add(new TaskSpec("p" + i, PROVE, "{}", List.of(), 1, 3));
        }
        taskDb.createJob("alice", tasks);
        assertEquals(10, taskDb.claim("w", Set.of(PROVE), 10).size());
        UUID late = taskDb.createJob("bob", List.of(new TaskSpec("init", EXEC, "{}", List.of(), 2, 3)));
        Thread.sleep(1_100);
        List<Integer> passes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            passes.add(taskDb.reapExpiredLeases());
        }
        assertEquals(List.of(3, 3, 3, 1), passes);
        assertEquals(0, taskDb.reapExpiredLeases());
        TaskClaim slow = claimOne(EXEC); // lease of 2 s, claimed after the passes above
        assertEquals(late, slow.jobId());
        Thread.sleep(2_100);
        assertEquals(1, taskDb.reapExpiredLeases());
    }

    @Test
    void retryWaitsForItsBackoff() throws Exception {
        taskDb = new TaskDb(db.dataSource(),
                TaskDbOptions.defaults().withRetryBackoff(Duration.ofMillis(400), Duration.ofSeconds(5))
                        .withWakeBackstop(Duration.ofSeconds(30)),
                new ReadyTaskSignal());
        UUID job = taskDb.createJob("alice", List.of(task("init", EXEC)));
        TaskClaim first = claimOne(EXEC);
        assertEquals(FailOutcome.RETRY_SCHEDULED, taskDb.fail(job, "init", first.attempt(), "flaky", true));
        assertTrue(taskDb.claim("w", Set.of(EXEC), 1).isEmpty(), "not claimable during the back-off");
        long start = System.nanoTime();
        List<TaskClaim> retried = taskDb.claim("w", Set.of(EXEC), 1, Duration.ofSeconds(5));
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(1, retried.size());
        assertEquals(2, retried.get(0).attempt());
        assertTrue(waitedMs < 5_000, "woken at the end of the back-off, not by the backstop: " + waitedMs + " ms");
    }

    @Test
    void failedTaskFailsTheJobAndCancelsItsOtherTasks() {
        UUID job = taskDb.createJob("alice", List.of(task("0", PROVE), task("1", PROVE), task("2", PROVE),
                task("join-0", JOIN, "0", "1")));
        List<TaskClaim> running = taskDb.claim("gpu", Set.of(PROVE), 2);
        assertEquals(List.of("0", "1"), running.stream().map(TaskClaim::taskId).toList());
        UUID other = taskDb.createJob("bob", List.of(task("0", PROVE)));

        assertEquals(FailOutcome.TASK_FAILED, taskDb.fail(job, "0", 1, "guest panicked", false));

        Map<String, TaskView> after = tasks(job);
        assertEquals(TaskState.FAILED, after.get("0").state());
        assertEquals(TaskState.CANCELLED, after.get("1").state(), "running siblings are cancelled");
        assertEquals(TaskState.CANCELLED, after.get("2").state());
        assertEquals(TaskState.CANCELLED, after.get("join-0").state());
        JobStatus failed = status(job);
        assertEquals(JobState.FAILED, failed.state());
        assertEquals("task '0' (prove) failed: guest panicked", failed.error());
        assertEquals(LeaseStatus.CANCELLED, taskDb.heartbeat(job, "1", 1));
        assertEquals(Reason.JOB_NOT_RUNNING, assertThrows(TaskDbException.class,
                () -> taskDb.complete(job, "1", 1, "{}")).reason());
        assertEquals(Reason.JOB_NOT_RUNNING, assertThrows(TaskDbException.class,
                () -> taskDb.createTasks(job, List.of(task("9", PROVE)))).reason());
        assertEquals(0, streamRunning());

        // Nothing of the failed job is handed out any more; the other job is untouched.
        List<TaskClaim> next = taskDb.claim("gpu", Set.of(PROVE), 10);
        assertEquals(1, next.size());
        assertEquals(other, next.get(0).jobId());
        assertEquals(FailOutcome.TASK_FAILED, taskDb.fail(job, "0", 1, "guest panicked", false),
                "a repeated report is recognised");
    }

    @Test
    void lastAttemptOfARetryableFailureFailsTheJob() {
        UUID job = taskDb.createJob("alice", List.of(new TaskSpec("0", PROVE, "{}", List.of(), 30, 2)));
        assertEquals(FailOutcome.RETRY_SCHEDULED, taskDb.fail(job, "0", claimOne(PROVE).attempt(), "e1", true));
        assertEquals(FailOutcome.TASK_FAILED, taskDb.fail(job, "0", claimOne(PROVE).attempt(), "e2", true));
        assertEquals("task '0' (prove) failed after 2 attempts: e2", status(job).error());
    }

    @Test
    void abortCancelsPendingTasksAndARunningTaskLearnsItAtItsNextHeartbeat() {
        UUID job = taskDb.createJob("alice", List.of(task("init", EXEC), task("0", PROVE, "init")));
        TaskClaim init = claimOne(EXEC);
        assertTrue(taskDb.abortJob(job));
        assertFalse(taskDb.abortJob(job), "already ended");

        assertEquals(TaskState.CANCELLED, tasks(job).get("0").state());
        assertEquals(LeaseStatus.CANCELLED, taskDb.heartbeat(job, "init", init.attempt()));
        assertEquals(Reason.JOB_NOT_RUNNING, assertThrows(TaskDbException.class,
                () -> taskDb.complete(job, "init", init.attempt(), "{}")).reason());
        assertEquals(Reason.JOB_NOT_RUNNING, assertThrows(TaskDbException.class,
                () -> taskDb.fail(job, "init", init.attempt(), "stopped", false)).reason());
        JobStatus aborted = status(job);
        assertEquals(JobState.ABORTED, aborted.state());
        assertEquals("ABORTED", aborted.state().apiStatus());
        assertEquals(2, aborted.tasksByType().get(EXEC).cancelled() + aborted.tasksByType().get(PROVE).cancelled());
        assertEquals(0, streamRunning());
        assertEquals(Reason.NOT_FOUND, assertThrows(TaskDbException.class,
                () -> taskDb.abortJob(UUID.randomUUID())).reason());
    }

    @Test
    void remainingCounterReachesZeroExactlyAtTheLastCompletion() {
        int n = 6;
        List<TaskSpec> specs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            specs.add(task(Integer.toString(i), PROVE));
        }
        UUID job = taskDb.createJob("alice", specs);
        List<TaskClaim> claims = taskDb.claim("gpu", Set.of(PROVE), n);
        assertEquals(n, claims.size());
        for (int i = 0; i < n; i++) {
            JobStatus before = status(job);
            assertEquals(n - i, before.remainingTasks());
            assertEquals(JobState.RUNNING, before.state());
            assertNull(before.finishedAt());
            taskDb.complete(job, claims.get(i).taskId(), claims.get(i).attempt(), "{}");
        }
        JobStatus after = status(job);
        assertEquals(0, after.remainingTasks());
        assertEquals(JobState.SUCCEEDED, after.state());
    }

    @Test
    void batchOfCompletionsReportsEachOutcome() {
        UUID job = taskDb.createJob("alice", List.of(task("0", PROVE), task("1", PROVE), task("2", PROVE),
                task("join", JOIN, "0", "1")));
        List<TaskClaim> claims = taskDb.claim("gpu", Set.of(PROVE), 3);
        taskDb.complete(job, "2", 1, "{}");
        List<CompletionOutcome> outcomes = taskDb.completeAll(List.of(
                new Completion(job, "0", 1, "{}"),
                new Completion(job, "1", 7, "{}"),
                new Completion(job, "2", 1, "{}"),
                new Completion(job, "nope", 1, "{}")));
        assertEquals(List.of(CompletionOutcome.COMPLETED, CompletionOutcome.STALE_ATTEMPT,
                CompletionOutcome.ALREADY_COMPLETED, CompletionOutcome.NOT_FOUND), outcomes);
        assertEquals(3, claims.size());
        assertTrue(claimAllIds(JOIN).isEmpty(), "join still waits for 1");
        assertEquals(List.of(CompletionOutcome.COMPLETED),
                taskDb.completeAll(List.of(new Completion(job, "1", 1, "{}"))));
        assertEquals(Set.of("join"), claimAllIds(JOIN));
    }

    @Test
    void twoParentsCompletedInOneBatchReleaseTheirChildOnce() {
        UUID job = taskDb.createJob("alice", List.of(task("0", PROVE), task("1", PROVE),
                task("join", JOIN, "0", "1")));
        taskDb.claim("gpu", Set.of(PROVE), 2);
        taskDb.completeAll(List.of(new Completion(job, "0", 1, "{}"), new Completion(job, "1", 1, "{}")));
        TaskView join = tasks(job).get("join");
        assertEquals(TaskState.READY, join.state());
        assertEquals(0, join.waitingOn());
        assertEquals(1, status(job).remainingTasks());
    }

    @Test
    void jobStatusCarriesProgressStatsAndElapsedTime() {
        UUID job = taskDb.createJob("alice", List.of(task("init", EXEC)));
        taskDb.setJobProgress(job, "Executor");
        taskDb.setJobStats(job, "{\"segments\":2,\"total_cycles\":2097152,\"cycles\":1500000}");
        JobStatus s = status(job);
        assertEquals("alice", s.userId());
        assertEquals("Executor", s.progress());
        assertTrue(s.statsJson().contains("\"total_cycles\": 2097152"), s.statsJson());
        assertTrue(s.elapsedSeconds() >= 0);
        assertNull(s.startedAt());
        assertEquals(1L, taskDb.readyCounts().get(EXEC));
        claimOne(EXEC);
        assertEquals(0L, taskDb.readyCounts().get(EXEC));
        assertEquals(1, status(job).tasksByType().get(EXEC).running());
        assertNotNull(status(job).startedAt());
        assertTrue(taskDb.jobStatus(UUID.randomUUID()).isEmpty());
    }
}
