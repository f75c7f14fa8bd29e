package dev.bentoj.taskdb.control;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Relays the {@code NOTIFY bento_ready} of other server instances ({@link ReadyTaskNotifier}) to
 * this instance's {@link ReadyTaskSignal}, so that a claim waiting here wakes as soon as work is
 * made ready there.
 *
 * <p>One dedicated connection, opened from an unpooled {@link DataSource} (a LISTEN lives as
 * long as its session, so it cannot borrow from a pool), read by a daemon thread blocked in
 * pgjdbc's {@link PGConnection#getNotifications(int)}. The instance's own notices are skipped
 * (its claims were woken in-JVM already). If the connection drops (PostgreSQL restarted, the
 * backend was terminated, the network failed), the thread reconnects with a back-off from
 * 100 ms to 5 s, and on success wakes every waiting claim here once, since notices sent
 * meanwhile are lost; until then the claims' backstop poll finds the work. An idle connection
 * is probed every 10 s so that a silently dead one is noticed too.
 */
public final class ReadyTaskListener implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ReadyTaskListener.class.getName());
    private static final int POLL_MILLIS = 500;
    private static final long PROBE_NANOS = Duration.ofSeconds(10).toNanos();
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private final DataSource connections;
    private final ReadyTaskSignal signal;
    private final String self;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection current;
    // Guarded by this.
    private boolean listening;
    private int backendPid;
    private long sessions;

    /**
     * @param connections opens a new, unpooled connection to the TaskDB database at each call
     *     (for instance a {@code PGSimpleDataSource}); pgjdbc, or a wrapper of it that unwraps
     *     to {@link PGConnection}
     * @param signal where notices are relayed
     * @param self the origin id of this instance's own notices, skipped
     */
    ReadyTaskListener(DataSource connections, ReadyTaskSignal signal, String self) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.signal = Objects.requireNonNull(signal, "signal");
        this.self = Objects.requireNonNull(self, "self");
        this.thread = new Thread(this::run, "bento-ready-listener-" + self);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        long backoff = FIRST_BACKOFF_MILLIS;
        boolean failing = false;
        while (running) {
            try (Connection c = connections.getConnection()) {
                current = c;
                PGConnection pg = c.unwrap(PGConnection.class);
                try (Statement s = c.createStatement()) {
                    s.execute(TaskSql.NAME_LISTENER_SESSION);
                    s.execute(TaskSql.LISTEN_READY);
                }
                boolean reconnected = connected(pg.getBackendPID());
                if (failing || reconnected) {
                    LOG.info("ready-task listener (re)connected: relaying notices from other instances again");
                }
                if (reconnected) {
                    signal.wakeAll(); // notices sent while we were away are lost
                }
                failing = false;
                backoff = FIRST_BACKOFF_MILLIS;
                relay(c, pg);
            } catch (SQLException | RuntimeException e) {
                disconnected();
                if (!running) {
                    break;
                }
                if (!failing) {
                    LOG.log(Level.WARNING, "ready-task listener lost its connection (" + e.getMessage()
                            + "); reconnecting, claims fall back to their backstop poll meanwhile");
                    failing = true;
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            } finally {
                current = null;
            }
        }
        disconnected();
    }

    /** Reads notices until the connection fails or the listener is closed. */
    private void relay(Connection c, PGConnection pg) throws SQLException {
        long quietSince = System.nanoTime();
        while (running) {
            PGNotification[] notices = pg.getNotifications(POLL_MILLIS);
            if (notices != null && notices.length > 0) {
                quietSince = System.nanoTime();
                for (PGNotification n : notices) {
                    ReadyNotice notice = ReadyNotice.parse(n.getParameter());
                    if (notice != null && !notice.origin().equals(self)) {
                        signal.readyNow(notice.type(), notice.tasks());
                    }
                }
            } else if (System.nanoTime() - quietSince > PROBE_NANOS) {
                try (Statement s = c.createStatement()) {
                    s.execute(TaskSql.PROBE);
                }
                quietSince = System.nanoTime();
            }
        }
    }

    /** Records a new session; true if it replaces an earlier one. */
    private synchronized boolean connected(int pid) {
        listening = true;
        backendPid = pid;
        sessions++;
        notifyAll();
        return sessions > 1;
    }

    private synchronized void disconnected() {
        listening = false;
        backendPid = 0;
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            // close() interrupts; the loop checks running
        }
    }

    /** Whether the listener is connected and listening now. */
    public synchronized boolean isListening() {
        return listening;
    }

    /** The PostgreSQL backend pid of the listening session, or 0 while disconnected. */
    public synchronized int backendPid() {
        return backendPid;
    }

    /** How many sessions the listener has opened so far (1 + reconnections). */
    public synchronized long sessions() {
        return sessions;
    }

    /** Waits until the listener is listening with at least {@code minSessions} sessions opened. */
    public synchronized boolean awaitListening(long minSessions, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!(listening && sessions >= minSessions)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Stops the thread and closes the connection. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        Connection c = current;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
