package dev.bentoj.taskdb.control;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A private database on the machine's PostgreSQL (127.0.0.1:5432, user postgres, trust auth),
 * created for one test class, migrated, and dropped at the end; with a small connection pool in
 * front of it, as the server's pool would be. A test class registers it once
 * ({@code @RegisterExtension static final TestDatabase db = TestDatabase.emptiedBeforeEachTest();})
 * instead of writing the create/drop/truncate lifecycle itself.
 */
final class TestDatabase implements AutoCloseable, BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    static final String HOST = System.getProperty("bento.test.pg.host", "127.0.0.1");
    static final int PORT = Integer.getInteger("bento.test.pg.port", 5432);

    private String name;
    private Pool pool;
    private final boolean emptyBeforeEach;

    private TestDatabase(boolean emptyBeforeEach) {
        this.emptyBeforeEach = emptyBeforeEach;
    }

    /** One database for the test class; its tests see each other's rows. */
    static TestDatabase perClass() {
        return new TestDatabase(false);
    }

    /** One database for the test class, its tables emptied before every test. */
    static TestDatabase emptiedBeforeEachTest() {
        return new TestDatabase(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        create();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (emptyBeforeEach) {
            truncate();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private void create() {
        String name = "taskdb_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        try (Connection c = source("postgres").getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on PostgreSQL at " + HOST + ":" + PORT
                    + " (start it with: pg_ctlcluster --skip-systemctl-redirect 15 main start): " + e.getMessage(), e);
        }
        this.name = name;
        this.pool = new Pool(source(name), 12);
        TaskDbSchema.migrate(pool);
    }

    DataSource dataSource() {
        return pool;
    }

    /** A new, unpooled connection at each call (for ready-task listeners). */
    DataSource unpooled() {
        return source(name);
    }

    /**
     * Terminates every other session on this database (pooled connections, listeners), as a
     * PostgreSQL restart would, without disturbing other databases; returns how many.
     */
    int terminateConnections() {
        try (Connection c = source(name).getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                     + " WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot terminate the sessions of " + name + ": " + e.getMessage(), e);
        }
    }

    /** Empties every TaskDB table (between tests of one class). */
    void truncate() {
        execute("TRUNCATE task_deps, tasks, jobs, streams RESTART IDENTITY CASCADE");
    }

    void execute(String sql) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    long queryLong(String sql) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        pool.closeAll();
        try (Connection c = source("postgres").getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name + ": " + e.getMessage(), e);
        }
    }

    private static PGSimpleDataSource source(String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {HOST});
        ds.setPortNumbers(new int[] {PORT});
        ds.setDatabaseName(database);
        ds.setUser("postgres");
        ds.setApplicationName("bento-taskdb-test");
        ds.setOptions(TaskDb.CONNECTION_OPTIONS); // plans as on the server's pool
        return ds;
    }

    /** A fixed-size pool: close() hands the connection back, rolled back and in autocommit. */
    private static final class Pool implements DataSource {
        private final PGSimpleDataSource source;
        private final BlockingQueue<Connection> idle;
        private final BlockingQueue<Connection> all;
        private final AtomicInteger opened = new AtomicInteger();
        private final int max;

        Pool(PGSimpleDataSource source, int max) {
            this.source = source;
            this.max = max;
            this.idle = new ArrayBlockingQueue<>(max);
            this.all = new ArrayBlockingQueue<>(max);
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection physical = idle.poll();
            if (physical == null) {
                if (opened.incrementAndGet() <= max) {
                    try {
                        physical = source.getConnection();
                    } catch (SQLException | RuntimeException e) {
                        opened.decrementAndGet(); // the database is down: no slot taken
                        throw e;
                    }
                    all.add(physical);
                } else {
                    opened.decrementAndGet();
                    try {
                        physical = idle.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new SQLException("interrupted while waiting for a connection", e);
                    }
                }
            }
            return wrap(physical);
        }

        private Connection wrap(Connection physical) {
            boolean[] closed = {false};
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "close" -> {
                                if (!closed[0]) {
                                    closed[0] = true;
                                    giveBack(physical);
                                }
                                return null;
                            }
                            case "isClosed" -> {
                                return closed[0] || physical.isClosed();
                            }
                            default -> {
                                if (closed[0]) {
                                    throw new SQLException("connection already handed back to the pool");
                                }
                                try {
                                    return method.invoke(physical, args);
                                } catch (InvocationTargetException e) {
                                    throw e.getCause();
                                }
                            }
                        }
                    });
        }

        private void giveBack(Connection physical) throws SQLException {
            if (physical.isClosed()) {
                all.remove(physical);
                opened.decrementAndGet();
                return;
            }
            if (!physical.getAutoCommit()) {
                physical.rollback();
                physical.setAutoCommit(true);
            }
            idle.add(physical);
        }

        void closeAll() {
            for (Connection c : all) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // dropping the database next
                }
            }
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
