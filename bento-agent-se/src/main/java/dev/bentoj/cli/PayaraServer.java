package dev.bentoj.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Bento-J server as a child process: Payara Micro running the bento-web WAR, launched from
 * the files the bento-agent-se build puts in {@code target/server/}. The child inherits this
 * process's environment, so {@code BENTO_*} variables configure it (see architecture.md).
 *
 * <p>{@code ./bento server} runs one in the foreground; {@code ./bento up} can run one beside
 * the embedded services.
 */
final class PayaraServer {
    /** The files in the server folder, as the build names them. */
    static final String PAYARA_JAR = "payara-micro.jar";
    static final String DRIVER_JAR = "postgresql.jar";
    static final String WAR = "bento-web.war";
    static final String PRE_BOOT = "pre-boot-commands.asadmin";

    /** The server's JVM options unless {@code BENTO_SERVER_JAVA_OPTS} says otherwise. */
    static final String DEFAULT_JAVA_OPTS = "-Xmx1g";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * Payara's message id for "Exception during lifecycle processing": the WAR failed to deploy
     * (bad configuration, database unreachable, failed migration). Payara Micro itself keeps
     * running without it, so we watch for this and give up at once.
     */
    private static final String DEPLOYMENT_FAILED = "NCLS-CORE-00026";

    private final Process process;
    private final int port;
    private volatile String deploymentFailure;

    private PayaraServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts Payara Micro on {@code port}; its log (stdout and stderr) is copied to {@code log},
     * which stays open.
     *
     * @param serverDir   the folder holding {@link #PAYARA_JAR}, {@link #DRIVER_JAR}, {@link #WAR}
     *                    and {@link #PRE_BOOT}
     * @param environment added to (and overriding) the inherited environment
     */
    static PayaraServer start(Path serverDir, int port, Map<String, String> environment, OutputStream log)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(serverDir, port, System.getenv("BENTO_SERVER_JAVA_OPTS")))
                .redirectErrorStream(true);
        pb.environment().putAll(environment);
        PayaraServer server = new PayaraServer(pb.start(), port);
        Thread pump = new Thread(() -> server.copyLog(log), "bento-server-log");
        pump.setDaemon(true);
        pump.start();
        return server;
    }

    /** The command line, exactly: {@code java OPTS -jar payara-micro.jar …}. */
    static List<String> command(Path serverDir, int port, String javaOpts) {
        for (String name : List.of(PAYARA_JAR, DRIVER_JAR, WAR, PRE_BOOT)) {
            if (!Files.isRegularFile(serverDir.resolve(name))) {
                throw new GuestFiles.UserError("server file " + serverDir.resolve(name) + " is missing: "
                        + "build with `mvn install -DskipTests` (./bento does it when sources change)");
            }
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String opts = javaOpts == null || javaOpts.isBlank() ? DEFAULT_JAVA_OPTS : javaOpts;
        cmd.addAll(List.of(opts.trim().split("\\s+")));
        cmd.addAll(List.of(
                "-jar", serverDir.resolve(PAYARA_JAR).toString(),
                // Instances coordinate through PostgreSQL; Hazelcast would multicast and bind the
                // external address. Never cluster Payara itself.
                "--nohazelcast",
                "--disablephonehome",
                "--addlibs", serverDir.resolve(DRIVER_JAR).toString(),
                "--prebootcommandfile", serverDir.resolve(PRE_BOOT).toString(),
                "--deploy", serverDir.resolve(WAR).toString(),
                "--contextroot", "/",
                "--port", Integer.toString(port)));
        return cmd;
    }

    /** The base URL clients use, on loopback. */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * Waits until {@code /health/ready} answers UP: the WAR is deployed, the schema migrated
     * and every dependency reachable.
     *
     * @throws ServerNotReady if the process ends first or {@code timeout} passes; the message
     *                        carries the last readiness answer
     */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/health/ready"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new ServerNotReady("the server exited with status " + process.exitValue() + " before it was ready");
            }
            if (deploymentFailure != null) {
                throw new ServerNotReady("the server could not deploy bento-web: " + deploymentFailure);
            }
            try {
                HttpResponse<String> r = HTTP.send(ready, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (ConnectException e) {
                last = "not listening on port " + port + " yet";
            } catch (IOException e) {
                last = e.toString();
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new ServerNotReady("the server was not ready after " + timeout.toSeconds() + " s; /health/ready: " + last);
    }

    /** Asks the server to stop (SIGTERM), and kills it if it is still running after {@code grace}. */
    void stop(Duration grace) throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Waits for the server to end and returns its exit status. */
    int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Copies the server's log line by line, and notes why when Payara reports a failed
     * deployment: in that log record (it ends with a line "]]"), the last "Caused by:", else the
     * exception's own line.
     */
    private void copyLog(OutputStream log) {
        // Not closed here: the caller owns the stream (it may be System.err).
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            boolean inFailure = false;
            String exception = null;
            String cause = null;
            for (String line; (line = in.readLine()) != null; ) {
                out.println(line);
                if (deploymentFailure == null && line.contains(DEPLOYMENT_FAILED)) {
                    inFailure = true;
                } else if (inFailure && line.startsWith("Caused by: ")) {
                    cause = line.substring("Caused by: ".length());
                } else if (inFailure && exception == null && line.matches("[\\w.$]+(Exception|Error)\\b.*")) {
                    exception = line;
                } else if (inFailure && line.strip().equals("]]")) {
                    String why = cause != null ? cause : exception != null ? exception : "see the server log";
                    // Chained messages repeat their causes up front; the end says what went wrong.
                    deploymentFailure = why.length() <= 400 ? why : "…" + why.substring(why.length() - 400);
                    inFailure = false;
                }
            }
        } catch (IOException e) {
            // The server's output closed: it has exited, which awaitReady and waitFor report.
        }
        out.flush();
    }

    /** The server did not become ready; the message says what was last seen. */
    static final class ServerNotReady extends RuntimeException {
        ServerNotReady(String message) {
            super(message);
        }
    }
}
