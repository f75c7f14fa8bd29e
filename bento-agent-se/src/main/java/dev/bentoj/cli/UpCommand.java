package dev.bentoj.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code bento up}: server and agents with embedded PostgreSQL, Redis and S3, in the
 * foreground. Prints {@code BENTO_API_URL=…}, {@code BENTO_API_KEY=…} and
 * {@code BENTO_ADMIN_TOKEN=…} (for {@code bento admin}) on stdout when ready;
 * SIGTERM or Ctrl-C stops everything.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run server and agents with embedded PostgreSQL, Redis and S3 in the foreground.")
final class UpCommand implements Callable<Integer> {
    @Option(names = "--agents", paramLabel = "N", description = "agents to run (default ${DEFAULT-VALUE})")
    int agents = 2;

    @Option(names = "--port", paramLabel = "P", description = "HTTP port (default ${DEFAULT-VALUE})")
    int port = 8080;

    @Option(names = "--open", description = "no API key required (for local experiments)")
    boolean open;

    @Option(names = "--data", paramLabel = "DIR", description = "state folder (default: $BENTO_HOME or ~/.bento-j)")
    Path data;

    @Option(names = "--startup-timeout", paramLabel = "SECONDS", description = "default ${DEFAULT-VALUE}")
    int startupTimeoutSeconds = 180;

    @Override
    public Integer call() throws Exception {
        if (agents < 0 || agents > 64) {
            throw new GuestFiles.UserError("--agents must be between 0 and 64");
        }
        Path dir = data != null ? data : EmbeddedCluster.defaultDataDir();
        EmbeddedCluster cluster = EmbeddedCluster.start(dir, port, agents, open,
                Duration.ofSeconds(startupTimeoutSeconds), line -> System.err.println("bento: " + line));
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "bento-up-stop"));
        System.out.println("BENTO_API_URL=" + cluster.apiUrl());
        System.out.println("BENTO_API_KEY=" + cluster.apiKey());
        System.out.println("BENTO_ADMIN_TOKEN=" + cluster.adminToken());
        System.out.flush();
        int status = cluster.waitForServer();
        return status == 0 || status == 143 ? 0 : status;
    }
}
