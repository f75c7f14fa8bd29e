package dev.bentoj.cli;

import dev.bentoj.agent.Agent;
import dev.bentoj.agent.TaskHandlers;
import dev.bentoj.agent.proving.ProofSettings;
import dev.bentoj.storage.control.Intermediates;
import dev.bentoj.agent.TaskHandler;
import dev.bentoj.agent.WorkClient;
import dev.bentoj.embedded.EmbeddedPostgres;
import dev.bentoj.embedded.EmbeddedRedis;
import dev.bentoj.embedded.EmbeddedS3;
import dev.bentoj.storage.control.ObjectStore;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A whole cluster on this machine from embedded parts: a real PostgreSQL (zonky binaries), a
 * real Redis, S3Proxy over a folder, the server as a Payara Micro child process, and agents as
 * threads of this process. What {@code ./bento up} runs in the foreground and {@code ./bento
 * demo} runs for one session. Every part is the same code that runs against external services.
 */
public final class EmbeddedCluster implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The object store's bucket. */
    static final String BUCKET = "bento";

    private final List<AutoCloseable> parts = new ArrayList<>();
    private final List<Thread> agentThreads = new ArrayList<>();
    private final List<Agent> agents = new ArrayList<>();
    private PayaraServer server;
    private String apiUrl;
    private String apiKey;
    private String workerToken;
    private String adminToken;
    private EmbeddedS3 s3;
    private String redisUrl;
    private String jdbcUrl;
    /** The settings the first server instance was started with; further instances reuse them. */
    private Map<String, String> serverEnvironment;
    private ProofSettings settings = ProofSettings.secure();

    /**
     * Starts everything and returns once the server is ready and the agents poll.
     *
     * @param dataDir    PostgreSQL data, S3 objects and the server log live here
     * @param open       no API key needed (demo mode)
     * @param progress   one line per step, for the user
     */
    static EmbeddedCluster start(Path dataDir, int port, int agentCount, boolean open, Duration startupTimeout,
                                 java.util.function.Consumer<String> progress) throws Exception {
        return start(dataDir, port, agentCount, open, startupTimeout, progress, Map.of());
    }

    /** As above; {@code serverEnv} adds to (and overrides) the server's {@code BENTO_*} settings. */
    static EmbeddedCluster start(Path dataDir, int port, int agentCount, boolean open, Duration startupTimeout,
                                 java.util.function.Consumer<String> progress, Map<String, String> serverEnv)
            throws Exception {
        return start(dataDir, port, agentCount, open, startupTimeout, progress, serverEnv, ProofSettings.fromEnvironment());
    }

    /** As above; the agents prove with {@code settings}. Public for {@code ./bench/run e2e}. */
    public static EmbeddedCluster start(Path dataDir, int port, int agentCount, boolean open, Duration startupTimeout,
                                 java.util.function.Consumer<String> progress, Map<String, String> serverEnv,
                                 ProofSettings settings) throws Exception {
        EmbeddedCluster c = new EmbeddedCluster();
        c.settings = settings;
        try {
            c.boot(dataDir, port, agentCount, open, startupTimeout, progress, serverEnv);
            return c;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    private void boot(Path dataDir, int port, int agentCount, boolean open, Duration startupTimeout,
                      java.util.function.Consumer<String> progress, Map<String, String> serverEnv) throws Exception {
        Files.createDirectories(dataDir);
        long t0 = System.nanoTime();
        EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir.resolve("postgres"));
        parts.add(pg);
        jdbcUrl = pg.jdbcUrl();
        EmbeddedRedis redis = EmbeddedRedis.start();
        parts.add(redis);
        redisUrl = redis.url();
        s3 = EmbeddedS3.start(dataDir.resolve("s3"));
        parts.add(s3);
        progress.accept(String.format("PostgreSQL, Redis and S3 up in %.1f s", (System.nanoTime() - t0) / 1e9));

        workerToken = randomToken();
        // The operator's own token when set (so `bento admin` needs nothing new), else a fresh one.
        String givenAdminToken = System.getenv("BENTO_ADMIN_TOKEN");
        adminToken = givenAdminToken != null && !givenAdminToken.isBlank() ? givenAdminToken : randomToken();
        apiKey = open ? "" : "bk_" + randomToken();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BENTO_DB_URL", "jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + EmbeddedPostgres.DATABASE);
        env.put("BENTO_DB_USER", EmbeddedPostgres.USER);
        env.put("BENTO_DB_PASSWORD", "");
        env.put("BENTO_REDIS_URL", redis.url());
        env.put("BENTO_S3_URL", s3.url());
        env.put("BENTO_S3_BUCKET", BUCKET);
        env.put("BENTO_S3_ACCESS_KEY", s3.accessKey());
        env.put("BENTO_S3_SECRET_KEY", s3.secretKey());
        env.put("BENTO_WORKER_TOKEN", workerToken);
        env.put("BENTO_ADMIN_TOKEN", adminToken);
        env.put("BENTO_AUTH_OPEN", Boolean.toString(open));
        if (!open) {
            env.put("BENTO_BOOTSTRAP_API_KEY", apiKey);
        }
        env.put("BENTO_PUBLIC_URL", "http://127.0.0.1:" + port);
        env.putAll(serverEnv);
        serverEnvironment = Map.copyOf(env);
        Path log = dataDir.resolve("server.log");
        OutputStream logOut = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        parts.add(logOut);
        long t1 = System.nanoTime();
        progress.accept("starting the server (Payara Micro) on port " + port + "; log in " + log);
        server = PayaraServer.start(ServerCommand.serverDir(), port, env, logOut);
        parts.add(() -> server.stop(Duration.ofSeconds(30)));
        try {
            server.awaitReady(startupTimeout);
        } catch (PayaraServer.ServerNotReady e) {
            throw new GuestFiles.UserError(e.getMessage() + " (log: " + log + ")");
        }
        apiUrl = server.url();
        progress.accept(String.format("server ready in %.1f s", (System.nanoTime() - t1) / 1e9));

        for (int i = 0; i < agentCount; i++) {
            startAgent("embedded-agent-" + i, AGENT_TYPES);
        }
        progress.accept(agentCount + " agent(s) polling for " + String.join(", ", AGENT_TYPES) + " tasks"
                + (settings.insecure() ? " (INSECURE test proof parameters)" : ""));
    }

    /**
     * Starts one more server instance on the same database, Redis and S3 (what several
     * instances behind a load balancer are), ready when this returns; stopped with the cluster.
     *
     * @return its base URL
     */
    String startAnotherServer(int port, Path log, Duration startupTimeout) throws Exception {
        Map<String, String> env = new LinkedHashMap<>(serverEnvironment);
        env.put("BENTO_PUBLIC_URL", "http://127.0.0.1:" + port);
        OutputStream logOut = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        parts.add(logOut);
        PayaraServer another = PayaraServer.start(ServerCommand.serverDir(), port, env, logOut);
        parts.add(() -> another.stop(Duration.ofSeconds(30)));
        another.awaitReady(startupTimeout);
        return another.url();
    }

    /** Every worker type. */
    public static final List<String> AGENT_TYPES = List.of("exec", "prove", "join", "aux", "snark");

    /** Starts one more agent, a thread of this process, serving {@code types}. */
    public Agent startAgent(String workerId, List<String> types) {
        return startAgent(workerId, types, apiUrl);
    }

    /**
     * As {@link #startAgent(String, List)}, each handler passed through {@code wrap} first (to
     * observe the tasks, as a benchmark timing the moment a claim reaches its agent does).
     */
    public Agent startAgent(String workerId, List<String> types, UnaryOperator<TaskHandler> wrap) {
        return startAgent(workerId, types, apiUrl, wrap);
    }

    /** As above, polling the server instance at {@code serverUrl}. */
    Agent startAgent(String workerId, List<String> types, String serverUrl) {
        return startAgent(workerId, types, serverUrl, UnaryOperator.identity());
    }

    private Agent startAgent(String workerId, List<String> types, String serverUrl,
            UnaryOperator<TaskHandler> wrap) {
        ObjectStore objects = ObjectStore.open(s3.url(), BUCKET, s3.accessKey(), s3.secretKey());
        parts.add(objects);
        Intermediates redis = new Intermediates(redisUrl);
        parts.add(redis);
        WorkClient client = new WorkClient(URI.create(serverUrl), workerToken);
        Map<String, TaskHandler> handlers = new HashMap<>();
        TaskHandlers.of(types, objects, redis, client, settings).forEach((type, h) -> handlers.put(type, wrap.apply(h)));
        Agent agent = new Agent(client, workerId, handlers, Duration.ofSeconds(20));
        Thread t = new Thread(agent::run, "bento-agent-" + workerId);
        t.setDaemon(true);
        t.start();
        agents.add(agent);
        agentThreads.add(t);
        return agent;
    }

    /** The embedded PostgreSQL's JDBC URL (user in the URL, no password): the TaskDB's database. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The Redis server's URL. */
    String redisUrl() {
        return redisUrl;
    }

    /** The proof parameters of the embedded agents. */
    ProofSettings proofSettings() {
        return settings;
    }

    public String apiUrl() {
        return apiUrl;
    }

    /** Empty in open mode. */
    public String apiKey() {
        return apiKey;
    }

    /** The token agents present to the work API. */
    String workerToken() {
        return workerToken;
    }

    /** The admin API's token ({@code bento admin --admin-token}). */
    String adminToken() {
        return adminToken;
    }

    /** The S3 server's URL and keys, for agents outside the cluster (bucket {@link #BUCKET}). */
    String s3Url() {
        return s3.url();
    }

    String s3AccessKey() {
        return s3.accessKey();
    }

    String s3SecretKey() {
        return s3.secretKey();
    }

    int waitForServer() throws InterruptedException {
        return server.waitFor();
    }

    @Override
    public void close() {
        for (Agent a : agents) {
            a.stop(Duration.ofSeconds(5));
        }
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception e) {
                System.err.println("bento: while stopping: " + e.getMessage());
            }
        }
        parts.clear();
    }

    private static String randomToken() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static Path defaultDataDir() {
        String home = System.getenv("BENTO_HOME");
        return home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".bento-j");
    }

}
