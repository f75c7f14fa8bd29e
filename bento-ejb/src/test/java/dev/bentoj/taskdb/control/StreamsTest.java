package dev.bentoj.taskdb.control;

import dev.bentoj.taskdb.entity.StreamView;
import dev.bentoj.taskdb.entity.TaskClaim;
import dev.bentoj.taskdb.entity.TaskDbException;
import dev.bentoj.taskdb.entity.TaskSpec;
import dev.bentoj.taskdb.entity.WorkerType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Set;

import static dev.bentoj.taskdb.entity.WorkerType.EXEC;
import static dev.bentoj.taskdb.entity.WorkerType.PROVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Stream settings as the admin API and {@code v1:reserved:N} keys set them, against the real PostgreSQL. */
class StreamsTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.emptiedBeforeEachTest();
    private Streams streams;
    private TaskDb taskDb;

    @BeforeEach
    void newStreams() {
        streams = new Streams(db.dataSource());
        taskDb = new TaskDb(db.dataSource());
    }

    @Test
    void aUserWithoutStreamsHasTheDefaultsForEveryWorkerType() {
        List<StreamView> all = streams.of("nobody");
        assertEquals(WorkerType.values().length, all.size());
        for (WorkerType t : WorkerType.values()) {
            assertEquals(StreamView.defaults("nobody", t), all.get(t.ordinal()));
        }
    }

    @Test
    void configureSetsOneStreamAndShowsItsRunningTasks() {
        taskDb.createJob("u", List.of(TaskSpec.of("init", EXEC, "{}", 60, 1)));
        List<TaskClaim> claimed = taskDb.claim("cpu", Set.of(EXEC), 1);
        assertEquals(1, claimed.size());
        StreamView exec = streams.configure("u", EXEC, 3, 2.5);
        assertEquals(new StreamView("u", EXEC, 3, 2.5, 1), exec);
        assertEquals(StreamView.defaults("u", PROVE), streams.of("u", PROVE), "other types untouched");
    }

    @Test
    void invalidSettingsAreRefusedWithTheirRange() {
        for (Runnable bad : List.<Runnable>of(
                () -> streams.configure("u", PROVE, -1, 1),
                () -> streams.configure("u", PROVE, Streams.MAX_RESERVED + 1, 1),
                () -> streams.configure("u", PROVE, 0, 0),
                () -> streams.configure("u", PROVE, 0, -2),
                () -> streams.configure("u", PROVE, 0, Double.NaN),
                () -> streams.configure("u", PROVE, 0, Double.POSITIVE_INFINITY),
                () -> streams.configure(" ", PROVE, 0, 1))) {
            TaskDbException e = assertThrows(TaskDbException.class, bad::run);
            assertEquals(TaskDbException.Reason.INVALID_REQUEST, e.reason(), e.getMessage());
        }
    }

    @Test
    void aKeysReservationCreatesMissingStreamsButLeavesExistingOnesAsAnAdministratorSetThem() {
        streams.configure("broker", PROVE, 7, 3.0);
        streams.createReserved("broker", 1000);
        for (StreamView s : streams.of("broker")) {
            if (s.type() == PROVE) {
                assertEquals(7, s.reserved());
                assertEquals(3.0, s.multiplier());
            } else {
                assertEquals(1000, s.reserved(), s.type().id());
                assertEquals(1.0, s.multiplier());
            }
        }
    }

    @Test
    void registeringAReservedKeyReservesEveryStreamAndKeepsMultipliers() {
        streams.configure("broker", PROVE, 7, 3.0);
        streams.reserveAll("broker", 50);
        for (StreamView s : streams.of("broker")) {
            assertEquals(50, s.reserved(), s.type().id());
            assertEquals(s.type() == PROVE ? 3.0 : 1.0, s.multiplier());
        }
    }

    @Test
    void aReservationTakesEffectAtTheNextClaim() {
        taskDb.createJob("flood", List.of(TaskSpec.of("0", PROVE, "{}", 60, 1), TaskSpec.of("1", PROVE, "{}", 60, 1)));
        taskDb.createJob("late", List.of(TaskSpec.of("0", PROVE, "{}", 60, 1)));
        streams.reserveAll("late", 1);
        List<TaskClaim> c = taskDb.claim("gpu", Set.of(PROVE), 1);
        assertEquals(1, c.size());
        assertEquals(1, streams.of("late", PROVE).running(), "the reserved user's younger job went first");
    }
}
