package dev.bentoj.taskdb.control;

import dev.bentoj.taskdb.entity.TaskClaim;
import dev.bentoj.taskdb.entity.TaskSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.bentoj.taskdb.entity.WorkerType.EXEC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The interleaving that {@code V5__claim_from_version.sql} guards against, played step by step:
 * claim B of one instance takes its snapshot; task X is made ready, then claim A of another
 * instance moves claim_from and clears readied_low, both in a transaction that holds the stream
 * row while B waits for it; B then must not move claim_from past X, which its snapshot never saw.
 * X is requeued from an older job (a requeue keeps its key), so it sorts before the tasks B saw.
 */
class ClaimFromRaceTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.emptiedBeforeEachTest();

    private static final String READY_BELOW_CLAIM_FROM = """
            SELECT count(*) FROM tasks t JOIN stream_counts s ON s.id = t.stream_id
            WHERE t.state = 'ready' AND ARRAY[t.job_seq, t.seq] < s.claim_from
            """;

    @Test
    void aClaimWhoseSnapshotPredatesAnotherClaimLeavesClaimFromWhereThatOnePutIt() throws Exception {
        TaskDb taskDb = new TaskDb(db.dataSource());
        UUID older = taskDb.createJob("u", List.of(TaskSpec.of("x", EXEC, null, 60, 3)));
        assertEquals("x", taskDb.claim("w0", Set.of(EXEC), 1).get(0).taskId());
        taskDb.createJob("u", List.of(TaskSpec.of("z", EXEC, null, 60, 3), TaskSpec.of("y", EXEC, null, 60, 3)));

        try (Connection h = db.dataSource().getConnection()) {
            h.setAutoCommit(false);
            // X fails with attempts left: ready again after a back-off, its slot given back, the
            // stream's claim_from and readied_low lowered to it; the stream row stays locked.
            requeue(h, older, "x");
            // B: snapshot taken, Z locked and taken, then waits for the stream row.
            CompletableFuture<List<TaskClaim>> b = CompletableFuture.supplyAsync(() -> taskDb.claim("wB", Set.of(EXEC), 1));
            awaitClaimWaitingForALock();
            // A, in the same transaction: skips Z (B holds it), takes Y, and moves claim_from to
            // the first ready task it did not take, X (in back-off), clearing readied_low.
            assertEquals(List.of("y"), claimIn(h, "wA"));
            h.commit();
            assertEquals("z", b.get(30, TimeUnit.SECONDS).get(0).taskId());
            assertEquals(0, db.queryLong(READY_BELOW_CLAIM_FROM), "a ready task below claim_from");
            db.execute("UPDATE tasks SET not_before = now() WHERE task_id = 'x'"); // back-off over
            assertEquals(List.of("x"), taskDb.claim("w1", Set.of(EXEC), 1).stream().map(TaskClaim::taskId).toList(),
                    "X is claimable again once its back-off is over");
        }
    }

    /** TaskDb's requeue path (fail with attempts left), without its commit. */
    private static void requeue(Connection c, UUID job, String task) throws Exception {
        long jobSeq;
        long seq;
        long stream;
        try (PreparedStatement ps = c.prepareStatement(TaskSql.LOCK_TASK)) {
            ps.setObject(1, job);
            ps.setString(2, task);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                stream = rs.getLong("stream_id");
                jobSeq = rs.getLong("job_seq");
                seq = rs.getLong("seq");
            }
        }
        try (PreparedStatement ps = c.prepareStatement(TaskSql.REQUEUE_TASK)) {
            ps.setInt(1, 600);
            ps.setString(2, "flaky");
            ps.setObject(3, job);
            ps.setString(4, task);
            assertEquals(1, ps.executeUpdate());
        }
        try (PreparedStatement ps = c.prepareStatement(TaskSql.RELEASE_REQUEUED_SLOT)) {
            ps.setLong(1, jobSeq);
            ps.setLong(2, seq);
            ps.setLong(3, stream);
            ps.execute(); // raises unless the stream's current counters were updated
        }
    }

    private static List<String> claimIn(Connection c, String worker) throws Exception {
        List<String> taken = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(TaskSql.CLAIM)) {
            ps.setInt(1, 1);
            ps.setArray(2, c.createArrayOf("text", new String[] {EXEC.id()}));
            ps.setString(3, worker);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    taken.add(rs.getString("task_id"));
                }
            }
        }
        return taken;
    }

    private static void awaitClaimWaitingForALock() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (db.queryLong("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                + " AND query LIKE '%taskdb_claim%'") == 0) {
            assertTrue(System.nanoTime() < deadline, "claim B never waited for the stream row");
            Thread.sleep(10);
        }
    }
}
