package dev.bentoj.taskdb.control;

import dev.bentoj.taskdb.entity.TaskClaim;
import dev.bentoj.taskdb.entity.TaskSpec;
import dev.bentoj.taskdb.entity.WorkerType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.bentoj.taskdb.entity.WorkerType.PROVE;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The order in which claims serve streams: reservations, weighted shares, oldest job. */
class FairnessTest {

    private static TestDatabase db;
    private TaskDb taskDb;
    private final Map<UUID, String> owners = new HashMap<>();

    @BeforeAll
    static void createDatabase() {
        db = TestDatabase.create();
    }

    @AfterAll
    static void dropDatabase() {
        db.close();
    }

    @BeforeEach
    void emptyTables() {
        db.truncate();
        taskDb = new TaskDb(db.dataSource());
        owners.clear();
    }

    private void submit(String user, int tasks) {
        List<TaskSpec> specs = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            specs.add(TaskSpec.of(Integer.toString(i), PROVE, "{}", 60, 1));
        }
        owners.put(taskDb.createJob(user, specs), user);
    }

    private Map<String, Integer> claimByUser(int max) {
        Map<String, Integer> byUser = new HashMap<>();
        for (TaskClaim c : taskDb.claim("gpu", Set.of(PROVE), max)) {
            byUser.merge(owners.get(c.jobId()), 1, Integer::sum);
        }
        return byUser;
    }

    private String claimOneUser() {
        List<TaskClaim> c = taskDb.claim("gpu", Set.of(PROVE), 1);
        assertEquals(1, c.size());
        return owners.get(c.get(0).jobId());
    }

    @Test
    void equalStreamsTakeTurnsOldestJobFirst() {
        submit("a", 10);
        submit("b", 10);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            order.add(claimOneUser());
        }
        assertEquals(List.of("a", "b", "a", "b", "a", "b"), order);
    }

    @Test
    void multipliersSplitOneBatchClaimTwoToOne() {
        taskDb.configureStream("a", PROVE, 0, 2.0);
        taskDb.configureStream("b", PROVE, 0, 1.0);
        submit("b", 100);
        submit("a", 100);
        assertEquals(Map.of("a", 20, "b", 10), claimByUser(30));
        assertEquals(Map.of("a", 2, "b", 1), claimByUser(3), "shares hold across claims (running counts)");
    }

    @Test
    void reservedStreamGetsItsSlotsFirstEvenUnderAFlood() {
        submit("flood", 500);
        taskDb.configureStream("reserved", PROVE, 2, 1.0);
        submit("reserved", 20);
        assertEquals(Map.of("reserved", 2), claimByUser(2));
        // Beyond its reservation it competes with the pool: the flood's older job wins the tie.
        assertEquals("flood", claimOneUser());
        assertEquals(Map.of("flood", 1, "reserved", 1), claimByUser(2));
    }

    @Test
    void streamsOfOtherWorkerTypesAreNotServed() {
        submit("a", 3);
        assertEquals(List.of(), taskDb.claim("cpu", Set.of(WorkerType.EXEC, WorkerType.AUX), 5));
    }
}
