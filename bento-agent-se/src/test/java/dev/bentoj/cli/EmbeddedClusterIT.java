package dev.bentoj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bentoj.agent.Agent;
import dev.bentoj.agent.ExecuteTask;
import dev.bentoj.agent.TaskHandler;
import dev.bentoj.agent.WorkClient;
import dev.bentoj.storage.control.ObjectStore;
import dev.bentoj.zkvm.elf.ElfLoader;
import dev.bentoj.zkvm.exec.ExecutionResult;
import dev.bentoj.zkvm.exec.Executor;
import dev.bentoj.zkvm.exec.ExecutorOptions;
import dev.bentoj.zkvm.image.MemoryImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The agent against a whole embedded cluster (PostgreSQL, Redis, S3Proxy, the server in Payara
 * Micro), booted once for the class with API keys required and no agents of its own: each test
 * runs the agents it needs, on threads of this JVM, each with its own object store client, and
 * records every task its handler ran (session, attempt from the claim, outcome).
 *
 * <p>The server runs with a 9 s lease on the executor task ({@code BENTO_EXEC_LEASE_SECONDS}),
 * so agents heartbeat every 3 s and learn of a stopped session within that.
 */
class EmbeddedClusterIT {
    private static final int LEASE_SECONDS = 9;
    /**
     * fib(n) runs ~11 cycles per iteration: ~330 M cycles, 2 to 4 s on this 2-core machine once
     * the executor is compiled (~100 to 150 M cycles/s), far longer than a 500 ms grace.
     */
    private static final int FIB_LONG = 30_000_000;
    /** Never meant to finish: ~3.9 G cycles (under the server's 2^32 limit), stopped long before. */
    private static final int FIB_ENDLESS = 350_000_000;
    /** Long enough (~1 G cycles) to be killed mid-run, short enough to finish afterwards. */
    private static final int FIB_KILLED = 90_000_000;

    @TempDir
    static Path dataDir;

    private static EmbeddedCluster cluster;
    private static BonsaiClient client;
    /** Every record the agent package logs, for the tests that check what an agent said. */
    private static final List<LogRecord> agentLog = new CopyOnWriteArrayList<>();
    private static final Logger AGENT_LOGGER = Logger.getLogger("dev.bentoj.agent");
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord r) {
            agentLog.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void startCluster() throws Exception {
        AGENT_LOGGER.setLevel(java.util.logging.Level.INFO);
        AGENT_LOGGER.addHandler(CAPTURE);
        long t0 = System.nanoTime();
        cluster = EmbeddedCluster.start(dataDir, freePort(), 0, false, Duration.ofSeconds(240),
                line -> System.out.println("cluster: " + line),
                Map.of("BENTO_EXEC_LEASE_SECONDS", Integer.toString(LEASE_SECONDS)));
        System.out.printf("cluster up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertFalse(cluster.apiKey().isEmpty(), "API keys are required unless the cluster is open");
        client = new BonsaiClient(cluster.apiUrl(), cluster.apiKey());
    }

    @AfterAll
    static void stopCluster() {
        AGENT_LOGGER.removeHandler(CAPTURE);
        if (cluster != null) {
            cluster.close();
        }
        // The data folder goes with the test; keep the server's log for a look after a failure.
        try {
            Path log = dataDir.resolve("server.log");
            if (Files.exists(log)) {
                Files.createDirectories(Path.of("target"));
                Files.copy(log, Path.of("target", "EmbeddedClusterIT-server.log"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("could not keep the server log: " + e);
        }
    }

    // ---------------------------------------------------------------------------------- tests

    /** A guest, its input, and what the session must give back (null: it must fail). */
    private record Case(String guest, byte[] input, Long cycleLimit, byte[] expectedJournal, String expectedLog) {
    }

    /** {@code bento admin …} against the cluster, with the admin token {@code bento up} prints. */
    @Test
    void theAdminCommandsSetStreamPrioritiesAndIssueAndRevokeKeys() throws Exception {
        String[] api = {"--api", cluster.apiUrl(), "--admin-token", cluster.adminToken()};
        JsonNode set = adminJson(concat(new String[] {"admin", "set-stream", "cli-user", "prove", "--reserved", "2",
                "--multiplier", "3"}, api));
        assertEquals(2, set.get("reserved").asInt(), set.toString());
        assertEquals(3.0, set.get("multiplier").asDouble(), set.toString());
        JsonNode streams = adminJson(concat(new String[] {"admin", "streams", "cli-user"}, api));
        assertEquals(5, streams.get("streams").size(), streams.toString());

        JsonNode issued = adminJson(concat(new String[] {"admin", "issue-key", "cli-user", "--label", "it"}, api));
        String key = issued.get("key").asText();
        new BonsaiClient(cluster.apiUrl(), key).uploadInput(new byte[0]); // the key works
        JsonNode reserved = adminJson(concat(new String[] {"admin", "issue-key", "cli-broker", "--key", "v1:reserved:5"}, api));
        assertEquals(5, reserved.get("reserved").asInt(), reserved.toString());
        JsonNode brokerStreams = adminJson(concat(new String[] {"admin", "streams", "cli-broker"}, api));
        brokerStreams.get("streams").forEach(st -> assertEquals(5, st.get("reserved").asInt(), brokerStreams.toString()));

        // Revoked by the key in clear: the command sends only its hash.
        JsonNode revoked = adminJson(concat(new String[] {"admin", "revoke-key", key}, api));
        assertEquals(issued.get("hash_prefix").asText(), revoked.get("hash_prefix").asText(), revoked.toString());
        IOException refused = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> new BonsaiClient(cluster.apiUrl(), key).uploadInput(new byte[0]));
        assertTrue(refused.getMessage().contains("401"), refused.getMessage());

        int status = Bento.commandLine().execute("admin", "streams", "cli-user", "--api", cluster.apiUrl(),
                "--admin-token", "wrong");
        assertEquals(1, status, "a wrong admin token is a one-line error and status 1");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** Runs a {@code bento admin} command in this JVM; its one line of JSON. */
    private static JsonNode adminJson(String... args) throws Exception {
        java.io.PrintStream out = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
            status = Bento.commandLine().execute(args);
        } finally {
            System.setOut(out);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, String.join(" ", args) + " → " + text);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
    }

    @Test
    void everyExampleGuestRunsAsAnExecuteOnlySession() throws Exception {
        byte[] data = new byte[100 * 1024 + 7];
        new Random(7).nextBytes(data);
        int fibN = 1000;
        int mib = 2;
        Map<String, Case> cases = new LinkedHashMap<>();
        cases.put("hello", new Case("hello", new byte[0], null,
                "hello, world".getBytes(StandardCharsets.US_ASCII), "hello from the guest\n"));
        cases.put("sha256", new Case("sha256", data, null, MessageDigest.getInstance("SHA-256").digest(data), ""));
        cases.put("fibonacci", new Case("fibonacci", u32(fibN), null, fibJournal(fibN),
                String.format("fib(%d) mod 2^64 = 0x%016x\n", fibN, fibonacci(fibN))));
        cases.put("bigmem", new Case("bigmem", u32(mib), null, bigmemJournal(mib), ""));
        cases.put("exit7", new Case("exit7", new byte[0], null, null, "exit7: exiting with code 7\n"));
        // ~11 M cycles against a limit of 1 × 2^20.
        cases.put("cycle-limit", new Case("fibonacci", u32(1_000_000), 1L, null, null));

        try (TestAgent a = new TestAgent("agent-1", cluster.apiUrl()); TestAgent b = new TestAgent("agent-2", cluster.apiUrl())) {
            Map<String, String> sessions = new LinkedHashMap<>();
            for (Map.Entry<String, Case> e : cases.entrySet()) {
                Case c = e.getValue();
                sessions.put(e.getKey(), submit(c.guest(), c.input(), c.cycleLimit()));
            }
            for (Map.Entry<String, Case> e : cases.entrySet()) {
                String name = e.getKey();
                Case c = e.getValue();
                String session = sessions.get(name);
                JsonNode status = client.awaitEnd(session, Duration.ofSeconds(60));
                if (c.expectedJournal() != null) {
                    assertEquals("SUCCEEDED", status.path("status").asText(), name + ": " + status);
                    assertTrue(status.path("error_msg").isNull() || status.path("error_msg").isMissingNode(), name + ": " + status);
                    assertTrue(status.path("elapsed_time").isNumber() && status.path("elapsed_time").asDouble() >= 0, name + ": " + status);
                    // The journal the host computes itself, and the stats of the same run in this JVM.
                    assertArrayEquals(c.expectedJournal(), client.journal(session), name);
                    ExecutionResult local = runLocally(c.guest(), c.input());
                    assertArrayEquals(local.journal(), c.expectedJournal(), name + ": local run");
                    JsonNode stats = status.path("stats");
                    assertEquals(local.segments(), stats.path("segments").asLong(), name + ": " + status);
                    assertEquals(local.totalCycles(), stats.path("total_cycles").asLong(), name + ": " + status);
                    assertEquals(local.userCycles(), stats.path("cycles").asLong(), name + ": " + status);
                    assertTrue(stats.path("cycles").asLong() > 0, name + ": " + status);
                } else {
                    assertEquals("FAILED", status.path("status").asText(), name + ": " + status);
                    assertTrue(status.path("stats").isNull() || status.path("stats").isMissingNode(), name + ": " + status);
                }
                if (c.expectedLog() != null) {
                    assertEquals(c.expectedLog(), new String(client.logs(session), StandardCharsets.UTF_8), name);
                }
                // Each session's one task was claimed once, at attempt 1, by one of the agents.
                List<Run> runs = new ArrayList<>(a.runsOf(session));
                runs.addAll(b.runsOf(session));
                assertEquals(1, runs.size(), name + ": " + runs);
                assertEquals(1, runs.get(0).attempt, name);
            }
            String exit7 = client.status(sessions.get("exit7")).path("error_msg").asText();
            assertTrue(exit7.contains("guest exited with code 7"), exit7);
            String limit = client.status(sessions.get("cycle-limit")).path("error_msg").asText();
            assertTrue(Pattern.compile("guest fault at pc 0x[0-9a-f]{8}: cycle limit of 1048576 cycles exceeded")
                    .matcher(limit).find(), limit);
            assertEquals(0, a.escaped() + b.escaped());
        }
    }

    @Test
    void anAgentStoppedWithAShortGraceHandsItsTaskBackAndAnotherFinishesIt() throws Exception {
        String session = submit("fibonacci", u32(FIB_LONG), null);
        try (TestAgent a = new TestAgent("agent-a", cluster.apiUrl())) {
            Run ra = a.awaitRun(session, Duration.ofSeconds(30));
            assertEquals(1, ra.attempt);
            assertNull(ra.outcome, "the task must still run when the agent is stopped");
            long t0 = System.nanoTime();
            a.agent.stop(Duration.ofMillis(500));
            long stopMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(stopMs >= 500 && stopMs < 5_000, "stop(500 ms) took " + stopMs + " ms");
            // The handler saw the cancel flag at its next segment and stopped; the loop ended.
            assertTrue(ra.ended.await(10, TimeUnit.SECONDS), "agent A's task still running after the hand-back");
            assertEquals("failed: cancelled", ra.outcome);
            a.thread.join(10_000);
            assertFalse(a.thread.isAlive(), "agent A's loop did not end after stop");
            JsonNode status = client.status(session);
            assertEquals("RUNNING", status.path("status").asText(), "a handed-back task is retried: " + status);
            assertTrue(agentLog.stream().anyMatch(r -> r.getMessage().equals(session + "/init: agent stopping, handing the task back")));
            long stopped = System.nanoTime();

            try (TestAgent b = new TestAgent("agent-b", cluster.apiUrl())) {
                Run rb = b.awaitRun(session, Duration.ofSeconds(30));
                assertEquals(2, rb.attempt, "agent B claims the task's second attempt");
                // Handed back, it is ready again after the 1 s retry back-off, not after its lease.
                long claimedMs = (rb.startedNanos - stopped) / 1_000_000;
                System.out.println("agent B claimed the handed-back task " + claimedMs + " ms after agent A stopped");
                assertTrue(claimedMs < 5_000, "agent B claimed the task " + claimedMs + " ms after the hand-back");
                status = client.awaitEnd(session, Duration.ofSeconds(90));
                assertEquals("SUCCEEDED", status.path("status").asText(), status.toString());
                assertTrue(rb.ended.await(10, TimeUnit.SECONDS));
                assertEquals("done", rb.outcome);
                assertArrayEquals(fibJournal(FIB_LONG), client.journal(session));
                assertEquals(1, b.runsOf(session).size());
                assertEquals(0, b.escaped());
            }
            assertEquals(1, a.runsOf(session).size(), "agent A claims nothing after stop");
            assertEquals(0, a.escaped());
        }
    }

    /**
     * The process-level fault of issue 3: an agent process killed with SIGKILL in the middle of
     * a long guest sends nothing more; its lease expires, the reaper requeues the task, and
     * another agent finishes the session.
     */
    @Test
    void anAgentProcessKilledMidTaskIsReplacedAfterItsLease() throws Exception {
        String session = submit("fibonacci", u32(FIB_KILLED), null);
        Path jar = Path.of("target", "bento-agent-se.jar").toAbsolutePath();
        assertTrue(Files.exists(jar), "the agent jar is built in the package phase: " + jar);
        Process agent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar.toString(), "agent",
                "--api", cluster.apiUrl(), "--types", "exec", "--worker-id", "doomed-agent",
                "--worker-token", cluster.workerToken(), "--s3-url", cluster.s3Url(),
                "--s3-bucket", EmbeddedCluster.BUCKET, "--s3-access-key", cluster.s3AccessKey(),
                "--s3-secret-key", cluster.s3SecretKey(), "--redis-url", cluster.redisUrl(), "--poll-seconds", "2")
                .redirectErrorStream(true).start();
        try {
            // Its log line says when it has claimed the task and started the guest.
            CompletableFuture<Boolean> started = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(agent.getInputStream()))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.contains(session + "/init (exec, attempt 1): started")) {
                            return true;
                        }
                    }
                } catch (IOException e) {
                    return false;
                }
                return false;
            });
            assertTrue(started.get(60, TimeUnit.SECONDS), "the agent process never started the task");
            Thread.sleep(500);
            agent.destroyForcibly(); // SIGKILL: no hand-back, no report, no heartbeat any more
            assertTrue(agent.waitFor(10, TimeUnit.SECONDS));
            long killed = System.nanoTime();
            assertEquals("RUNNING", client.status(session).path("status").asText());

            try (TestAgent b = new TestAgent("replacement-agent", cluster.apiUrl())) {
                Run rb = b.awaitRun(session, Duration.ofSeconds(LEASE_SECONDS + 30));
                long reclaimMs = (rb.startedNanos - killed) / 1_000_000;
                System.out.println("the killed agent's task was reclaimed " + reclaimMs + " ms after SIGKILL");
                assertEquals(2, rb.attempt, "the replacement runs the task's second attempt");
                JsonNode status = client.awaitEnd(session, Duration.ofMinutes(3));
                assertEquals("SUCCEEDED", status.path("status").asText(), status.toString());
                assertArrayEquals(fibJournal(FIB_KILLED), client.journal(session));
                assertEquals(0, b.escaped());
            }
        } finally {
            agent.destroyForcibly();
        }
    }

    @Test
    void anAgentStoppedWithALongGraceFinishesItsTask() throws Exception {
        String session = submit("fibonacci", u32(FIB_LONG), null);
        try (TestAgent a = new TestAgent("agent-c", cluster.apiUrl())) {
            Run run = a.awaitRun(session, Duration.ofSeconds(30));
            assertEquals(1, run.attempt);
            assertEquals("RUNNING", client.status(session).path("status").asText());
            assertNull(run.outcome, "the task must still run when the agent is stopped");
            long t0 = System.nanoTime();
            a.agent.stop(Duration.ofSeconds(90));
            System.out.println("stop(90 s) returned after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            // stop returns once the loop ended, so the result was reported before.
            assertEquals("done", run.outcome);
            JsonNode status = client.status(session);
            assertEquals("SUCCEEDED", status.path("status").asText(), status.toString());
            assertArrayEquals(fibJournal(FIB_LONG), client.journal(session));
            a.thread.join(10_000);
            assertFalse(a.thread.isAlive(), "agent loop did not end after stop");
            assertEquals(1, a.runsOf(session).size());
            assertEquals(0, a.escaped());
        }
    }

    @Test
    void anAgentKeepsRetryingWhileTheServerIsAwayThenServes() throws Exception {
        int port = freePort(); // nothing listens there until the forwarder starts
        int firstRecord = agentLog.size();
        try (TestAgent a = new TestAgent("agent-r", "http://127.0.0.1:" + port)) {
            // 200, 400, … 6,400 ms, then the 10 s cap: ~12.6 s to get there.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            List<Long> backoffs = List.of();
            while (!backoffs.contains(10_000L)) {
                if (System.nanoTime() > deadline) {
                    fail("the agent's backoff never reached 10 s: " + backoffs);
                }
                Thread.sleep(100);
                backoffs = backoffsSince(firstRecord);
            }
            assertEquals(200L, backoffs.get(0), backoffs.toString());
            for (int i = 1; i < backoffs.size(); i++) {
                assertEquals(Math.min(2 * backoffs.get(i - 1), 10_000L), backoffs.get(i), backoffs.toString());
            }
            assertTrue(a.thread.isAlive(), "the agent gave up");
            assertEquals(0, a.escaped());

            try (Forwarder f = new Forwarder(port, URI.create(cluster.apiUrl()).getPort())) {
                String session = submit("fibonacci", u32(1000), null);
                JsonNode status = client.awaitEnd(session, Duration.ofSeconds(60));
                assertEquals("SUCCEEDED", status.path("status").asText(), status.toString());
                assertArrayEquals(fibJournal(1000), client.journal(session));
                Run run = a.awaitRun(session, Duration.ofSeconds(1));
                assertEquals(1, run.attempt);
                assertEquals("done", run.outcome);
                assertTrue(backoffsSince(firstRecord).stream().allMatch(ms -> ms <= 10_000L));
                assertTrue(f.connections() > 0);
                // Stopped while the server is still there, so the loop is not in a backoff sleep.
                a.agent.stop(Duration.ofSeconds(5));
                a.thread.join(10_000);
                assertFalse(a.thread.isAlive(), "agent loop did not end after stop");
            }
            assertEquals(0, a.escaped());
        }
    }

    @Test
    void aSessionStoppedThroughTheApiIsAbortedAndItsAgentStopsAtTheNextHeartbeat() throws Exception {
        try (TestAgent a = new TestAgent("agent-s", cluster.apiUrl())) {
            String session = submit("fibonacci", u32(FIB_ENDLESS), null);
            Run run = a.awaitRun(session, Duration.ofSeconds(30));
            long t0 = System.nanoTime();
            client.stop(session);
            JsonNode status = client.status(session);
            assertEquals("ABORTED", status.path("status").asText(), status.toString());
            // The heartbeat comes every LEASE/3 = 3 s; the executor checks at each segment. The
            // run would go on for ~30 s, and a lease expiry would take LEASE.
            assertTrue(run.ended.await(LEASE_SECONDS / 3 + 5, TimeUnit.SECONDS),
                    "the agent still runs the aborted session " + (System.nanoTime() - t0) / 1_000_000 + " ms after the stop");
            long learnedMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("agent stopped the aborted session " + learnedMs + " ms after /sessions/stop");
            assertEquals("failed: cancelled", run.outcome);
            assertTrue(agentLog.stream().anyMatch(r -> r.getMessage().startsWith(session + "/init")
                    && r.getMessage().endsWith(": job cancelled, stopping")), "no heartbeat said the job was cancelled");
            assertEquals("ABORTED", client.status(session).path("status").asText());
            assertNull(nullIfMissing(client.status(session).path("stats")));

            // The agent is free again and serves the next session; stopping an ended one changes nothing.
            String next = submit("hello", new byte[0], null);
            JsonNode s = client.awaitEnd(next, Duration.ofSeconds(60));
            assertEquals("SUCCEEDED", s.path("status").asText(), s.toString());
            assertEquals(1, a.runsOf(next).size());
            client.stop(next);
            assertEquals("SUCCEEDED", client.status(next).path("status").asText());
            assertEquals(0, a.escaped());
        }
    }

    // -------------------------------------------------------------------------------- helpers

    /** What a handler did with one claim. */
    static final class Run {
        final String jobId;
        final int attempt;
        final long startedNanos = System.nanoTime();
        final CountDownLatch ended = new CountDownLatch(1);
        volatile String outcome;

        Run(String jobId, int attempt) {
            this.jobId = jobId;
            this.attempt = attempt;
        }

        void end(String how) {
            outcome = how;
            ended.countDown();
        }

        @Override
        public String toString() {
            return jobId + " attempt " + attempt + ": " + (outcome == null ? "running" : outcome);
        }
    }

    /** An agent serving exec tasks with the real {@link ExecuteTask}, on a thread of its own. */
    static final class TestAgent implements AutoCloseable {
        final Agent agent;
        final Thread thread;
        private final ObjectStore objects;
        private final List<Run> runs = new CopyOnWriteArrayList<>();
        private final AtomicReference<Throwable> escaped = new AtomicReference<>();

        TestAgent(String workerId, String apiUrl) {
            objects = ObjectStore.open(cluster.s3Url(), EmbeddedCluster.BUCKET, cluster.s3AccessKey(), cluster.s3SecretKey());
            ExecuteTask exec = new ExecuteTask(objects);
            TaskHandler recording = (claim, cancelled) -> {
                Run run = new Run(claim.jobId(), claim.attempt());
                runs.add(run);
                try {
                    JsonNode out = exec.run(claim, cancelled);
                    run.end("done");
                    return out;
                } catch (TaskHandler.TaskFailure f) {
                    run.end("failed: " + f.getMessage());
                    throw f;
                } catch (RuntimeException | Error e) {
                    run.end("error: " + e);
                    throw e;
                }
            };
            agent = new Agent(new WorkClient(URI.create(apiUrl), cluster.workerToken()), workerId,
                    Map.of("exec", recording), Duration.ofSeconds(2));
            thread = new Thread(() -> {
                try {
                    agent.run();
                } catch (Throwable t) {
                    escaped.set(t);
                }
            }, "test-" + workerId);
            thread.setDaemon(true);
            thread.start();
        }

        List<Run> runsOf(String session) {
            return runs.stream().filter(r -> r.jobId.equals(session)).toList();
        }

        /** The latest run of {@code session} once its handler started. */
        Run awaitRun(String session, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                List<Run> mine = runsOf(session);
                if (!mine.isEmpty()) {
                    return mine.get(mine.size() - 1);
                }
                if (System.nanoTime() > deadline) {
                    fail("agent " + thread.getName() + " did not claim " + session + " within " + timeout);
                }
                Thread.sleep(20);
            }
        }

        /** 0, or fails with what escaped the agent's loop. */
        int escaped() {
            Throwable t = escaped.get();
            if (t != null) {
                throw new AssertionError("an exception escaped Agent.run", t);
            }
            return 0;
        }

        @Override
        public void close() throws InterruptedException {
            agent.stop(Duration.ofSeconds(5));
            thread.join(10_000);
            objects.close();
            assertFalse(thread.isAlive(), thread.getName() + " still running after stop");
            escaped();
        }
    }

    /** A TCP forwarder from a local port to the server: "the server comes back" for an agent. */
    static final class Forwarder implements AutoCloseable {
        private final ServerSocket server;
        private final int target;
        private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
        private volatile int connections;

        Forwarder(int port, int target) throws IOException {
            this.target = target;
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            Thread t = new Thread(this::accept, "forwarder-" + port);
            t.setDaemon(true);
            t.start();
        }

        int connections() {
            return connections;
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket in = server.accept();
                    Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                    sockets.add(in);
                    sockets.add(out);
                    connections++;
                    pump(in, out);
                    pump(out, in);
                } catch (IOException e) {
                    // closed, or the server refused: the agent sees a dropped connection
                }
            }
        }

        private static void pump(Socket from, Socket to) {
            Thread t = new Thread(() -> {
                try {
                    from.getInputStream().transferTo(to.getOutputStream());
                    to.shutdownOutput();
                } catch (IOException e) {
                    // one side closed
                }
            }, "forwarder-pump");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private static final Pattern RETRY = Pattern.compile("retrying in (\\d+) ms");

    /** The backoffs the agent loop announced (the work API unreachable) since record {@code from}. */
    private static List<Long> backoffsSince(int from) {
        List<Long> out = new ArrayList<>();
        for (LogRecord r : agentLog.subList(from, agentLog.size())) {
            if (r.getMessage() != null && r.getMessage().startsWith("work API unreachable")) {
                Matcher m = RETRY.matcher(r.getMessage());
                assertTrue(m.find(), r.getMessage());
                out.add(Long.parseLong(m.group(1)));
            }
        }
        return out;
    }

    /** Uploads the example guest and the input, creates an execute-only session. */
    private static String submit(String guest, byte[] input, Long cycleLimit) throws Exception {
        byte[] elf = GuestFiles.example(guest);
        String imageId = MemoryImage.of(ElfLoader.load(elf)).imageId().toHex();
        client.uploadImage(imageId, elf);
        String session = client.createSession(imageId, client.uploadInput(input), true, cycleLimit);
        assertNotNull(session);
        return session;
    }

    /** The same guest run in this JVM with the server's default segment size. */
    private static ExecutionResult runLocally(String guest, byte[] input) {
        return new Executor(ElfLoader.load(GuestFiles.example(guest)), input,
                ExecutorOptions.defaults().withPo2(ExecutorOptions.DEFAULT_PO2)).run();
    }

    private static JsonNode nullIfMissing(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : n;
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] fibJournal(int n) {
        return ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(n).putLong(fibonacci(n)).array();
    }

    private static long fibonacci(int n) {
        long a = 0;
        long b = 1;
        for (int i = 0; i < n; i++) {
            long t = a + b;
            a = b;
            b = t;
        }
        return a;
    }

    /** bigmem's journal: the sum of word i = i × 0x9E3779B1 over mib × 2^18 words, then mib. */
    private static byte[] bigmemJournal(int mib) {
        int words = mib << 18;
        int sum = 0;
        int v = 0;
        for (int i = 0; i < words; i++) {
            sum += v;
            v += 0x9E3779B1;
        }
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(sum).putInt(mib).array();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
