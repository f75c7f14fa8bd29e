package dev.bentoj.taskdb.control;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.bentoj.taskdb.entity.TaskSpec;
import dev.bentoj.taskdb.entity.WorkerType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The planner settings the scheduler's speed rests on, checked where they take effect: the claim
 * function's own settings ({@code V8}, {@code V9}) and a pool connection's
 * ({@link TaskDb#CONNECTION_OPTIONS}). JIT off is the one a queue of millions needs: above
 * jit_above_cost PostgreSQL compiled every claim again (886 ms of a 957-ms claim, V9). And the
 * claim's counter update reaches its row by ctid ({@code R__taskdb_claim.sql}): by key, its
 * generic plan read every version of the stream's counters that vacuum had not removed.
 */
class PlanSettingsTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.perClass();

    @Test
    void theClaimIsPlannedOnceThroughIndexesAndNeverCompiled() throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT proconfig FROM pg_proc WHERE proname = 'taskdb_claim'")) {
            assertTrue(rs.next(), "taskdb_claim missing");
            List<String> settings = Arrays.asList((String[]) rs.getArray(1).getArray());
            assertTrue(settings.containsAll(List.of("plan_cache_mode=force_generic_plan", "enable_seqscan=off",
                    "jit=off")), settings.toString());
            assertFalse(rs.next(), "one taskdb_claim expected");
        }
    }

    @Test
    void poolConnectionsPlanEveryStatementAndNeverCompile() throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('plan_cache_mode'), current_setting('jit')")) {
            rs.next();
            assertEquals(TaskDb.PLAN_CACHE_MODE, rs.getString(1));
            assertEquals("off", rs.getString(2));
        }
    }

    /**
     * The claim (one generic plan, seq scans off) reaches its counter row by ctid; the completion,
     * planned at each execution on a pool connection, by stream and generation in its index
     * condition. (Given the claim's ctid form, the completion's planner took a seq scan of a
     * small stream_counters instead, so the two keep their different forms.)
     */
    @Test
    void theClaimAndTheCompletionReachTheirCounterRowWithoutScanningTheStream() throws SQLException {
        UUID job;
        try (TaskDb taskDb = new TaskDb(db.dataSource())) {
            job = taskDb.createJob("planner", List.of(new TaskSpec("t", WorkerType.PROVE, "{}", List.of(), 30, 3)));
        }
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("LOAD 'auto_explain'");
            c.setAutoCommit(false);
            // SET LOCAL: gone at the rollback, so the pooled connection logs nothing afterwards
            s.execute("SET LOCAL auto_explain.log_min_duration = 0");
            s.execute("SET LOCAL auto_explain.log_nested_statements = on");
            s.execute("SET LOCAL auto_explain.log_level = notice");
            s.execute("SET LOCAL auto_explain.sample_rate = 1");
            try (ResultSet rs = s.executeQuery("SELECT * FROM taskdb_claim(1, ARRAY['prove'], 'planner-test')")) {
                assertTrue(rs.next(), "the ready task was not claimed");
            }
            assertCounterRowReachedByCtid(plans(s.getWarnings()), "the claim");
            try (PreparedStatement ps = c.prepareStatement(TaskSql.COMPLETE)) {
                ps.setArray(1, c.createArrayOf("uuid", new Object[] {job}));
                ps.setArray(2, c.createArrayOf("text", new Object[] {"t"}));
                ps.setArray(3, c.createArrayOf("integer", new Object[] {1}));
                ps.setArray(4, c.createArrayOf("text", new Object[] {"{}"}));
                ps.executeQuery().close();
                assertCounterRowReachedByBothKeys(plans(ps.getWarnings()), "the completion");
            }
            c.rollback();
        }
    }

    private static List<String> plans(SQLWarning first) {
        List<String> plans = new ArrayList<>();
        for (SQLWarning w = first; w != null; w = w.getNextWarning()) {
            plans.add(w.getMessage());
        }
        return plans;
    }

    /** The update's own scan of stream_counters has gen in its index condition, not as a filter. */
    private static void assertCounterRowReachedByBothKeys(List<String> plans, String what) {
        String plan = plans.stream().filter(p -> p.contains("Update on stream_counters")).findFirst()
                .orElseThrow(() -> new AssertionError("no plan of " + what + " among " + plans));
        String update = plan.substring(plan.indexOf("Update on stream_counters"));
        int end = update.indexOf("\n  CTE ", 1);
        update = end < 0 ? update : update.substring(0, end);
        assertTrue(update.matches("(?s).*Index Cond: \\(\\(stream_id = [^\n]*\\(gen = .*"), what + ":\n" + update);
    }

    private static void assertCounterRowReachedByCtid(List<String> plans, String what) {
        String plan = plans.stream().filter(p -> p.contains("Update on stream_counters")).findFirst()
                .orElseThrow(() -> new AssertionError("no plan of " + what + " among " + plans));
        assertTrue(plan.contains("Tid Scan on stream_counters"), what + ":\n" + plan);
    }
}
