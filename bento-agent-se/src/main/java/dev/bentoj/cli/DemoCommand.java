package dev.bentoj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bentoj.zkvm.elf.ElfLoader;
import dev.bentoj.zkvm.elf.Program;
import dev.bentoj.zkvm.exec.ExecutionResult;
import dev.bentoj.zkvm.exec.Executor;
import dev.bentoj.zkvm.exec.ExecutorOptions;
import dev.bentoj.zkvm.image.MemoryImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code bento demo}: starts the embedded cluster (PostgreSQL, Redis, S3, the server and two
 * agents), runs the example guests as execute-only sessions through the Bonsai API, checks
 * each journal against the same computation done in Java, then proves a two-segment guest
 * through the cluster (segments of 2^16 rows, streamed to the provers), verifies the receipt
 * against the image id here, prints the timings, and stops everything. With {@code --local},
 * runs the guests in this process instead (no cluster, no proof).
 */
@Command(name = "demo", description = "Run the example guests through an embedded cluster and check what they committed.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--po2", paramLabel = "N", description = "segment size for --local: at most 2^N rows (default ${DEFAULT-VALUE})")
    int po2 = 16;

    @Option(names = "--local", description = "execute in this process, without starting a cluster")
    boolean local;

    @Option(names = "--data", paramLabel = "DIR", description = "cluster state folder (default: a fresh temporary folder)")
    Path data;

    @Option(names = "--secure", description = "prove with the secure parameters P96-B4 (several minutes on 2 cores) "
            + "instead of the fast insecure test parameters")
    boolean secure;

    @Option(names = "--no-prove", description = "execute-only sessions, no proof")
    boolean noProve;

    /** fib(8000): about 94 k cycles, two segments of 2^16 rows. */
    private static final int PROVE_FIB_N = 8000;

    /** One example: a guest, its input and the journal the host computes itself. */
    private record Example(String name, byte[] input, byte[] expectedJournal, String describe) {
    }

    @Override
    public Integer call() throws Exception {
        List<Example> examples = examples();
        return local ? runLocally(examples) : runThroughCluster(examples);
    }

    private static List<Example> examples() throws Exception {
        byte[] data = new byte[256 * 1024];
        new Random(42).nextBytes(data);
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(data);
        int n = 90;
        byte[] fibJournal = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(n).putLong(fibonacci(n)).array();
        return List.of(
                new Example("hello", new byte[0], "hello, world".getBytes(StandardCharsets.US_ASCII), "\"hello, world\""),
                new Example("sha256", data, sha, "SHA-256 of 256 KiB = " + Json.hex(sha).substring(0, 16) + "…"),
                new Example("fibonacci", ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(n).array(), fibJournal,
                        "fib(" + n + ") = " + Long.toUnsignedString(fibonacci(n))));
    }

    private int runThroughCluster(List<Example> examples) throws Exception {
        System.out.println("Bento-J demo: an embedded cluster (PostgreSQL, Redis, S3, the server, 2 agents) runs the "
                + "example guests as execute-only sessions");
        Path dir = data != null ? data : Files.createTempDirectory("bento-demo");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        boolean ok = true;
        long t0 = System.nanoTime();
        // The agents' per-task lines would drown the demo's own: warnings only.
        java.util.logging.Logger.getLogger("dev.bentoj.agent").setLevel(java.util.logging.Level.WARNING);
        dev.bentoj.agent.proving.ProofSettings settings = dev.bentoj.agent.proving.ProofSettings.fromEnvironment();
        if (!secure) {
            settings = settings.withInsecure(true);
        }
        try (EmbeddedCluster cluster = EmbeddedCluster.start(dir, port, 2, true, Duration.ofSeconds(240),
                line -> System.out.println("  " + line), java.util.Map.of("BENTO_SEGMENT_PO2", "16"), settings)) {
            BonsaiClient client = new BonsaiClient(cluster.apiUrl(), cluster.apiKey());
            for (Example e : examples) {
                byte[] elf = GuestFiles.example(e.name());
                String imageId = MemoryImage.of(ElfLoader.load(elf)).imageId().toHex();
                long s0 = System.nanoTime();
                client.uploadImage(imageId, elf);
                String session = client.createSession(imageId, client.uploadInput(e.input()), true);
                JsonNode status = client.awaitEnd(session, Duration.ofMinutes(5));
                long ms = (System.nanoTime() - s0) / 1_000_000;
                if (!"SUCCEEDED".equals(status.path("status").asText())) {
                    System.out.printf("%-10s session %s %s: %s%n", e.name(), session, status.path("status").asText(),
                            status.path("error_msg").asText());
                    ok = false;
                    continue;
                }
                JsonNode stats = status.path("stats");
                System.out.printf("%-10s image %s…  session %s…  SUCCEEDED in %,d ms  %,d cycles, %d segment(s)%n",
                        e.name(), imageId.substring(0, 12), session.substring(0, 8), ms, stats.path("cycles").asLong(),
                        stats.path("segments").asLong());
                ok &= report(e, client.journal(session));
                System.out.print(indent(new String(client.logs(session), StandardCharsets.UTF_8)));
            }
            if (!noProve) {
                ok &= prove(client, settings);
            }
        }
        System.out.printf("%s; the cluster is stopped (%.1f s in all)%n",
                ok ? "all journals match the host's own computation" : "MISMATCH: a session failed or committed something unexpected",
                (System.nanoTime() - t0) / 1e9);
        return ok ? 0 : 1;
    }

    /** Proves fib(8000) through the cluster, verifies the receipt here, prints what it took. */
    private static boolean prove(BonsaiClient client, dev.bentoj.agent.proving.ProofSettings settings) throws Exception {
        System.out.printf("proving fibonacci(%d) through the cluster: 2 segments of 2^16 rows, %s parameters%n", PROVE_FIB_N,
                settings.insecure() ? "INSECURE test (fast; --secure for P96-B4)" : "secure P96-B4");
        byte[] elf = GuestFiles.example("fibonacci");
        String imageId = MemoryImage.of(ElfLoader.load(elf)).imageId().toHex();
        client.uploadImage(imageId, elf);
        long t0 = System.nanoTime();
        String session = client.createSession(imageId, client.uploadInput(
                ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(PROVE_FIB_N).array()), false);
        JsonNode status;
        String shown = "";
        do {
            Thread.sleep(200);
            status = client.status(session);
            String state = status.path("state").asText("");
            if (!state.isEmpty() && !state.equals(shown) && "RUNNING".equals(status.path("status").asText())) {
                System.out.printf("  %6.1f s  %s%n", (System.nanoTime() - t0) / 1e9, state);
                shown = state;
            }
        } while ("RUNNING".equals(status.path("status").asText()));
        long proveMs = (System.nanoTime() - t0) / 1_000_000;
        if (!"SUCCEEDED".equals(status.path("status").asText())) {
            System.out.printf("proving session %s %s: %s%n", session, status.path("status").asText(),
                    status.path("error_msg").asText());
            return false;
        }
        byte[] bytes = client.download(status.path("receipt_url").asText());
        long v0 = System.nanoTime();
        try {
            var receipt = dev.bentoj.zkvm.receipt.ReceiptCodec.decode(bytes);
            dev.bentoj.zkvm.receipt.Verifier.verify(receipt, dev.bentoj.zkvm.hash.Digest.fromHex(imageId),
                    settings.policy(), dev.bentoj.zkvm.receipt.ExpectedExitCode.SUCCESS);
            long verifyMs = (System.nanoTime() - v0) / 1_000_000;
            JsonNode stats = status.path("stats");
            System.out.printf("fibonacci  session %s…  SUCCEEDED: %,d cycles in %d segments proven in %.1f s (%.0f Hz); "
                            + "receipt %,d bytes verified here in %d ms against image %s…; journal %s%n",
                    session.substring(0, 8), stats.path("cycles").asLong(), stats.path("segments").asLong(), proveMs / 1e3,
                    stats.path("cycles").asLong() * 1e3 / proveMs, bytes.length, verifyMs, imageId.substring(0, 12),
                    Json.hex(receipt.journal()));
            return true;
        } catch (dev.bentoj.zkvm.stark.VerificationException e) {
            System.out.println("the receipt does NOT verify: " + e.getMessage());
            return false;
        }
    }

    private int runLocally(List<Example> examples) {
        System.out.println("Bento-J demo: executing the example guests in this process (po2 " + po2 + ")");
        boolean ok = true;
        for (Example e : examples) {
            Program program = ElfLoader.load(GuestFiles.example(e.name()));
            long t0 = System.nanoTime();
            ExecutionResult r = new Executor(program, e.input(), ExecutorOptions.defaults().withPo2(po2)).run();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("%-10s image %s…  exit %d  %,d cycles in %,d segment(s), %d ms%n",
                    e.name(), MemoryImage.of(program).imageId().toHex().substring(0, 12), r.exitCode(),
                    r.userCycles(), r.segments(), ms);
            ok &= r.exitCode() == 0 && report(e, r.journal());
            System.out.print(indent(new String(r.log(), StandardCharsets.UTF_8)));
        }
        System.out.println(ok ? "all journals match the host's own computation"
                : "MISMATCH: a guest committed something other than expected");
        return ok ? 0 : 1;
    }

    private static boolean report(Example e, byte[] journal) {
        boolean matches = Arrays.equals(journal, e.expectedJournal());
        System.out.printf("%-10s journal: %s %s%n", "", e.describe(), matches ? "(matches)" : "(DOES NOT MATCH)");
        return matches;
    }

    private static String indent(String log) {
        return log.isEmpty() ? "" : log.lines().map(l -> "           log: " + l + "\n").reduce("", String::concat);
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
}
