package dev.bentoj.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bentoj.agent.TaskHandler;
import dev.bentoj.agent.WorkClient;
import dev.bentoj.agent.proving.ProofSettings;
import dev.bentoj.cli.BonsaiClient;
import dev.bentoj.cli.EmbeddedCluster;
import dev.bentoj.zkvm.elf.ElfLoader;
import dev.bentoj.zkvm.image.MemoryImage;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The wake cell over HTTP ({@code ./bench/run taskdb --cells wake-http}): the server in Payara
 * Micro (the embedded cluster of {@code ./bento demo}), 4 idle agents long-polling its work API,
 * one execute-only session of the hello guest submitted through the Bonsai API every 50 ms.
 * Measured per session: its init task's row created (PostgreSQL's {@code created_at}, the clock
 * when the row was inserted, V6__task_created_at_clock.sql: before the creating transaction's
 * commit, so the figure is an upper bound on ready → claimed) → the claim's arrival in the
 * agent's handler (this JVM's wall clock; both clocks are the host's real-time clock, read in
 * microseconds). It includes everything between
 * the two: the commit, the in-JVM wake-up of the waiting long-poll request, its claim statement,
 * the HTTP response and the agent's parsing of it. {@code server_claim_*} stops at the claim
 * statement's start in the server (the task's {@code started_at}), so the difference is the
 * claim statement, the HTTP response and the agent.
 */
final class HttpWake {
    private static final int AGENTS = 4;
    private static final long PERIOD_MILLIS = 50;
    private static final int WARM_UP_SESSIONS = 600;
    private static final long WARM_UP_PERIOD_MILLIS = 10;
    private static final List<Logger> QUIET = List.of(Logger.getLogger("dev.bentoj.agent"),
            Logger.getLogger("io.zonky"), Logger.getLogger("java.util.Iterator"));

    private HttpWake() {
    }

    static Map<String, Object> run(double seconds) throws Exception {
        E2eBench.locateClusterFiles();
        System.out.printf("wake-http: the server in Payara Micro, %d idle agents long-polling its work API, one"
                + " execute-only session (hello) every %d ms for %.0f s; init row created (PostgreSQL clock) ->"
                + " claim in the agent's handler (wall clock)%n", AGENTS, PERIOD_MILLIS, seconds);
        QUIET.forEach(l -> l.setLevel(Level.WARNING));
        Path dir = Files.createTempDirectory("bento-wake-http");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Instant> arrived = new ConcurrentHashMap<>();
        try (EmbeddedCluster cluster = EmbeddedCluster.start(dir, port, 0, true, Duration.ofSeconds(300),
                line -> System.out.println("  " + line), Map.of(), ProofSettings.fromEnvironment())) {
            for (int i = 0; i < AGENTS; i++) {
                cluster.startAgent("wake-" + i, List.of("exec", "join", "aux"), h -> timed(h, arrived));
            }
            BonsaiClient client = new BonsaiClient(cluster.apiUrl(), cluster.apiKey());
            byte[] hello = ExecuteBench.example("hello");
            String image = MemoryImage.of(ElfLoader.load(hello)).imageId().toHex();
            client.uploadImage(image, hello);
            String input = client.uploadInput(new byte[0]);
            // Warm-up, not measured: connections, plans, and the JIT. Payara answered an empty
            // long-poll claim in 1.8 ms (median of calls 1,500-3,000) and in 0.65 ms once it had
            // served several thousand, so the server sees 600 sessions before the measured ones.
            submit(client, image, input, WARM_UP_SESSIONS * WARM_UP_PERIOD_MILLIS / 1000.0, WARM_UP_PERIOD_MILLIS);
            arrived.clear();
            List<String> sessions = submit(client, image, input, seconds, PERIOD_MILLIS);
            Latencies wake = new Latencies();
            Latencies server = new Latencies();
            int missing = 0;
            try (Connection c = DriverManager.getConnection(cluster.jdbcUrl());
                 PreparedStatement ps = c.prepareStatement(
                         "SELECT created_at, started_at FROM tasks WHERE job_id = ? AND task_id = 'init'")) {
                for (String s : sessions) {
                    Instant got = arrived.get(s);
                    ps.setObject(1, UUID.fromString(s));
                    try (ResultSet rs = ps.executeQuery()) {
                        if (got == null || !rs.next()) {
                            missing++;
                            continue;
                        }
                        Instant created = rs.getObject(1, OffsetDateTime.class).toInstant();
                        Instant claimed = rs.getObject(2, OffsetDateTime.class).toInstant();
                        wake.add(Math.max(0, ChronoUnit.NANOS.between(created, got)));
                        server.add(Math.max(0, ChronoUnit.NANOS.between(created, claimed)));
                    }
                }
            }
            out.put("seconds", seconds);
            out.put("agents", AGENTS);
            out.put("sessions", sessions.size());
            out.putAll(wake.summary("claim_"));
            // the same up to the claim statement's start in the server (started_at, PostgreSQL's clock)
            out.putAll(server.summary("server_claim_"));
            out.put("target_p99_ms", 10);
            out.put("missing", missing);
        } finally {
            E2eBench.deleteQuietly(dir);
        }
        return out;
    }

    /** Sessions one every {@code periodMillis} for {@code seconds}, then waits for all to end. */
    private static List<String> submit(BonsaiClient client, String image, String input, double seconds,
                                       long periodMillis) throws Exception {
        List<String> sessions = new ArrayList<>();
        TaskDbBench.atFixedRate(seconds, periodMillis, k -> sessions.add(client.createSession(image, input, true)));
        for (String s : sessions) {
            JsonNode status = client.awaitEnd(s, Duration.ofSeconds(60));
            if (!"SUCCEEDED".equals(status.path("status").asText())) {
                throw new IllegalStateException("session " + s + " " + status.path("status").asText() + ": "
                        + status.path("error_msg").asText());
            }
        }
        return sessions;
    }

    /** The handler, noting when each job's init claim reached it. */
    private static TaskHandler timed(TaskHandler handler, Map<String, Instant> arrived) {
        return new TaskHandler() {
            @Override
            public JsonNode run(WorkClient.Claim claim, BooleanSupplier cancelled) throws TaskFailure {
                if ("init".equals(claim.taskId())) {
                    arrived.putIfAbsent(claim.jobId(), Instant.now());
                }
                return handler.run(claim, cancelled);
            }

            @Override
            public void committed(WorkClient.Claim claim) {
                handler.committed(claim);
            }
        };
    }
}
