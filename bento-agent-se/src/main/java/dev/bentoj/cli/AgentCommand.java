package dev.bentoj.cli;

import dev.bentoj.agent.Agent;
import dev.bentoj.agent.TaskHandlers;
import dev.bentoj.agent.proving.ProofSettings;
import dev.bentoj.storage.control.Intermediates;
import dev.bentoj.agent.TaskHandler;
import dev.bentoj.agent.WorkClient;
import dev.bentoj.storage.control.ObjectStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bento agent}: one agent process, serving the worker types it is given. */
@Command(name = "agent", description = "Run one agent: long-poll the work API and run tasks.")
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--api", paramLabel = "URL", defaultValue = "${env:BENTO_API_URL:-http://127.0.0.1:8080}",
            description = "the server's base URL (env BENTO_API_URL; default ${DEFAULT-VALUE})")
    URI api;

    @Option(names = "--types", paramLabel = "LIST", split = ",", defaultValue = "exec,prove,join,aux,snark",
            description = "worker types to serve: exec, prove, join, aux, snark (default: all)")
    List<String> types;

    @Option(names = "--redis-url", defaultValue = "${env:BENTO_REDIS_URL:-redis://127.0.0.1:6379}",
            description = "Redis for job intermediates (env BENTO_REDIS_URL; default ${DEFAULT-VALUE})")
    String redisUrl;

    @Option(names = "--worker-id", paramLabel = "ID", description = "default: host name and process id")
    String workerId;

    @Option(names = "--worker-token", paramLabel = "TOKEN", defaultValue = "${env:BENTO_WORKER_TOKEN:-}",
            description = "the server's worker token (env BENTO_WORKER_TOKEN)")
    String workerToken;

    @Option(names = "--s3-url", defaultValue = "${env:BENTO_S3_URL:-http://127.0.0.1:9000}", description = "env BENTO_S3_URL")
    String s3Url;

    @Option(names = "--s3-bucket", defaultValue = "${env:BENTO_S3_BUCKET:-bento}", description = "env BENTO_S3_BUCKET")
    String s3Bucket;

    @Option(names = "--s3-access-key", defaultValue = "${env:BENTO_S3_ACCESS_KEY:-}", description = "env BENTO_S3_ACCESS_KEY")
    String s3AccessKey;

    @Option(names = "--s3-secret-key", defaultValue = "${env:BENTO_S3_SECRET_KEY:-}", description = "env BENTO_S3_SECRET_KEY")
    String s3SecretKey;

    @Option(names = "--poll-seconds", defaultValue = "20", description = "long-poll wait per claim (default ${DEFAULT-VALUE})")
    int pollSeconds;

    @Option(names = "--grace-seconds", defaultValue = "30",
            description = "on SIGTERM, how long a running task may finish before it is handed back (default ${DEFAULT-VALUE})")
    int graceSeconds;

    @Override
    public Integer call() {
        ObjectStore objects = ObjectStore.open(s3Url, s3Bucket, s3AccessKey, s3SecretKey);
        Intermediates redis = new Intermediates(redisUrl);
        redis.checkEvictionPolicy(Boolean.parseBoolean(System.getenv().getOrDefault("BENTO_REDIS_ALLOW_EVICTION", "false")));
        WorkClient client = new WorkClient(api, workerToken);
        ProofSettings settings = ProofSettings.fromEnvironment();
        Map<String, TaskHandler> handlers;
        try {
            handlers = TaskHandlers.of(types, objects, redis, client, settings);
        } catch (IllegalArgumentException e) {
            throw new GuestFiles.UserError(e.getMessage());
        }
        if (settings.insecure()) {
            System.err.println("bento agent: BENTO_INSECURE_TEST_PARAMS=true: proofs use INSECURE test parameters");
        }
        String id = workerId != null ? workerId : defaultWorkerId();
        Agent agent = new Agent(client, id, handlers, Duration.ofSeconds(pollSeconds));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.stop(Duration.ofSeconds(graceSeconds));
            objects.close();
            redis.close();
        }, "bento-agent-shutdown"));
        System.err.println("bento agent " + id + ": serving " + handlers.keySet() + " from " + api);
        agent.run();
        objects.close();
        redis.close();
        return 0;
    }

    private static String defaultWorkerId() {
        String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        return host + "-" + ProcessHandle.current().pid();
    }
}
