package dev.bentoj.taskdb.control;

import dev.bentoj.taskdb.entity.WorkerType;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells the other server instances on the database that tasks became ready, with
 * {@code NOTIFY bento_ready} ({@link ReadyNotice}); their {@link ReadyTaskListener} wakes their
 * waiting claims.
 *
 * <p>Debounced per worker type, because a NOTIFY is not free: at commit, PostgreSQL serialises
 * every transaction that notified, cluster-wide, on one lock held until its commit record is
 * flushed (so that notices are queued in commit order). A NOTIFY in each of the thousands of
 * completions per second of a busy cluster would turn group commit into one flush at a time.
 * So, per type, the first ready task after a quiet spell of {@code interval} is announced inside
 * its own transaction (delivered exactly when the tasks become visible, never for a rollback),
 * and the tasks made ready during the following {@code interval} are summed into one notice
 * sent when it ends, after their commits. A remote claim thus hears of new work at most
 * {@code interval} late, and an idle cluster's first task at once. A task whose retry back-off
 * has to pass first is announced when it has. Notices that get lost anyway (a listener
 * reconnecting, the database failing a trailing notice) are covered by the claims' backstop poll.
 */
final class ReadyTaskNotifier implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ReadyTaskNotifier.class.getName());
    private static final int TYPES = WorkerType.values().length;

    private final DataSource dataSource;
    private final String origin;
    private final long intervalNanos;
    private final ScheduledThreadPoolExecutor timer;

    // Per worker type, guarded by this: when the last notice left, the tasks not yet announced,
    // and whether a trailing notice is already scheduled for them.
    private final long[] lastNoticeNanos = new long[TYPES];
    private final int[] unannounced = new int[TYPES];
    private final boolean[] trailing = new boolean[TYPES];

    ReadyTaskNotifier(DataSource dataSource, String origin, Duration interval) {
        this.dataSource = dataSource;
        this.origin = origin;
        this.intervalNanos = interval.toNanos();
        long longAgo = System.nanoTime() - intervalNanos - 1;
        Arrays.fill(lastNoticeNanos, longAgo);
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "bento-ready-notifier-" + origin);
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Inside the transaction that made {@code ready} tasks ready, just before its commit: sends
     * the notices of the types that are not within their interval and returns those types; the
     * caller passes them to {@link #afterCommit}. If the transaction rolls back, the notices go
     * with it (and the interval just started is harmless: the retry announces after commit).
     */
    Set<WorkerType> notifyInTransaction(Connection c, Map<WorkerType, Integer> ready) throws SQLException {
        if (ready.isEmpty()) {
            return Set.of();
        }
        Set<WorkerType> leading = EnumSet.noneOf(WorkerType.class);
        List<String> payloads = new ArrayList<>();
        long now = System.nanoTime();
        synchronized (this) {
            for (Map.Entry<WorkerType, Integer> e : ready.entrySet()) {
                int t = e.getKey().ordinal();
                if (e.getValue() > 0 && !trailing[t] && now - lastNoticeNanos[t] >= intervalNanos) {
                    lastNoticeNanos[t] = now;
                    leading.add(e.getKey());
                    payloads.add(new ReadyNotice(e.getKey(), e.getValue(), origin).payload());
                }
            }
        }
        if (!payloads.isEmpty()) {
            send(c, payloads);
        }
        return leading;
    }

    /** After the commit: the ready tasks of types not announced in the transaction go into a trailing notice. */
    void afterCommit(Map<WorkerType, Integer> ready, Set<WorkerType> announced) {
        ready.forEach((type, tasks) -> {
            if (tasks > 0 && !announced.contains(type)) {
                defer(type, tasks);
            }
        });
    }

    /** A requeued task of {@code type} becomes claimable after {@code delay}: announce it then. */
    void readyIn(WorkerType type, Duration delay) {
        if (delay.isNegative() || delay.isZero()) {
            defer(type, 1);
            return;
        }
        try {
            timer.schedule(() -> defer(type, 1), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            // shutting down: nobody left to tell
        }
    }

    private void defer(WorkerType type, int tasks) {
        int t = type.ordinal();
        long delayNanos;
        synchronized (this) {
            unannounced[t] += tasks;
            if (trailing[t]) {
                return;
            }
            trailing[t] = true;
            delayNanos = Math.max(0, lastNoticeNanos[t] + intervalNanos - System.nanoTime());
        }
        try {
            timer.schedule(() -> flush(type), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            // shutting down
        }
    }

    /** The trailing notice of one type: everything made ready since the last one, in one NOTIFY. */
    private void flush(WorkerType type) {
        int t = type.ordinal();
        int tasks;
        synchronized (this) {
            tasks = unannounced[t];
            unannounced[t] = 0;
            trailing[t] = false;
            lastNoticeNanos[t] = System.nanoTime();
        }
        if (tasks == 0) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            send(c, List.of(new ReadyNotice(type, tasks, origin).payload()));
        } catch (SQLException | RuntimeException e) {
            // The other instances' backstop poll finds these tasks instead.
            LOG.log(Level.FINE, "could not send a ready notice for " + tasks + " " + type.id() + " task(s)", e);
        }
    }

    private static void send(Connection c, List<String> payloads) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TaskSql.NOTIFY_READY)) {
            ps.setString(1, ReadyNotice.CHANNEL);
            ps.setArray(2, c.createArrayOf("text", payloads.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // pg_notify returns void: one empty row per notice
                }
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
