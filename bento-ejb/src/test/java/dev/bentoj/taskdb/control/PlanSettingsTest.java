package dev.bentoj.taskdb.control;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.bentoj.taskdb.entity.TaskSpec;
import dev.bentoj.taskdb.entity.WorkerType;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The planner settings the scheduler's speed rests on, checked where they take effect: the claim
 * function's own settings ({@code V8}, {@code V9}) and a pool connection's
 * ({@link TaskDb#CONNECTION_OPTIONS}). JIT off is the one a queue of millions needs: above
 * jit_above_cost PostgreSQL compiled every claim again (886 ms of a 957-ms claim, V9). And the
 * claim's counter update reaches its row by ctid ({@code R__taskdb_claim.sql}): by key, its generic plan read every
 * version of the stream's counters that vacuum had not removed.
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

    @Test
    void theClaimUpdatesItsCounterRowByCtidNotByScanningTheStream() throws SQLException {
        try (TaskDb taskDb = new TaskDb(db.dataSource())) {
            taskDb.createJob("planner", List.of(new TaskSpec("t", WorkerType.PROVE, "{}", List.of(), 30, 3)));
        }
        List<String> plans = new ArrayList<>();
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
            for (SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
                plans.add(w.getMessage());
            }
            c.rollback();
        }
        String claim = plans.stream().filter(p -> p.contains("Update on stream_counters")).findFirst()
                .orElseThrow(() -> new AssertionError("no plan of the claim's statement among " + plans));
        assertTrue(claim.contains("Tid Scan on stream_counters"), claim);
    }
}
