package dev.bentoj.taskdb.control;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The planner settings the scheduler's speed rests on, checked where they take effect: the claim
 * function's own settings ({@code V8}, {@code V9}) and a pool connection's
 * ({@link TaskDb#CONNECTION_OPTIONS}). JIT off is the one a queue of millions needs: above
 * jit_above_cost PostgreSQL compiled every claim again (886 ms of a 957-ms claim, V9).
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
}
