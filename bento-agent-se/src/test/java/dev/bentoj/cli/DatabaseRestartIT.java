package dev.bentoj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bentoj.agent.Agent;
import dev.bentoj.agent.TaskHandler;
import dev.bentoj.agent.TaskHandlers;
import dev.bentoj.agent.WorkClient;
import dev.bentoj.agent.proving.ProofSettings;
import dev.bentoj.embedded.EmbeddedPostgres;
import dev.bentoj.storage.control.Intermediates;
import dev.bentoj.storage.control.ObjectStore;
import dev.bentoj.zkvm.elf.ElfLoader;
import dev.bentoj.zkvm.exec.Executor;
import dev.bentoj.zkvm.exec.ExecutorOptions;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.image.MemoryImage;
import dev.bentoj.zkvm.receipt.ExpectedExitCode;
import dev.bentoj.zkvm.receipt.Receipt;
import dev.bentoj.zkvm.receipt.ReceiptCodec;
import dev.bentoj.zkvm.receipt.Verifier;
import dev.bentoj.zkvm.stark.VerifierPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * PostgreSQL really restarted (postmaster stopped, down for a few seconds, started again on the
 * same data and port) in the middle of a load on the whole cluster: no task is lost, none is
 * completed twice, and the server and the agents recover by themselves.
 *
 * <p>The TaskDB is a PostgreSQL of this test's own ({@link EmbeddedPostgres}, its own data
 * directory and port), handed to the server through {@code BENTO_DB_URL}, so that stopping it
 * touches nothing else on the machine: not the shared PostgreSQL that other builds use, and not
 * the embedded one the cluster starts beside Redis and S3Proxy, which stays idle. The server is
 * Payara Micro as deployed; the agents are threads of this JVM with the real handlers, each
 * wrapped to record which attempt of which task the server accepted as done.
 *
 * <p>The load: one proving session at po2 16 with the insecure test parameters, whose Prove task
 * is running when PostgreSQL goes down (its lease outlasts the outage: the proof is not thrown
 * away), and a batch of execute-only sessions, a few done, some running and the rest waiting at
 * the restart. The outage outlasts the executor's lease, so an attempt caught by it is usually
 * requeued by the lease reaper before its agent gets through again: its late result or
 * heartbeat must then be refused and the task re-run, never completed twice. Which attempts
 * end so depends on timing; the checks hold for every outcome.
 */
class DatabaseRestartIT {
    /** The proving session's guest input: fib(1000), one segment of 2^16 rows. */
    private static final int FIB_PROVEN = 1000;
    /** Each execute-only session: ~33 M cycles, a few tenths of a second of a core. */
    private static final int FIB_EXECUTED = 3_000_000;
    private static final int EXECUTE_ONLY_SESSIONS = 16;
    /** Execute-only sessions done before the restart: the load is under way, not over. */
    private static final int DONE_BEFORE_RESTART = 3;
    /** Lease of the init tasks (heartbeats every second): shorter than the outage. */
    private static final int EXEC_LEASE_SECONDS = 5;
    /** How long PostgreSQL stays down: longer than an executor's lease, far shorter than a prover's. */
    private static final Duration OUTAGE = Duration.ofSeconds(8);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dataDir;

    private static Path taskDbData;
    private static int taskDbPort;
    /** The TaskDB's PostgreSQL: replaced by a new server process on the same data at the restart. */
    private static EmbeddedPostgres taskDb;
    private static EmbeddedCluster cluster;
    private static BonsaiClient client;
    /** Prove, Join, Resolve and Finalize leases of 60 s: a proof in progress survives the outage. */
    private static final ProofSettings SETTINGS = ProofSettings.secure().withInsecure(true).withTaskLeaseSeconds(60);

    /** Per task ("job/task"), each attempt an agent claimed. */
    private final Map<String, List<Integer>> claimed = new ConcurrentHashMap<>();
    /** Per task, each attempt whose handler produced a result, which its agent then reports. */
    private final Map<String, List<Integer>> produced = new ConcurrentHashMap<>();
    /** Per task, each attempt whose result the server recorded as the task's completion. */
    private final Map<String, List<Integer>> accepted = new ConcurrentHashMap<>();
    /** When each result was produced, to tell those of the outage. */
    private final List<Long> producedAt = new CopyOnWriteArrayList<>();
    private final List<Agent> agents = new ArrayList<>();
    private final List<Thread> agentThreads = new ArrayList<>();
    private final AtomicReference<Throwable> escaped = new AtomicReference<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void startClusterOnAPrivateTaskDb() throws Exception {
        taskDbData = dataDir.resolve("taskdb");
        taskDb = EmbeddedPostgres.start(taskDbData);
        taskDbPort = taskDb.port();
        long t0 = System.nanoTime();
        cluster = EmbeddedCluster.start(dataDir, freePort(), 0, false, Duration.ofSeconds(240),
                line -> System.out.println("cluster: " + line),
                Map.of("BENTO_DB_URL", "jdbc:postgresql://127.0.0.1:" + taskDbPort + "/" + EmbeddedPostgres.DATABASE,
                        "BENTO_SEGMENT_PO2", "16",
                        "BENTO_EXEC_LEASE_SECONDS", Integer.toString(EXEC_LEASE_SECONDS)),
                SETTINGS);
        System.out.printf("cluster up in %.1f s, TaskDB on port %d%n", (System.nanoTime() - t0) / 1e9, taskDbPort);
        client = new BonsaiClient(cluster.apiUrl(), cluster.apiKey());
    }

    @AfterAll
    static void stopEverything() {
        if (cluster != null) {
            cluster.close();
        }
        if (taskDb != null) {
            taskDb.close();
        }
        try {
            Path log = dataDir.resolve("server.log");
            if (Files.exists(log)) {
                Files.createDirectories(Path.of("target"));
                Files.copy(log, Path.of("target", "DatabaseRestartIT-server.log"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("could not keep the server log: " + e);
        }
    }

    @AfterEach
    void stopAgents() throws Exception {
        for (Agent a : agents) {
            a.stop(Duration.ofSeconds(5));
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    @Test
    void aPostgresRestartMidLoadLosesNoTaskCompletesNoneTwiceAndEveryoneRecoversAlone() throws Exception {
        long t0 = System.nanoTime();
        agent("executor-1", List.of("exec", "join", "aux"));
        agent("executor-2", List.of("exec", "join", "aux"));
        agent("prover", List.of("prove"));

        byte[] fib = GuestFiles.example("fibonacci");
        String fibImage = MemoryImage.of(ElfLoader.load(fib)).imageId().toHex();
        client.uploadImage(fibImage, fib);
        String proving = client.createSession(fibImage, client.uploadInput(u32(FIB_PROVEN)), false);
        String executeInput = client.uploadInput(u32(FIB_EXECUTED));
        List<String> executing = new ArrayList<>();
        for (int i = 0; i < EXECUTE_ONLY_SESSIONS; i++) {
            executing.add(client.createSession(fibImage, executeInput, true));
        }
        List<UUID> jobs = new ArrayList<>();
        jobs.add(UUID.fromString(proving));
        executing.forEach(s -> jobs.add(UUID.fromString(s)));

        // The restart, once the proof is under way and a few execute-only sessions are done.
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!(taskState(proving, "0").equals("running") && doneCount(executing) >= DONE_BEFORE_RESTART)) {
            assertTrue(System.nanoTime() < deadline, "the load never got going: prove task "
                    + taskState(proving, "0") + ", execute-only sessions done " + doneCount(executing));
            Thread.sleep(50);
        }
        int doneBefore = doneCount(executing);
        assertTrue(doneBefore < EXECUTE_ONLY_SESSIONS, "the load was over before the restart");
        long runningBefore;
        try (Connection c = DriverManager.getConnection(taskDb.jdbcUrl())) {
            runningBefore = queryLong(c, "SELECT count(*) FROM tasks WHERE state = 'running'");
        }
        long stopped = System.nanoTime();
        taskDb.close(); // pg_ctl stop -m fast: every session of the server is cut
        System.out.printf("PostgreSQL stopped after %.1f s of load: %d of %d execute-only sessions done, %d tasks"
                + " running%n", (stopped - t0) / 1e9, doneBefore, EXECUTE_ONLY_SESSIONS, runningBefore);
        HttpResponse<String> down = health();
        assertEquals(503, down.statusCode(), "readiness while PostgreSQL is down: " + down.body());
        assertEquals("DOWN", check(down, "postgresql").path("status").asText(), down.body());
        // The Bonsai API says so too (the API key is checked against the database first): a 503 a
        // client can retry, not a 500.
        HttpResponse<String> api = HTTP.send(HttpRequest.newBuilder(
                        URI.create(cluster.apiUrl() + "/sessions/status/" + proving))
                .header("x-api-key", cluster.apiKey()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(503, api.statusCode(), "session status while PostgreSQL is down: " + api.body());
        Thread.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - stopped) / 1_000_000));
        taskDb = EmbeddedPostgres.start(taskDbData, taskDbPort);
        long restarted = System.nanoTime();
        System.out.printf("PostgreSQL down for %.1f s, started again on port %d%n", (restarted - stopped) / 1e9,
                taskDbPort);

        // The server is ready again without help: its pool renews its connections.
        HttpResponse<String> up;
        long readyDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while ((up = health()).statusCode() != 200) {
            assertTrue(System.nanoTime() < readyDeadline, "the server is still not ready 60 s after PostgreSQL"
                    + " came back: " + up.body());
            Thread.sleep(200);
        }
        System.out.printf("server ready %.1f s after PostgreSQL came back%n", (System.nanoTime() - restarted) / 1e9);
        assertEquals("UP", check(up, "postgresql").path("status").asText(), up.body());

        // Every session ends SUCCEEDED, with the journal of the same guest run in this JVM.
        byte[] executedJournal = journalOf(fib, u32(FIB_EXECUTED));
        for (String s : executing) {
            JsonNode status = awaitEnd(s, Duration.ofSeconds(120));
            assertEquals("SUCCEEDED", status.path("status").asText(), s + ": " + status);
            assertArrayEquals(executedJournal, client.journal(s), s);
        }
        System.out.printf("execute-only sessions all SUCCEEDED %.1f s after the restart%n",
                (System.nanoTime() - restarted) / 1e9);
        JsonNode proven = awaitEnd(proving, Duration.ofMinutes(4));
        assertEquals("SUCCEEDED", proven.path("status").asText(), proven.toString());
        Receipt receipt = ReceiptCodec.decode(client.download(proven.path("receipt_url").asText()));
        Verifier.verify(receipt, Digest.fromHex(fibImage), VerifierPolicy.insecureForTests(), ExpectedExitCode.SUCCESS);
        assertArrayEquals(journalOf(fib, u32(FIB_PROVEN)), receipt.journal());
        System.out.printf("proving session SUCCEEDED %.1f s after the restart%n", (System.nanoTime() - restarted) / 1e9);

        // A session submitted now runs on the same server and agents, restarted by nobody.
        byte[] hello = GuestFiles.example("hello");
        String helloImage = MemoryImage.of(ElfLoader.load(hello)).imageId().toHex();
        client.uploadImage(helloImage, hello);
        String after = client.createSession(helloImage, client.uploadInput(new byte[0]), true);
        jobs.add(UUID.fromString(after));
        JsonNode afterStatus = client.awaitEnd(after, Duration.ofSeconds(60));
        assertEquals("SUCCEEDED", afterStatus.path("status").asText(), afterStatus.toString());
        assertEquals("hello, world", new String(client.journal(after), StandardCharsets.UTF_8));

        assertNoTaskLostNoneCompletedTwice(jobs);
        for (Thread t : agentThreads) {
            assertTrue(t.isAlive(), t.getName() + " ended");
        }
        assertNull(escaped.get(), "an exception escaped an agent's loop: " + escaped.get());
        long duringOutage = producedAt.stream().filter(t -> t > stopped && t < restarted).count();
        long retried = claimed.values().stream().filter(a -> a.size() > 1).count();
        long superseded = produced.values().stream().mapToLong(List::size).sum() - accepted.size();
        System.out.printf("agents: %d result(s) produced while PostgreSQL was down, %d task(s) claimed more than"
                + " once, %d result(s) of superseded attempts never counted; whole test %.1f s%n", duringOutage,
                retried, superseded, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Against the TaskDB itself: every task of every job is done, and the server recorded the
     * result of exactly one attempt, the one the task is done at (a late result of a superseded
     * attempt was refused, or dropped by its agent once a heartbeat was refused); counters are
     * exact; no task started before a prerequisite finished (a completion counted twice would
     * have released its dependents early, or driven a counter below zero).
     */
    private void assertNoTaskLostNoneCompletedTwice(List<UUID> jobs) throws Exception {
        try (Connection c = DriverManager.getConnection(taskDb.jdbcUrl())) {
            UUID[] ids = jobs.toArray(UUID[]::new);
            // An agent hears that its result was recorded a moment after the session shows it.
            long total = queryLong(c, "SELECT count(*) FROM tasks");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (accepted.size() < total && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            int tasks = 0;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT job_id, task_id, state, attempt FROM tasks WHERE job_id = ANY (?)")) {
                ps.setArray(1, c.createArrayOf("uuid", ids));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String task = rs.getString(1) + "/" + rs.getString(2);
                        assertEquals("done", rs.getString(3), task);
                        assertEquals(List.of(rs.getInt(4)), accepted.get(task),
                                task + " is done at attempt " + rs.getInt(4) + "; completions accepted: "
                                        + accepted.get(task) + ", claims: " + claimed.get(task));
                        tasks++;
                    }
                }
            }
            assertEquals(tasks, accepted.size(), "completions accepted for tasks the TaskDB does not hold: "
                    + accepted.keySet());
            assertTrue(tasks >= jobs.size() + 3, "the proving session's tasks are missing: " + tasks);
            assertEquals(0, queryLong(c, "SELECT count(*) FROM jobs WHERE state <> 'succeeded' OR remaining <> 0"));
            assertEquals(jobs.size(), queryLong(c, "SELECT count(*) FROM jobs"), "jobs nobody created");
            assertEquals(0, queryLong(c, "SELECT count(*) FROM tasks WHERE state <> 'done'"));
            assertEquals(0, queryLong(c, "SELECT coalesce(sum(running), 0) FROM stream_counts"), "stream counters exact");
            assertEquals(0, queryLong(c, """
                    SELECT count(*) FROM task_deps d
                    JOIN tasks pre ON pre.job_id = d.job_id AND pre.task_id = d.pre_task_id
                    JOIN tasks post ON post.job_id = d.job_id AND post.task_id = d.post_task_id
                    WHERE post.started_at < pre.finished_at
                    """), "a task started before its prerequisite finished");
            System.out.printf("TaskDB after the restart: %d jobs, %d tasks, all done once%n", jobs.size(), tasks);
        }
    }

    // -------------------------------------------------------------------------------- helpers

    /** An agent on a thread of this JVM, serving {@code types} with the real handlers, recorded. */
    private void agent(String id, List<String> types) {
        ObjectStore objects = ObjectStore.open(cluster.s3Url(), EmbeddedCluster.BUCKET, cluster.s3AccessKey(),
                cluster.s3SecretKey());
        Intermediates redis = new Intermediates(cluster.redisUrl());
        closeables.add(objects);
        closeables.add(redis);
        WorkClient work = new WorkClient(URI.create(cluster.apiUrl()), cluster.workerToken());
        Map<String, TaskHandler> handlers = new HashMap<>();
        TaskHandlers.of(types, objects, redis, work, SETTINGS).forEach((type, h) -> handlers.put(type, recorded(h)));
        Agent agent = new Agent(work, id, handlers, Duration.ofSeconds(2));
        Thread t = new Thread(() -> {
            try {
                agent.run();
            } catch (Throwable e) {
                escaped.set(e);
            }
        }, "test-" + id);
        t.setDaemon(true);
        t.start();
        agents.add(agent);
        agentThreads.add(t);
    }

    private TaskHandler recorded(TaskHandler handler) {
        return new TaskHandler() {
            @Override
            public JsonNode run(WorkClient.Claim claim, BooleanSupplier cancelled) throws TaskFailure {
                record(claimed, claim);
                JsonNode output = handler.run(claim, cancelled);
                record(produced, claim);
                producedAt.add(System.nanoTime());
                return output;
            }

            @Override
            public void committed(WorkClient.Claim claim) {
                record(accepted, claim);
                handler.committed(claim);
            }
        };
    }

    private static void record(Map<String, List<Integer>> attempts, WorkClient.Claim claim) {
        attempts.computeIfAbsent(claim.jobId() + "/" + claim.taskId(), k -> new CopyOnWriteArrayList<>())
                .add(claim.attempt());
    }

    /** The journal of {@code elf} run on {@code input} by the executor in this JVM. */
    private static byte[] journalOf(byte[] elf, byte[] input) {
        return new Executor(ElfLoader.load(elf), input, ExecutorOptions.defaults()).run().journal();
    }

    /** Polls until the session leaves RUNNING; answers other than 2xx (the database away) are waited out. */
    private static JsonNode awaitEnd(String session, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                JsonNode s = client.status(session);
                if (!"RUNNING".equals(s.path("status").asText())) {
                    return s;
                }
                if (System.nanoTime() > deadline) {
                    fail(session + " still running after " + timeout + ": " + s);
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(200);
        }
    }

    /** The task's state in the TaskDB, or "absent". */
    private static String taskState(String job, String task) throws SQLException {
        try (Connection c = DriverManager.getConnection(taskDb.jdbcUrl());
             PreparedStatement ps = c.prepareStatement("SELECT state FROM tasks WHERE job_id = ? AND task_id = ?")) {
            ps.setObject(1, UUID.fromString(job));
            ps.setString(2, task);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "absent";
            }
        }
    }

    private static int doneCount(List<String> jobs) throws SQLException {
        try (Connection c = DriverManager.getConnection(taskDb.jdbcUrl());
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM jobs WHERE id = ANY (?) AND state = 'succeeded'")) {
            ps.setArray(1, c.createArrayOf("uuid", jobs.stream().map(UUID::fromString).toArray(UUID[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static long queryLong(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static HttpResponse<String> health() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(cluster.apiUrl() + "/health/ready"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode check(HttpResponse<String> health, String name) throws IOException {
        for (JsonNode c : JSON.readTree(health.body()).path("checks")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no health check named " + name + " in " + health.body());
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
