package dev.bentoj.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bento server}: the Bento-J server (Payara Micro with the bento-web WAR) in the
 * foreground, configured from the environment ({@code BENTO_DB_URL}, {@code BENTO_DB_USER},
 * {@code BENTO_DB_PASSWORD}, …, as architecture.md lists them). Prints
 * {@code BENTO_API_URL=http://127.0.0.1:P} once {@code /health/ready} answers UP; SIGTERM or
 * Ctrl-C stops the server and then this command.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the Bento-J server (Payara Micro with the bento-web WAR) in the foreground; "
                + "prints BENTO_API_URL=... on stdout once it is ready.",
        footer = {"", "Environment:",
                "  BENTO_DB_URL            default jdbc:postgresql://127.0.0.1:5432/bento",
                "  BENTO_DB_USER           default postgres",
                "  BENTO_DB_PASSWORD       default empty",
                "  BENTO_SERVER_JAVA_OPTS  JVM options of the server, default " + PayaraServer.DEFAULT_JAVA_OPTS,
                "  BENTO_SERVER_DIR        folder of payara-micro.jar, postgresql.jar and",
                "                          bento-web.war, default target/server beside the jar"})
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "P", description = "HTTP port (default ${DEFAULT-VALUE})")
    int port = 8080;

    @Option(names = "--startup-timeout", paramLabel = "SECONDS",
            description = "give up if not ready after this long (default ${DEFAULT-VALUE})")
    int startupTimeoutSeconds = 180;

    @Option(names = "--log", paramLabel = "FILE", description = "append the server's log to FILE instead of stderr")
    Path log;

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    @Override
    public Integer call() throws Exception {
        if (port < 1 || port > 65535) {
            throw new GuestFiles.UserError("--port must be between 1 and 65535, not " + port);
        }
        // The server's log goes to stderr (or FILE): stdout carries only the BENTO_API_URL line.
        OutputStream output = System.err;
        if (log != null) {
            Files.createDirectories(log.toAbsolutePath().getParent());
            output = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        long t0 = System.nanoTime();
        PayaraServer server = PayaraServer.start(serverDir(), port, Map.of(), output);
        // SIGTERM / Ctrl-C run the shutdown hooks: pass the stop on and wait for the server.
        Thread stopper = new Thread(() -> {
            try {
                server.stop(STOP_GRACE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bento-server-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            server.awaitReady(Duration.ofSeconds(startupTimeoutSeconds));
        } catch (PayaraServer.ServerNotReady e) {
            System.err.println("bento: " + e.getMessage() + (log != null ? " (log: " + log + ")" : ""));
            server.stop(STOP_GRACE);
            return 1;
        }
        System.err.printf("bento: server ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        System.out.println("BENTO_API_URL=" + server.url());
        System.out.flush();
        int status = server.waitFor();
        // 143: ended by a SIGTERM (ours, from the shutdown hook, or anyone's), a normal stop.
        return status == 0 || status == 143 ? 0 : status;
    }

    /** {@code target/server/} beside the agent jar (or beside target/classes when run from the build). */
    static Path serverDir() throws URISyntaxException {
        String override = System.getenv("BENTO_SERVER_DIR");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        Path code = Path.of(ServerCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return code.getParent().resolve("server");
    }
}
