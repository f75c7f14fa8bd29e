package dev.bentoj.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bentoj.agent.proving.ProofSettings;
import dev.bentoj.cli.BonsaiClient;
import dev.bentoj.cli.EmbeddedCluster;
import dev.bentoj.embedded.EmbeddedS3;
import dev.bentoj.zkvm.elf.ElfLoader;
import dev.bentoj.zkvm.exec.ExecutionResult;
import dev.bentoj.zkvm.exec.Executor;
import dev.bentoj.zkvm.exec.ExecutorOptions;
import dev.bentoj.zkvm.image.MemoryImage;
import dev.bentoj.zkvm.receipt.ExpectedExitCode;
import dev.bentoj.zkvm.receipt.Receipt;
import dev.bentoj.zkvm.receipt.ReceiptCodec;
import dev.bentoj.zkvm.receipt.Verifier;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code ./bench/run e2e}: one proving session of the SHA-256 guest, sized to fill
 * {@code --segments} segments of 2^{@code --po2} rows, through the whole cluster on this machine
 * (the embedded cluster of {@code ./bento demo}: PostgreSQL, Redis, S3Proxy, the server as a
 * Payara Micro child process, agents as threads of this JVM), submitted through the Bonsai API;
 * the receipt is downloaded and verified here. The figures then come from the job's rows in the
 * TaskDB (all timestamps from PostgreSQL's one clock):
 *
 * <ul>
 *   <li>wall: the job's {@code created_at} (session created) to its {@code finished_at}
 *       (SUCCEEDED); the client's own view, polling every 50 ms, is reported beside it;</li>
 *   <li>compute of a task: {@code finished_at - started_at} (claim to done, the agent's whole
 *       handling of it: reading and writing Redis/S3 included);</li>
 *   <li>ideal: the makespan of the schedule that ran, replayed with zero overhead: each agent
 *       runs the tasks it ran, in the same order, each as soon as the agent is free and the
 *       task's prerequisites are done, and a task the executor created no earlier than its
 *       creation offset within the executor's run (a Prove task cannot start before its segment
 *       was written); claims, releases and completions take no time, and the executor's task
 *       starts with the session. With as many prove agents as segments this is about the
 *       critical path; with fewer it also counts the queueing the agents' number makes
 *       unavoidable;</li>
 *   <li>overhead = (wall - ideal) / wall. {@code overhead_vs_critical_path_pct} is
 *       (wall - critical path) / wall, the spec's literal form, which with fewer prove agents than
 *       segments also counts that queueing;</li>
 *   <li>segment written to Prove claimed: a Prove task's {@code started_at - created_at} (the
 *       executor creates it in the batch call right after writing the segment to Redis);
 *       first-prove delay is that of the first segment.</li>
 * </ul>
 */
final class E2eBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The agents' per-task lines and the embedded PostgreSQL's would drown the benchmark's own:
     * warnings only. Held here: java.util.logging keeps loggers weakly, and a collected logger
     * forgets its level.
     */
    private static final List<Logger> QUIET = List.of(Logger.getLogger("dev.bentoj.agent"),
            Logger.getLogger("io.zonky"), Logger.getLogger("java.util.Iterator"));

    private E2eBench() {
    }

    static Map<String, Object> run(String[] args) throws Exception {
        int segments = 16;
        int proveAgents = 2;
        int po2 = 16;
        boolean insecure = false;
        boolean warmup = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--segments" -> segments = Integer.parseInt(args[++i]);
                case "--agents" -> proveAgents = Integer.parseInt(args[++i]);
                case "--po2" -> po2 = Integer.parseInt(args[++i]);
                case "--insecure" -> insecure = true;
                case "--no-warmup" -> warmup = false;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (options: --segments N (default 16), --agents N (prove agents, default 2; one more serves"
                        + " exec, join and aux), --po2 P (default 16), --insecure (fast test parameters: checks the"
                        + " benchmark runs, its figures mean little), --no-warmup (no one-segment session first))");
            }
        }
        if (segments < 1 || proveAgents < 1 || po2 < 16 || po2 > 24) {
            throw new IllegalArgumentException("need --segments >= 1, --agents >= 1, --po2 16..24");
        }
        locateClusterFiles();
        ProofSettings settings = ProofSettings.fromEnvironment();
        if (insecure) {
            settings = settings.withInsecure(true);
        }
        String params = settings.insecure() ? "insecure-test" : "P96-B4";
        int cpus = Runtime.getRuntime().availableProcessors();

        byte[] elf = ExecuteBench.example("sha256");
        MemoryImage sha = MemoryImage.of(ElfLoader.load(elf));
        byte[] input = ProveBench.input(inputBytesFor(sha, po2, segments));
        ExecutionResult local = new Executor(sha, input, ExecutorOptions.defaults().withPo2(po2)).run();
        byte[] expectedJournal = MessageDigest.getInstance("SHA-256").digest(input);
        System.out.printf("e2e: SHA-256 of %,d bytes = %,d cycles in %d segments of 2^%d rows, %s, %d prove agents"
                        + " (prove, join) + 1 (exec, join, aux), %d cpus, load %s%n", input.length, local.userCycles(),
                local.segments(), po2, params, proveAgents, cpus, loadAverage());

        Path dir = Files.createTempDirectory("bento-e2e");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        QUIET.forEach(l -> l.setLevel(Level.WARNING));
        Map<String, Object> out = new LinkedHashMap<>();
        try (EmbeddedCluster cluster = EmbeddedCluster.start(dir, port, 0, true, Duration.ofSeconds(300),
                line -> System.out.println("  " + line), Map.of("BENTO_SEGMENT_PO2", Integer.toString(po2)), settings)) {
            List<Agent> agents = new ArrayList<>();
            for (int i = 0; i < proveAgents; i++) {
                agents.add(new Agent("e2e-prove-" + i, Set.of("prove", "join")));
            }
            agents.add(new Agent("e2e-exec", Set.of("exec", "join", "aux")));
            for (Agent a : agents) {
                cluster.startAgent(a.id(), List.copyOf(a.types()));
            }
            BonsaiClient client = new BonsaiClient(cluster.apiUrl(), cluster.apiKey());
            String imageId = sha.imageId().toHex();
            client.uploadImage(imageId, elf);
            if (warmup) {
                // JIT and connection warm-up: a one-segment session, not measured.
                long w0 = System.nanoTime();
                String session = client.createSession(imageId, client.uploadInput(ProveBench.input(1024)), false);
                JsonNode status = await(client, session, System.nanoTime(), false);
                System.out.printf("  warm-up session (1 segment) %s in %.1f s%n", status.path("status").asText(),
                        (System.nanoTime() - w0) / 1e9);
            }
            String inputId = client.uploadInput(input);
            System.out.println("  proving session submitted, load " + loadAverage());
            long t0 = System.nanoTime();
            String session = client.createSession(imageId, inputId, false);
            JsonNode status = await(client, session, t0, true);
            long clientWallNanos = System.nanoTime() - t0;
            if (!"SUCCEEDED".equals(status.path("status").asText())) {
                throw new IllegalStateException("session " + session + " " + status.path("status").asText() + ": "
                        + status.path("error_msg").asText());
            }
            byte[] bytes = client.download(status.path("receipt_url").asText());
            long v0 = System.nanoTime();
            Receipt receipt = ReceiptCodec.decode(bytes);
            Verifier.verify(receipt, sha.imageId(), settings.policy(), ExpectedExitCode.SUCCESS);
            long verifyNanos = System.nanoTime() - v0;
            if (!Arrays.equals(receipt.journal(), expectedJournal)) {
                throw new IllegalStateException("the receipt's journal is not the SHA-256 of the input");
            }
            System.out.printf("  SUCCEEDED in %.1f s (client); receipt %,d bytes verified here in %.0f ms, journal = SHA-256"
                    + " of the input; load %s%n", clientWallNanos / 1e9, bytes.length, verifyNanos / 1e6, loadAverage());

            Job job = readJob(cluster.jdbcUrl(), UUID.fromString(session));
            out.put("bench", "e2e");
            out.put("guest", "sha256");
            out.put("params", params);
            out.put("po2", po2);
            out.put("input_bytes", input.length);
            out.put("cycles", local.userCycles());
            out.put("segments", local.segments());
            out.put("prove_agents", proveAgents);
            out.put("agents", agents.size());
            out.putAll(analyse(job, agents));
            out.put("client_wall_ms", Latencies.ms(clientWallNanos));
            out.put("receipt_bytes", bytes.length);
            out.put("verify_ms", Latencies.ms(verifyNanos));
        }
        out.put("target_overhead_pct", 5);
        out.put("target_first_prove_delay_ms", 50);
        out.put("cpus", cpus);
        out.put("load_avg_1m_end", Double.parseDouble(loadAverage().split(" ")[0]));
        deleteQuietly(dir);
        return out;
    }

    /** An agent of the benchmark: its worker id and worker types. */
    record Agent(String id, Set<String> types) {
    }

    /** One task row; times in microseconds since the job was created. */
    record Task(String id, String type, String worker, long seq, int attempt, long created, long started,
                long finished, JsonNode output) {
        long compute() {
            return finished - started;
        }
    }

    record Job(List<Task> tasks, Map<String, List<String>> parents, long finished) {
    }

    // ---------------------------------------------------------------------------------------
    // Analysis

    static Map<String, Object> analyse(Job job, List<Agent> agents) {
        Map<String, Task> byId = new HashMap<>();
        job.tasks().forEach(t -> byId.put(t.id(), t));
        Task init = byId.get("init");
        if (init == null) {
            throw new IllegalStateException("the job has no init task");
        }
        // Ready: created, and every prerequisite done.
        Map<String, Long> ready = new HashMap<>();
        for (Task t : job.tasks()) {
            long r = t.created();
            for (String p : job.parents().getOrDefault(t.id(), List.of())) {
                r = Math.max(r, byId.get(p).finished());
            }
            ready.put(t.id(), r);
        }

        long computeSum = 0;
        Map<String, Long> computeByType = new LinkedHashMap<>();
        Latencies readyToClaimed = new Latencies();
        Latencies idleAgentGap = new Latencies();
        long idleAgentGapSum = 0;
        Map<String, Long> workerFree = new HashMap<>();
        List<Task> byStart = new ArrayList<>(job.tasks());
        byStart.sort(Comparator.comparingLong(Task::started));
        for (Task t : byStart) {
            computeSum += t.compute();
            computeByType.merge(t.type(), t.compute(), Long::sum);
            long r = ready.get(t.id());
            readyToClaimed.add((t.started() - r) * 1000);
            // Time a ready task and the agent that took it were both waiting: dispatch cost.
            long gap = t.started() - Math.max(r, workerFree.getOrDefault(t.worker(), Long.MIN_VALUE));
            idleAgentGap.add(Math.max(0, gap) * 1000);
            idleAgentGapSum += Math.max(0, gap);
            workerFree.put(t.worker(), t.finished());
        }

        List<Task> proves = job.tasks().stream().filter(t -> t.type().equals("prove"))
                .sorted(Comparator.comparingLong(Task::created)).toList();
        Latencies segmentToClaim = new Latencies();
        proves.forEach(t -> segmentToClaim.add((t.started() - t.created()) * 1000));
        Task firstProve = proves.isEmpty() ? null : proves.get(0);

        long criticalPath = criticalPath(job, byId, init);
        long ideal = replay(job, init);
        long wall = job.finished();

        System.out.println("  tasks (ms since the session was created; compute = finished - started):");
        job.tasks().stream().sorted(Comparator.comparingLong(Task::seq)).forEach(t -> System.out.printf(
                "    %-10s %-6s %-12s created %9.1f ready %9.1f claimed %9.1f done %9.1f  compute %9.1f%s%n",
                t.id(), t.type(), t.worker(), t.created() / 1e3, ready.get(t.id()) / 1e3, t.started() / 1e3,
                t.finished() / 1e3, t.compute() / 1e3, t.attempt() > 1 ? "  attempt " + t.attempt() : ""));

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tasks", job.tasks().size());
        out.put("retried_tasks", job.tasks().stream().filter(t -> t.attempt() > 1).count());
        out.put("wall_ms", ms(wall));
        out.put("compute_sum_ms", ms(computeSum));
        Map<String, Object> byType = new LinkedHashMap<>();
        computeByType.forEach((k, v) -> byType.put(k, ms(v)));
        out.put("compute_by_type_ms", byType);
        out.put("exec_back_pressure_ms", init.output() == null ? 0 : init.output().path("back_pressure_ms").asLong());
        out.put("critical_path_ms", ms(criticalPath));
        out.put("work_bound_ms", ms(computeSum / agents.size()));
        out.put("ideal_ms", ms(ideal));
        out.put("overhead_ms", ms(wall - ideal));
        out.put("overhead_pct", Math.round(10000.0 * (wall - ideal) / wall) / 100.0);
        out.put("overhead_vs_critical_path_pct", ExecuteBench.round1(100.0 * (wall - criticalPath) / wall));
        out.put("session_to_exec_claimed_ms", ms(init.started()));
        out.put("first_segment_written_ms", firstProve == null ? null : ms(firstProve.created()));
        out.put("first_prove_delay_ms", firstProve == null ? null : ms(firstProve.started() - firstProve.created()));
        out.putAll(segmentToClaim.summary("segment_to_prove_claimed_"));
        out.putAll(readyToClaimed.summary("ready_to_claimed_"));
        out.putAll(idleAgentGap.summary("idle_agent_dispatch_"));
        out.put("idle_agent_dispatch_sum_ms", ms(idleAgentGapSum));
        out.put("last_done_to_succeeded_ms", ms(wall - job.tasks().stream().mapToLong(Task::finished).max().orElse(wall)));

        System.out.printf("  wall %.1f s, compute %.1f s in all (%s), critical path %.1f s, ideal (the same schedule with"
                        + " zero overhead) %.1f s: overhead %.1f s = %.2f %% (target <= 5 %%)%n", wall / 1e6, computeSum / 1e6,
                byType, criticalPath / 1e6, ideal / 1e6, (wall - ideal) / 1e6, out.get("overhead_pct"));
        System.out.printf("  first segment written at %.1f ms, its Prove claimed %.1f ms later (target <= 50 ms);"
                        + " segment written -> Prove claimed p50 %.1f ms, p99 %.1f ms (queueing for a prove agent"
                        + " included); idle agent with a ready task: p50 %.1f ms, p99 %.1f ms, %.1f ms in all%n",
                firstProve == null ? Double.NaN : firstProve.created() / 1e3, out.get("first_prove_delay_ms"),
                out.get("segment_to_prove_claimed_p50_ms"), out.get("segment_to_prove_claimed_p99_ms"),
                out.get("idle_agent_dispatch_p50_ms"), out.get("idle_agent_dispatch_p99_ms"), idleAgentGapSum / 1e3);
        return out;
    }

    /**
     * Longest chain of compute from the executor's start: each task begins when its
     * prerequisites' chains end, and no earlier than its creation offset within the executor's
     * run when the executor created it (Prove tasks: the segment had to be written first).
     */
    private static long criticalPath(Job job, Map<String, Task> byId, Task init) {
        Map<String, Long> end = new HashMap<>();
        long longest = 0;
        for (Task t : topological(job)) {
            long start = release(t, init);
            for (String p : job.parents().getOrDefault(t.id(), List.of())) {
                start = Math.max(start, end.get(p));
            }
            end.put(t.id(), start + t.compute());
            longest = Math.max(longest, start + t.compute());
        }
        return longest;
    }

    /**
     * The zero-overhead replay of the schedule that ran: each agent runs the tasks it ran, in the
     * order it ran them, each as soon as the agent is free and the task's inputs exist (its
     * prerequisites done; for a task the executor created, its creation offset within the
     * executor's run, as in {@link #criticalPath}). Claims, releases and completions take no
     * time. Keeping the agents' assignment keeps the replay from reshuffling tasks of unequal
     * length, which would move the makespan by seconds for reasons that are not orchestration.
     */
    private static long replay(Job job, Task init) {
        Map<String, Long> free = new HashMap<>();
        Map<String, Long> end = new HashMap<>();
        List<Task> byStart = new ArrayList<>(job.tasks());
        byStart.sort(Comparator.comparingLong(Task::started));
        long makespan = 0;
        for (Task t : byStart) {
            long start = Math.max(release(t, init), free.getOrDefault(t.worker(), 0L));
            for (String p : job.parents().getOrDefault(t.id(), List.of())) {
                start = Math.max(start, end.get(p));
            }
            long finish = start + t.compute();
            free.put(t.worker(), finish);
            end.put(t.id(), finish);
            makespan = Math.max(makespan, finish);
        }
        return makespan;
    }

    /** From the executor's start: 0 for init, the creation offset within its run for the rest. */
    private static long release(Task t, Task init) {
        return t == init ? 0 : Math.max(0, t.created() - init.started());
    }

    private static List<Task> topological(Job job) {
        Map<String, Task> byId = new HashMap<>();
        job.tasks().forEach(t -> byId.put(t.id(), t));
        List<Task> order = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (Task t : job.tasks()) {
            visit(t, job, byId, seen, order);
        }
        return order;
    }

    private static void visit(Task t, Job job, Map<String, Task> byId, Set<String> seen, List<Task> order) {
        if (!seen.add(t.id())) {
            return;
        }
        for (String p : job.parents().getOrDefault(t.id(), List.of())) {
            visit(byId.get(p), job, byId, seen, order);
        }
        order.add(t);
    }

    // ---------------------------------------------------------------------------------------
    // TaskDB rows

    private static Job readJob(String jdbcUrl, UUID jobId) throws SQLException, IOException {
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            OffsetDateTime created;
            OffsetDateTime finished;
            try (PreparedStatement ps = c.prepareStatement("SELECT created_at, finished_at, state FROM jobs WHERE id = ?")) {
                ps.setObject(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("no job " + jobId + " in the TaskDB");
                    }
                    created = rs.getObject(1, OffsetDateTime.class);
                    finished = rs.getObject(2, OffsetDateTime.class);
                    if (!"succeeded".equals(rs.getString(3)) || finished == null) {
                        throw new IllegalStateException("job " + jobId + " is " + rs.getString(3));
                    }
                }
            }
            List<Task> tasks = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT task_id, worker_type, worker_id, seq, attempt, created_at, started_at, finished_at, output::text
                    FROM tasks WHERE job_id = ? ORDER BY seq""")) {
                ps.setObject(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String output = rs.getString(9);
                        tasks.add(new Task(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getInt(5),
                                micros(created, rs.getObject(6, OffsetDateTime.class)),
                                micros(created, rs.getObject(7, OffsetDateTime.class)),
                                micros(created, rs.getObject(8, OffsetDateTime.class)),
                                output == null ? null : JSON.readTree(output)));
                    }
                }
            }
            Map<String, List<String>> parents = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT pre_task_id, post_task_id FROM task_deps WHERE job_id = ?")) {
                ps.setObject(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        parents.computeIfAbsent(rs.getString(2), k -> new ArrayList<>()).add(rs.getString(1));
                    }
                }
            }
            return new Job(tasks, parents, micros(created, finished));
        }
    }

    private static long micros(OffsetDateTime origin, OffsetDateTime t) {
        Duration d = Duration.between(origin, t);
        return d.getSeconds() * 1_000_000 + d.getNano() / 1000;
    }

    private static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }

    /**
     * The longest input that still makes the guest run exactly {@code segments} segments (so the
     * last one is nearly full): cycles grow with the input, so the segment count does too, and a
     * bisection over executions finds it (each a fraction of a second; ProveBench's linear model
     * is off at po2 16, where the guest's fixed cost and paging weigh more).
     */
    static int inputBytesFor(MemoryImage sha, int po2, int segments) {
        if (segmentsFor(sha, po2, 0) > segments) {
            throw new IllegalArgumentException("even an empty input takes more than " + segments + " segments");
        }
        int lo = 0;
        int hi = 1024;
        while (segmentsFor(sha, po2, hi) <= segments) {
            lo = hi;
            hi *= 2;
        }
        while (hi - lo > 1) {
            int mid = lo + (hi - lo) / 2;
            if (segmentsFor(sha, po2, mid) <= segments) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int segmentsFor(MemoryImage sha, int po2, int inputBytes) {
        return new Executor(sha, ProveBench.input(inputBytes), ExecutorOptions.defaults().withPo2(po2)).run().segments();
    }

    // ---------------------------------------------------------------------------------------
    // Session and machine

    /** Polls every 50 ms until the session leaves RUNNING, printing each new state. */
    private static JsonNode await(BonsaiClient client, String session, long t0, boolean show) throws Exception {
        JsonNode status;
        String shown = "";
        long deadline = System.nanoTime() + Duration.ofHours(2).toNanos();
        do {
            Thread.sleep(50);
            status = client.status(session);
            String state = status.path("state").asText("");
            if (show && !state.isEmpty() && !state.equals(shown) && "RUNNING".equals(status.path("status").asText())) {
                System.out.printf("  %7.1f s  %s%n", (System.nanoTime() - t0) / 1e9, state);
                shown = state;
            }
        } while ("RUNNING".equals(status.path("status").asText()) && System.nanoTime() < deadline);
        return status;
    }

    /**
     * The server's files and S3Proxy come from bento-agent-se's build ({@code bench/run} sets
     * BENTO_SERVER_DIR); S3Proxy's jar is beside them in {@code target/embedded}.
     */
    static void locateClusterFiles() throws URISyntaxException, IOException {
        String serverDir = System.getenv("BENTO_SERVER_DIR");
        if (serverDir == null || !Files.isDirectory(Path.of(serverDir))) {
            throw new IOException("BENTO_SERVER_DIR must name bento-agent-se/target/server (./bench/run sets it;"
                    + " build with mvn install): " + serverDir);
        }
        if (System.getProperty(EmbeddedS3.JAR_PROPERTY) == null) {
            Path jar = Path.of(serverDir).getParent().resolve("embedded/s3proxy.jar");
            if (!Files.isRegularFile(jar)) {
                throw new IOException("S3Proxy's jar is missing at " + jar + " (build bento-agent-se with mvn install)");
            }
            System.setProperty(EmbeddedS3.JAR_PROPERTY, jar.toString());
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "NaN NaN NaN";
        }
    }

    static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary folder: the system cleans it eventually.
        }
    }
}
