package dev.bentoj.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.bentoj.taskdb.control.TaskDb;
import dev.bentoj.taskdb.control.TaskDbSchema;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The benchmark's own database on the machine's PostgreSQL ({@code bench_taskdb} on
 * 127.0.0.1:5432, user postgres, trust auth): created fresh at the start, with TaskDB's
 * migrations, db-scheduler's {@code scheduled_tasks} table and the table that emulates
 * dependencies for db-scheduler, and dropped at the end. Both schedulers share one connection
 * pool.
 *
 * <p>{@link #timed()} is the same pool seen through connections that note, per thread, when the
 * last commit came back ({@link #lastCommitNanos()}): an explicit {@code commit()}, or a
 * statement run in autocommit mode. That instant is when a task became ready (or done) for both
 * schedulers alike, without touching either one's code.
 */
final class BenchDatabase implements AutoCloseable {

    static final String NAME = "bench_taskdb";
    static final String HOST = System.getProperty("bento.bench.pg.host", "127.0.0.1");
    static final int PORT = Integer.getInteger("bento.bench.pg.port", 5432);
    /** The pool's plan_cache_mode: the server's, unless a run asks for another. */
    static final String PLAN_CACHE_MODE = System.getProperty("bench.plan_cache_mode", TaskDb.PLAN_CACHE_MODE);

    /** One pool for both schedulers, the size of Payara's default JDBC pool. */
    static final int POOL_SIZE = 32;

    private static final ThreadLocal<long[]> LAST_COMMIT = ThreadLocal.withInitial(() -> new long[1]);

    /**
     * db-scheduler's table for PostgreSQL as its documentation gives it
     * ({@code db-scheduler/src/test/resources/postgresql_tables.sql} of v16.12.0).
     */
    private static final String DB_SCHEDULER_DDL = """
            CREATE TABLE scheduled_tasks (
              task_name text NOT NULL,
              task_instance text NOT NULL,
              task_data bytea,
              execution_time timestamp with time zone NOT NULL,
              picked boolean NOT NULL,
              picked_by text,
              last_success timestamp with time zone,
              last_failure timestamp with time zone,
              consecutive_failures int,
              last_heartbeat timestamp with time zone,
              version bigint NOT NULL,
              priority smallint,
              PRIMARY KEY (task_name, task_instance)
            );
            CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);
            CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
            CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC);
            """;

    /**
     * db-scheduler has no dependencies between tasks: the dag cell gives it this table, one row
     * per task still waiting for parents (see {@link DbSchedulerAnchor}).
     */
    private static final String DAG_EMULATION_DDL = """
            CREATE TABLE bench_dag_waiting (
              job int NOT NULL,
              task text NOT NULL,
              waiting_on int NOT NULL,
              PRIMARY KEY (job, task)
            );
            """;

    private final HikariDataSource pool;
    private final DataSource timed;
    private final String serverVersion;

    private BenchDatabase(HikariDataSource pool, String serverVersion) {
        this.pool = pool;
        this.timed = timing(pool);
        this.serverVersion = serverVersion;
    }

    /** Drops a leftover {@code bench_taskdb}, creates it afresh and sets up both schedulers' tables. */
    static BenchDatabase create() throws SQLException {
        String version;
        try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + NAME + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + NAME);
            try (ResultSet rs = s.executeQuery("SHOW server_version")) {
                rs.next();
                version = rs.getString(1);
            }
        } catch (SQLException e) {
            throw new SQLException("cannot create database " + NAME + " on PostgreSQL at " + HOST + ":" + PORT
                    + " (start it with: pg_ctlcluster --skip-systemctl-redirect 15 main start): " + e.getMessage(), e);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url(NAME));
        config.setUsername("postgres");
        config.setPassword("");
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        config.setPoolName("bench");
        config.addDataSourceProperty("ApplicationName", "bento-bench");
        // Custom plans and no JIT, as on the server's pool (TaskDb.CONNECTION_OPTIONS says why);
        // db-scheduler shares the pool. -Dbench.plan_cache_mode=auto (in BENCH_JAVA_OPTS) measures
        // PostgreSQL's default, and -Dbench.pg_options=~-c~name=value (~ for spaces) adds
        // settings, auto_explain's say.
        config.addDataSourceProperty("options", TaskDb.connectionOptions(PLAN_CACHE_MODE)
                + System.getProperty("bench.pg_options", "").replace('~', ' '));
        BenchDatabase db = new BenchDatabase(new HikariDataSource(config), version);
        TaskDbSchema.migrate(db.pool);
        db.execute(DB_SCHEDULER_DDL);
        db.execute(DAG_EMULATION_DDL);
        return db;
    }

    static String url(String database) {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
    }

    /** The pool, as both schedulers get it. */
    DataSource dataSource() {
        return pool;
    }

    /** The pool through connections that note their commits ({@link #lastCommitNanos()}). */
    DataSource timed() {
        return timed;
    }

    String serverVersion() {
        return serverVersion;
    }

    /** System.nanoTime() just after this thread's last commit through {@link #timed()} returned. */
    static long lastCommitNanos() {
        return LAST_COMMIT.get()[0];
    }

    /**
     * When the TaskDB call this thread sent at {@code sent} committed: its own commit if it made
     * one since, else now. TaskDB combines results reported at the same time into one batch,
     * committed on the thread of the first ({@code Combiner}); the others are answered just after
     * that commit, so for them this is later than the commit by one thread wake-up.
     */
    static long committedSince(long sent) {
        long last = lastCommitNanos();
        return last >= sent ? last : System.nanoTime();
    }

    /**
     * Empties every table of both schedulers, so that each run starts from the same state. TaskDB
     * caches stream ids, so a new {@code TaskDb} is needed after this.
     */
    void reset() {
        execute("TRUNCATE task_deps, tasks, jobs, streams RESTART IDENTITY CASCADE");
        execute("TRUNCATE scheduled_tasks, bench_dag_waiting");
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
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** n_dead_tup of the given tables (pg_stat_user_tables: updated about once a second). */
    Map<String, Object> deadTuples(String... tables) {
        Map<String, Object> dead = new LinkedHashMap<>();
        for (String t : tables) {
            dead.put(t, queryLong("SELECT coalesce((SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = '"
                    + t + "'), 0)"));
        }
        return dead;
    }

    /** A connection outside the pool (the soak cell's idle transaction). */
    Connection openUnpooled() throws SQLException {
        return DriverManager.getConnection(url(NAME), "postgres", "");
    }

    @Override
    public void close() throws SQLException {
        pool.close();
        try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + NAME + " WITH (FORCE)");
        }
    }

    // ---------------------------------------------------------------------------------------
    // Commit times

    private static DataSource timing(DataSource target) {
        return new DataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                return timingConnection(target.getConnection());
            }

            @Override
            public Connection getConnection(String user, String password) throws SQLException {
                return timingConnection(target.getConnection(user, password));
            }

            @Override
            public PrintWriter getLogWriter() throws SQLException {
                return target.getLogWriter();
            }

            @Override
            public void setLogWriter(PrintWriter out) throws SQLException {
                target.setLogWriter(out);
            }

            @Override
            public void setLoginTimeout(int seconds) throws SQLException {
                target.setLoginTimeout(seconds);
            }

            @Override
            public int getLoginTimeout() throws SQLException {
                return target.getLoginTimeout();
            }

            @Override
            public Logger getParentLogger() throws SQLFeatureNotSupportedException {
                return target.getParentLogger();
            }

            @Override
            public <T> T unwrap(Class<T> iface) throws SQLException {
                return target.unwrap(iface);
            }

            @Override
            public boolean isWrapperFor(Class<?> iface) throws SQLException {
                return target.isWrapperFor(iface);
            }
        };
    }

    private static Connection timingConnection(Connection physical) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    Object result = invoke(physical, method, args);
                    String name = method.getName();
                    if (name.equals("commit")) {
                        LAST_COMMIT.get()[0] = System.nanoTime();
                    } else if (result instanceof Statement s
                            && (name.equals("prepareStatement") || name.equals("createStatement")
                            || name.equals("prepareCall"))) {
                        return timingStatement(physical, s);
                    }
                    return result;
                });
    }

    private static Statement timingStatement(Connection physical, Statement statement) {
        Class<?> type = statement instanceof CallableStatement ? CallableStatement.class
                : statement instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
        return (Statement) Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    Object result = invoke(statement, method, args);
                    if (method.getName().startsWith("execute") && physical.getAutoCommit()) {
                        LAST_COMMIT.get()[0] = System.nanoTime();
                    }
                    return result;
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
