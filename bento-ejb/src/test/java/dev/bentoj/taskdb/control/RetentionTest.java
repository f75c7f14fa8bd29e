package dev.bentoj.taskdb.control;

import dev.bentoj.taskdb.entity.JobState;
import dev.bentoj.taskdb.entity.JobStatus;
import dev.bentoj.taskdb.entity.TaskClaim;
import dev.bentoj.taskdb.entity.TaskDbException;
import dev.bentoj.taskdb.entity.TaskDbException.Reason;
import dev.bentoj.taskdb.entity.TaskSpec;
import dev.bentoj.taskdb.entity.WorkerType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.bentoj.taskdb.entity.WorkerType.AUX;
import static dev.bentoj.taskdb.entity.WorkerType.EXEC;
import static dev.bentoj.taskdb.entity.WorkerType.JOIN;
import static dev.bentoj.taskdb.entity.WorkerType.PROVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retention: old finished jobs lose their task rows, keep their status; nothing else is touched. */
class RetentionTest {

    private static final Duration DAY = Duration.ofDays(1);
    private static final String STATS = "{\"segments\": 2, \"total_cycles\": 2097152, \"cycles\": 1500000}";

    @RegisterExtension
    static final TestDatabase db = TestDatabase.emptiedBeforeEachTest();
    private TaskDb taskDb;

    @BeforeEach
    void newTaskDb() {
        taskDb = new TaskDb(db.dataSource());
    }

    private static TaskSpec task(String id, WorkerType type, String... deps) {
        return new TaskSpec(id, type, "{\"task\":\"" + id + "\"}", List.of(deps), 30, 1);
    }

    /** A job init → 0, 1 → join, run to success; init's output carries the session's statistics. */
    private UUID succeededJob(String user) {
        UUID job = taskDb.createJob(user, List.of(task("init", EXEC)));
        TaskClaim init = claim(EXEC);
        taskDb.createTasks(job, List.of(task("0", PROVE, "init"), task("1", PROVE, "init"),
                task("join", JOIN, "0", "1")));
        taskDb.complete(job, "init", init.attempt(), STATS);
        for (TaskClaim p : taskDb.claim("gpu", Set.of(PROVE), 2)) {
            taskDb.complete(job, p.taskId(), p.attempt(), "{}");
        }
        TaskClaim join = claim(JOIN);
        taskDb.complete(job, "join", join.attempt(), "{}");
        assertEquals(JobState.SUCCEEDED, status(job).state());
        return job;
    }

    private TaskClaim claim(WorkerType type) {
        List<TaskClaim> claims = taskDb.claim("w", Set.of(type), 1);
        assertEquals(1, claims.size());
        return claims.get(0);
    }

    private JobStatus status(UUID job) {
        return taskDb.jobStatus(job).orElseThrow();
    }

    private void endedAgo(UUID job, String interval) {
        db.execute("UPDATE jobs SET finished_at = now() - interval '" + interval + "',"
                + " created_at = now() - interval '" + interval + "' - interval '1 hour' WHERE id = '" + job + "'");
    }

    private long taskRows(UUID job) {
        return db.queryLong("SELECT count(*) FROM tasks WHERE job_id = '" + job + "'");
    }

    private long edgeRows(UUID job) {
        return db.queryLong("SELECT count(*) FROM task_deps WHERE job_id = '" + job + "'");
    }

    @Test
    void prunesOnlyJobsThatEndedBeforeTheRetentionPeriod() {
        UUID oldSucceeded = succeededJob("alice");
        UUID oldFailed = taskDb.createJob("alice", List.of(task("init", EXEC), task("after", AUX, "init")));
        TaskClaim doomed = claim(EXEC);
        taskDb.fail(oldFailed, "init", doomed.attempt(), "guest panicked", false);
        UUID oldAborted = taskDb.createJob("bob", List.of(task("init", EXEC)));
        taskDb.abortJob(oldAborted);
        UUID recent = succeededJob("bob");
        // Running for two days (old, but not ended): a task running, one waiting on it.
        UUID running = taskDb.createJob("carol", List.of(task("init", EXEC), task("after", AUX, "init")));
        TaskClaim stillRunning = claim(EXEC);
        for (UUID job : List.of(oldSucceeded, oldFailed, oldAborted)) {
            endedAgo(job, "25 hours");
        }
        endedAgo(recent, "23 hours");
        db.execute("UPDATE jobs SET created_at = now() - interval '2 days' WHERE id = '" + running + "'");

        assertEquals(3, taskDb.pruneFinishedJobs(DAY));

        for (UUID job : List.of(oldSucceeded, oldFailed, oldAborted)) {
            assertEquals(0, taskRows(job), "task rows of " + job);
            assertEquals(0, edgeRows(job), "edges of " + job);
            assertTrue(taskDb.tasksOf(job).isEmpty());
        }
        assertEquals(4, taskRows(recent), "a job that ended within the period keeps its tasks");
        assertEquals(4, edgeRows(recent));
        assertEquals(2, taskRows(running), "a running job keeps its tasks, however old");
        assertEquals(1, edgeRows(running));

        JobStatus succeeded = status(oldSucceeded);
        assertEquals(JobState.SUCCEEDED, succeeded.state(), "status still answers");
        assertEquals(0, succeeded.remainingTasks());
        assertNotNull(succeeded.finishedAt());
        assertNotNull(succeeded.startedAt());
        assertEquals(3600, succeeded.elapsedSeconds(), 1, "created an hour before it ended");
        assertTrue(succeeded.statsJson() != null && succeeded.statsJson().contains("\"total_cycles\": 2097152"),
                "the executor's statistics (init's output) became the job's stats: " + succeeded.statsJson());
        assertTrue(succeeded.tasksByType().isEmpty());
        JobStatus failed = status(oldFailed);
        assertEquals(JobState.FAILED, failed.state());
        assertEquals("task 'init' (exec) failed: guest panicked", failed.error());
        assertEquals(JobState.ABORTED, status(oldAborted).state());

        // The running job goes on as before; a pruned job takes no work or results.
        assertTrue(taskDb.claim("w", Set.of(EXEC, AUX), 10).isEmpty(), "the running job's next task waits");
        taskDb.complete(running, "init", stillRunning.attempt(), "{}");
        assertEquals(List.of("after"), taskDb.claim("w", Set.of(AUX), 10).stream().map(TaskClaim::taskId).toList());
        assertEquals(Reason.JOB_NOT_RUNNING, assertThrows(TaskDbException.class,
                () -> taskDb.createTasks(oldSucceeded, List.of(task("late", AUX)))).reason());
        assertEquals(Reason.NOT_FOUND, assertThrows(TaskDbException.class,
                () -> taskDb.complete(oldFailed, "init", doomed.attempt(), "{}")).reason());

        assertEquals(0, taskDb.pruneFinishedJobs(DAY), "a pruned job is not pruned again");
    }

    @Test
    void statsSetOnTheJobAreKept() {
        UUID job = succeededJob("alice");
        taskDb.setJobStats(job, "{\"segments\": 9, \"total_cycles\": 9, \"cycles\": 9}");
        endedAgo(job, "2 days");
        assertEquals(1, taskDb.pruneFinishedJobs(DAY));
        assertTrue(status(job).statsJson().contains("\"segments\": 9"), status(job).statsJson());
    }

    @Test
    void prunesInBoundedBatchesUntilNoneIsLeft() {
        int jobs = 7;
        for (int i = 0; i < jobs; i++) {
            UUID job = taskDb.createJob("alice", List.of(task("init", EXEC)));
            taskDb.abortJob(job);
            endedAgo(job, "3 days");
        }
        assertEquals(jobs, taskDb.pruneFinishedJobs(DAY, 2), "four transactions of at most two jobs");
        assertEquals(0, db.queryLong("SELECT count(*) FROM tasks"));
        assertEquals(jobs, db.queryLong("SELECT count(*) FROM jobs WHERE pruned_at IS NOT NULL"));
    }
}
