package dev.bentoj.taskdb.control;

import dev.bentoj.taskdb.entity.StreamView;
import dev.bentoj.taskdb.entity.TaskDbException;
import dev.bentoj.taskdb.entity.TaskDbException.Reason;
import dev.bentoj.taskdb.entity.WorkerType;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The prioritisation settings of users' streams (one per user and worker type): how many slots
 * are reserved for it and its multiplier beyond them (semantics in {@code V1__taskdb.sql} and
 * {@code spec/architecture.md}). The claim statement ({@link TaskSql#CLAIM}) reads them at every
 * claim, so a change takes effect at the next one. Nothing here is on a hot path: these are the
 * admin API's reads and writes, and the reservation an API key of the form
 * {@code v1:reserved:N} carries. Thread-safe.
 */
public final class Streams {

    /** Most slots one stream may reserve (upstream's broker asks for 1000 and 2000). */
    public static final int MAX_RESERVED = 1_000_000;
    /** Largest multiplier: beyond this a share is indistinguishable from "always first". */
    public static final double MAX_MULTIPLIER = 1_000_000;

    /** A user's streams, whatever exists of them. */
    private static final String STREAMS_OF = """
            SELECT worker_type, reserved, multiplier, running FROM stream_counts WHERE user_id = ?
            """;

    /**
     * Creates the user's missing streams with a reservation and the default multiplier; existing
     * streams are left as they are (DO NOTHING: their rows are not even locked). As upstream,
     * which gives a {@code v1:reserved:N} key's streams N when it first creates them.
     */
    private static final String CREATE_RESERVED = """
            INSERT INTO streams (user_id, worker_type, reserved)
            SELECT ?, unnest(?::text[]), ?
            ON CONFLICT (user_id, worker_type) DO NOTHING
            """;

    /** Sets the reservation of every one of the user's streams (created if missing), multipliers untouched. */
    private static final String RESERVE_ALL = """
            INSERT INTO streams (user_id, worker_type, reserved)
            SELECT ?, unnest(?::text[]), ?
            ON CONFLICT (user_id, worker_type) DO UPDATE SET reserved = EXCLUDED.reserved
            """;

    private static final String[] ALL_TYPES =
            Arrays.stream(WorkerType.values()).map(WorkerType::id).toArray(String[]::new);

    private final DataSource dataSource;
    /** Users whose streams all exist since a reservation was ensured (streams are never deleted). */
    private final Set<String> reservationEnsured = ConcurrentHashMap.newKeySet();

    public Streams(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The settings of each of the user's streams, one per worker type in the order of
     * {@link WorkerType}; a type without a stream yet shows the defaults.
     */
    public List<StreamView> of(String userId) {
        requireUser(userId);
        Map<WorkerType, StreamView> found = new EnumMap<>(WorkerType.class);
        run(c -> {
            try (PreparedStatement ps = c.prepareStatement(STREAMS_OF)) {
                ps.setString(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        WorkerType type = WorkerType.fromId(rs.getString(1));
                        found.put(type, new StreamView(userId, type, rs.getInt(2), rs.getDouble(3), rs.getInt(4)));
                    }
                }
            }
            return null;
        });
        List<StreamView> all = new ArrayList<>();
        for (WorkerType t : WorkerType.values()) {
            all.add(found.getOrDefault(t, StreamView.defaults(userId, t)));
        }
        return all;
    }

    /** The settings of one of the user's streams (the defaults if it does not exist yet). */
    public StreamView of(String userId, WorkerType type) {
        Objects.requireNonNull(type, "type");
        return of(userId).get(type.ordinal());
    }

    /**
     * Sets how the user's stream of one worker type is prioritised, creating the stream if needed:
     * {@code reserved} dedicated slots, then a share of the pool weighted by {@code multiplier}.
     *
     * @throws TaskDbException INVALID_REQUEST if reserved is not in 0…{@value #MAX_RESERVED} or
     *     the multiplier not in (0, {@value #MAX_MULTIPLIER}]
     */
    public StreamView configure(String userId, WorkerType type, int reserved, double multiplier) {
        requireUser(userId);
        Objects.requireNonNull(type, "type");
        if (reserved < 0 || reserved > MAX_RESERVED) {
            throw new TaskDbException(Reason.INVALID_REQUEST, "reserved must be a whole number of slots from 0 to "
                    + MAX_RESERVED + ", not " + reserved);
        }
        if (!(multiplier > 0) || multiplier > MAX_MULTIPLIER) {
            throw new TaskDbException(Reason.INVALID_REQUEST, "multiplier must be a number above 0 and at most "
                    + (long) MAX_MULTIPLIER + " (1 is an ordinary share, 2 twice that), not " + multiplier);
        }
        run(c -> {
            try (PreparedStatement ps = c.prepareStatement(TaskSql.CONFIGURE_STREAM)) {
                ps.setString(1, userId);
                ps.setString(2, type.id());
                ps.setInt(3, reserved);
                ps.setDouble(4, multiplier);
                return ps.executeUpdate();
            }
        });
        return of(userId, type);
    }

    /**
     * Gives every one of the user's streams {@code reserved} slots (multipliers untouched): what
     * registering a {@code v1:reserved:N} key for a user means.
     */
    public void reserveAll(String userId, int reserved) {
        requireUser(userId);
        requireReserved(reserved);
        update(RESERVE_ALL, userId, reserved);
        reservationEnsured.add(userId);
    }

    /**
     * Creates the user's streams that do not exist yet with {@code reserved} slots, and leaves
     * existing ones alone (what an administrator set afterwards stays). Called whenever a
     * {@code v1:reserved:N} key is used; after the first call per user in this JVM it costs
     * nothing, since streams are never deleted.
     */
    public void createReserved(String userId, int reserved) {
        requireUser(userId);
        requireReserved(reserved);
        if (reservationEnsured.contains(userId)) {
            return;
        }
        update(CREATE_RESERVED, userId, reserved);
        reservationEnsured.add(userId);
    }

    private void update(String sql, String userId, int reserved) {
        run(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, userId);
                ps.setArray(2, c.createArrayOf("text", ALL_TYPES));
                ps.setInt(3, reserved);
                return ps.executeUpdate();
            }
        });
    }

    private static void requireUser(String userId) {
        if (userId == null || userId.isBlank()) {
            throw new TaskDbException(Reason.INVALID_REQUEST, "a user id is required");
        }
    }

    private static void requireReserved(int reserved) {
        if (reserved < 0 || reserved > MAX_RESERVED) {
            throw new TaskDbException(Reason.INVALID_REQUEST, "a reservation is 0 to " + MAX_RESERVED
                    + " slots, not " + reserved);
        }
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** One autocommitted statement (or read) on a pooled connection. */
    private <T> T run(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new TaskDbException(Reason.DATABASE, "TaskDB database error (SQLState " + e.getSQLState()
                    + ") on stream settings: " + e.getMessage() + " (check that PostgreSQL is running and"
                    + " BENTO_DB_URL points at it)", e);
        }
    }
}
