package dev.bentoj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bentoj.agent.Agent;
import dev.bentoj.agent.TaskHandler;
import dev.bentoj.agent.TaskHandlers;
import dev.bentoj.agent.WorkClient;
import dev.bentoj.agent.proving.ClaimedReceipt;
import dev.bentoj.agent.proving.JobKeys;
import dev.bentoj.agent.proving.ProofSettings;
import dev.bentoj.agent.proving.SnarkTask;
import dev.bentoj.storage.control.Intermediates;
import dev.bentoj.storage.control.ObjectStore;
import dev.bentoj.zkvm.elf.ElfLoader;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.image.MemoryImage;
import dev.bentoj.zkvm.receipt.Assumption;
import dev.bentoj.zkvm.receipt.ExpectedExitCode;
import dev.bentoj.zkvm.receipt.Receipt;
import dev.bentoj.zkvm.receipt.ReceiptClaim;
import dev.bentoj.zkvm.receipt.ReceiptCodec;
import dev.bentoj.zkvm.receipt.SegmentReceipt;
import dev.bentoj.zkvm.receipt.Verifier;
import dev.bentoj.zkvm.rv32im.SegmentProof;
import dev.bentoj.zkvm.rv32im.SegmentVerifier;
import dev.bentoj.zkvm.stark.VerifierPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proving sessions through a whole embedded cluster (PostgreSQL, Redis, S3Proxy, the server in
 * Payara Micro) at segment po2 16 with the insecure test parameters. Proving one segment takes
 * about a minute on the 2-core CI machine, so one session is really proven (two segments, with
 * a prove agent process killed mid-proof); the fault tests reuse its segment receipts through
 * stand-in prove handlers that write them (or tampered copies) to Redis.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProvingClusterIT {
    /** fib(8000): ~94 k cycles, two segments of 2^16 rows. */
    private static final int FIB_N = 8000;
    /** Lease of the tasks the executor creates: a killed prover's task is requeued within it. */
    private static final int TASK_LEASE_SECONDS = 6;
    private static final Pattern STATE = Pattern.compile("Setup|Executor|ProveSegments: \\d+/\\d+|RecursionJoin: \\d+/\\d+|Finalize");

    @TempDir
    static Path dataDir;

    private static EmbeddedCluster cluster;
    private static BonsaiClient client;
    private static ProofSettings settings;
    private static String imageId;
    /** The segment receipts of the session proven in the first test, for the stand-in provers. */
    private static List<SegmentReceipt> provenSegments;
    /** That session's whole receipt, as the server serves it. */
    private static byte[] provenReceipt;

    private final List<Agent> agents = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        settings = ProofSettings.secure().withInsecure(true).withTaskLeaseSeconds(TASK_LEASE_SECONDS);
        long t0 = System.nanoTime();
        cluster = EmbeddedCluster.start(dataDir, freePort(), 0, false, Duration.ofSeconds(240),
                line -> System.out.println("cluster: " + line), Map.of("BENTO_SEGMENT_PO2", "16"), settings);
        System.out.printf("cluster up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        client = new BonsaiClient(cluster.apiUrl(), cluster.apiKey());
        byte[] elf = GuestFiles.example("fibonacci");
        imageId = MemoryImage.of(ElfLoader.load(elf)).imageId().toHex();
        client.uploadImage(imageId, elf);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
        try {
            Path log = dataDir.resolve("server.log");
            if (Files.exists(log)) {
                Files.createDirectories(Path.of("target"));
                Files.copy(log, Path.of("target", "ProvingClusterIT-server.log"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("could not keep the server log: " + e);
        }
    }

    /** Sessions a test created: stopped after it, so that a failed test leaves no work behind. */
    private final List<String> sessions = new ArrayList<>();

    private String session(String input, boolean executeOnly) throws Exception {
        String s = client.createSession(imageId, input, executeOnly);
        sessions.add(s);
        return s;
    }

    @org.junit.jupiter.api.AfterEach
    void stopAgents() throws Exception {
        for (String s : sessions) {
            client.stop(s);
        }
        for (Agent a : agents) {
            a.stop(Duration.ofSeconds(5));
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    @Test
    @Order(1)
    void aMultiSegmentGuestIsProvenThroughTheClusterEvenWhenAProveAgentIsKilled() throws Exception {
        // Agent 1 executes, joins and finalizes; agent 2 proves; a third, a process of its own,
        // proves too and is killed with SIGKILL as soon as it has started a proof.
        agent("agent-1", List.of("exec", "join", "aux", "snark"));
        agent("agent-2", List.of("prove"));
        Process doomed = agentProcess("doomed-prover", "prove");
        try {
            CompletableFuture<String> started = firstLine(doomed, Pattern.compile("/\\d+ \\(prove, attempt 1\\): started"));
            long t0 = System.nanoTime();
            String proving = session(client.uploadInput(u32(FIB_N)), false);
            String executing = session(client.uploadInput(u32(FIB_N)), true);
            String line = started.get(120, TimeUnit.SECONDS);
            assertTrue(line.contains(proving), line);
            doomed.destroyForcibly();
            assertTrue(doomed.waitFor(10, TimeUnit.SECONDS));
            System.out.println("killed the prove agent process mid-proof: " + line);

            JsonNode exec = client.awaitEnd(executing, Duration.ofSeconds(60));
            assertEquals("SUCCEEDED", exec.path("status").asText(), exec.toString());
            assertTrue(exec.path("receipt_url").isNull() || exec.path("receipt_url").isMissingNode(), exec.toString());

            Set<String> states = ConcurrentHashMap.newKeySet();
            JsonNode status;
            long deadline = System.nanoTime() + Duration.ofMinutes(8).toNanos();
            do {
                Thread.sleep(250);
                status = client.status(proving);
                if (!status.path("state").isNull() && !status.path("state").asText().isEmpty()) {
                    states.add(status.path("state").asText());
                }
            } while ("RUNNING".equals(status.path("status").asText()) && System.nanoTime() < deadline);
            System.out.printf("proving session %s in %.1f s, states seen %s%n", status.path("status").asText(),
                    (System.nanoTime() - t0) / 1e9, states);
            assertEquals("SUCCEEDED", status.path("status").asText(), status.toString());
            for (String s : states) {
                assertTrue(STATE.matcher(s).matches(), "state " + s);
            }
            assertEquals(2, status.path("stats").path("segments").asInt(), status.toString());

            // The receipt: from receipt_url, the same bytes as GET /receipts/{id}'s url; it verifies.
            String receiptUrl = status.path("receipt_url").asText();
            assertTrue(receiptUrl.startsWith(cluster.apiUrl()), receiptUrl);
            byte[] bytes = download(receiptUrl);
            JsonNode byId = getJson(cluster.apiUrl() + "/receipts/" + proving);
            assertArrayEquals(bytes, download(byId.path("url").asText()));
            Receipt receipt = ReceiptCodec.decode(bytes);
            ReceiptClaim claim = Verifier.verify(receipt, Digest.fromHex(imageId), VerifierPolicy.insecureForTests(),
                    ExpectedExitCode.SUCCESS);
            assertNotNull(claim);
            assertEquals(2, receipt.inner().segments().size());
            assertArrayEquals(client.journal(executing), receipt.journal(), "the journal of both sessions");
            provenSegments = receipt.inner().segments();
            provenReceipt = bytes;
            // Secure verification refuses the insecure test parameters.
            assertTrue(refuses(receipt, VerifierPolicy.standard()));
            assertEquals(0, jobKeys(proving), "the job's Redis keys are removed when it ends");

            // SNARKs are not there yet: the job fails, saying so.
            String snark = createSnark(proving);
            JsonNode snarkStatus = awaitSnark(snark);
            assertEquals("FAILED", snarkStatus.path("status").asText(), snarkStatus.toString());
            assertTrue(snarkStatus.path("error_msg").asText().endsWith(SnarkTask.NOT_SUPPORTED), snarkStatus.toString());
        } finally {
            doomed.destroyForcibly();
        }
    }

    @Test
    @Order(2)
    void aJoinRefusesSegmentReceiptsThatDoNotChain() throws Exception {
        // Segment 0's Prove task writes segment 1's receipt and the other way round.
        String session = withStandInProver((index, proof) -> provenSegments.get(1 - index).proof());
        JsonNode status = client.awaitEnd(session, Duration.ofSeconds(60));
        assertEquals("FAILED", status.path("status").asText(), status.toString());
        String error = status.path("error_msg").asText();
        assertTrue(error.contains("join 2 refused") && error.contains("do not chain"), error);
        assertEquals(0, jobKeys(session), "a failed job's Redis keys are removed");
    }

    @Test
    @Order(3)
    void finalizeRefusesATamperedSegmentReceipt() throws Exception {
        // Segment 1's receipt carries its true claim, but one byte of its STARK proof is flipped.
        String session = withStandInProver((index, proof) -> {
            if (index == 0) {
                return proof;
            }
            byte[] stark = proof.stark().clone();
            stark[stark.length / 2] ^= 1;
            return new SegmentProof(proof.po2(), proof.prePc(), proof.postPc(), proof.halted(), proof.exitCode(),
                    proof.digestPtr(), proof.pageIndices(), proof.pagesBefore(), proof.pagesAfter(), proof.siblings(), stark);
        });
        JsonNode status = client.awaitEnd(session, Duration.ofSeconds(60));
        assertEquals("FAILED", status.path("status").asText(), status.toString());
        String error = status.path("error_msg").asText();
        assertTrue(error.contains("refused: the session's receipt does not verify: segment 1"), error);
        assertEquals(0, jobKeys(session));
    }

    @Test
    @Order(4)
    void aSessionStoppedWhileProvingIsAbortedAndItsOtherTasksNeverRun() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        CompletableFuture<String> proving = new CompletableFuture<>();
        // A prover that waits until its job is cancelled, as a long proof would.
        TaskHandler slow = (claim, cancelled) -> {
            ran.add(claim.taskId());
            proving.complete(claim.jobId());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!cancelled.getAsBoolean() && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
            }
            throw new TaskHandler.TaskFailure("cancelled", false);
        };
        Map<String, TaskHandler> handlers = new HashMap<>(handlers(List.of("exec", "join", "aux")));
        handlers.replaceAll((type, h) -> (claim, cancelled) -> {
            ran.add(claim.taskId());
            return h.run(claim, cancelled);
        });
        handlers.put("prove", slow);
        String session = session(client.uploadInput(u32(FIB_N)), false);
        agent("agent-stop", handlers);
        assertEquals(session, proving.get(30, TimeUnit.SECONDS));
        assertTrue(client.status(session).path("state").asText().startsWith("ProveSegments"));
        client.stop(session);
        JsonNode status = client.status(session);
        assertEquals("ABORTED", status.path("status").asText(), status.toString());
        Thread.sleep(3 * 1000L * TASK_LEASE_SECONDS / 3 + 1000); // a heartbeat or two
        assertEquals("ABORTED", client.status(session).path("status").asText());
        assertEquals(List.of("init", "0"), ran, "after the stop no task of the session runs");
        assertEquals(0, jobKeys(session), "a stopped job's Redis keys are removed");
    }

    // ------------------------------------------------------------------------------ helpers

    private interface Substitute {
        SegmentProof proofFor(int segment, SegmentProof honest);
    }

    /** A proving session whose Prove tasks write (altered) receipts of the first test's proof instead of proving. */
    @Test
    @Order(5)
    void anUploadedReceiptNamedAsAnAssumptionIsVerifiedAndCommittedToInTheNewReceipt() throws Exception {
        agent("agent-all", EmbeddedCluster.AGENT_TYPES);
        String assumption = client.uploadReceipt(provenReceipt);
        String proving = client.createSession(imageId, client.uploadInput(u32(10)), List.of(assumption));
        sessions.add(proving);
        JsonNode status = client.awaitEnd(proving, Duration.ofMinutes(4));
        assertEquals("SUCCEEDED", status.path("status").asText(), status.toString());
        Receipt receipt = ReceiptCodec.decode(download(status.path("receipt_url").asText()));
        ReceiptClaim claim = Verifier.verify(receipt, Digest.fromHex(imageId), VerifierPolicy.insecureForTests(),
                ExpectedExitCode.SUCCESS);
        Receipt assumed = ReceiptCodec.decode(provenReceipt);
        assertEquals(1, receipt.inner().assumptions().size());
        assertArrayEquals(assumed.claim().digest(), receipt.inner().assumptions().get(0).claimDigest());
        assertArrayEquals(Assumption.listDigest(receipt.inner().assumptions()), claim.assumptionsDigest());
    }

    private String withStandInProver(Substitute substitute) throws Exception {
        assertNotNull(provenSegments, "needs the receipt proven by the first test");
        Intermediates redis = new Intermediates(cluster.redisUrl());
        closeables.add(redis);
        SegmentVerifier verifier = new SegmentVerifier(VerifierPolicy.insecureForTests());
        TaskHandler standIn = (claim, cancelled) -> {
            int index = claim.payload().path("index").asInt();
            SegmentProof honest = provenSegments.get(index).proof();
            SegmentProof written = substitute.proofFor(index, honest);
            try {
                dev.bentoj.zkvm.rv32im.SegmentClaim segmentClaim;
                try {
                    segmentClaim = verifier.verify(written);
                } catch (dev.bentoj.zkvm.stark.VerificationException e) {
                    segmentClaim = verifier.verify(honest); // a tampered proof with the claim of the honest one
                }
                redis.put(claim.jobId(), JobKeys.receipt(claim.taskId()),
                        new ClaimedReceipt(segmentClaim, new SegmentReceipt(written)).encode());
            } catch (dev.bentoj.zkvm.stark.VerificationException e) {
                throw new TaskHandler.TaskFailure(e.getMessage(), false);
            }
            return null;
        };
        Map<String, TaskHandler> handlers = new HashMap<>(handlers(List.of("exec", "join", "aux")));
        handlers.put("prove", standIn);
        String session = session(client.uploadInput(u32(FIB_N)), false);
        agent("agent-standin", handlers);
        return session;
    }

    private Map<String, TaskHandler> handlers(List<String> types) {
        ObjectStore objects = ObjectStore.open(cluster.s3Url(), EmbeddedCluster.BUCKET, cluster.s3AccessKey(),
                cluster.s3SecretKey());
        Intermediates redis = new Intermediates(cluster.redisUrl());
        closeables.add(objects);
        closeables.add(redis);
        return TaskHandlers.of(types, objects, redis, new WorkClient(URI.create(cluster.apiUrl()), cluster.workerToken()),
                settings);
    }

    private void agent(String id, List<String> types) {
        agent(id, handlers(types));
    }

    private void agent(String id, Map<String, TaskHandler> handlers) {
        Agent agent = new Agent(new WorkClient(URI.create(cluster.apiUrl()), cluster.workerToken()), id, handlers,
                Duration.ofSeconds(2));
        Thread t = new Thread(agent::run, "test-" + id);
        t.setDaemon(true);
        t.start();
        agents.add(agent);
    }

    private static Process agentProcess(String id, String types) throws IOException {
        Path jar = Path.of("target", "bento-agent-se.jar").toAbsolutePath();
        assertTrue(Files.exists(jar), "the agent jar is built in the package phase: " + jar);
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-jar", jar.toString(), "agent", "--api", cluster.apiUrl(), "--types", types,
                "--worker-id", id, "--worker-token", cluster.workerToken(), "--s3-url", cluster.s3Url(),
                "--s3-bucket", EmbeddedCluster.BUCKET, "--s3-access-key", cluster.s3AccessKey(),
                "--s3-secret-key", cluster.s3SecretKey(), "--redis-url", cluster.redisUrl(), "--poll-seconds", "2")
                .redirectErrorStream(true);
        pb.environment().put("BENTO_INSECURE_TEST_PARAMS", "true");
        return pb.start();
    }

    /** The first line of the process's output that matches (it keeps reading, so the pipe never fills). */
    private static CompletableFuture<String> firstLine(Process p, Pattern pattern) {
        CompletableFuture<String> found = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (pattern.matcher(line).find()) {
                        found.complete(line);
                    }
                }
            } catch (IOException e) {
                found.completeExceptionally(e);
            }
            found.completeExceptionally(new IllegalStateException("the agent process ended"));
        });
        t.setDaemon(true);
        t.start();
        return found;
    }

    private static boolean refuses(Receipt receipt, VerifierPolicy policy) {
        try {
            Verifier.verify(receipt, Digest.fromHex(imageId), policy, ExpectedExitCode.SUCCESS);
            return false;
        } catch (dev.bentoj.zkvm.stark.VerificationException e) {
            return true;
        }
    }

    /** How many Redis keys the job still has. */
    private static long jobKeys(String job) throws Exception {
        // The agent deletes after the server recorded the task: give it a moment.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        try (redis.clients.jedis.JedisPooled r = new redis.clients.jedis.JedisPooled(URI.create(cluster.redisUrl()))) {
            while (true) {
                long n = r.keys("bento:job:" + job + ":*").size();
                if (n == 0 || System.nanoTime() > deadline) {
                    return n;
                }
                Thread.sleep(100);
            }
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static byte[] download(String url) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("x-api-key", cluster.apiKey())
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), url);
        return r.body();
    }

    private static JsonNode getJson(String url) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(download(url));
    }

    private static String createSnark(String session) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.apiUrl() + "/snark/create"))
                .header("x-api-key", cluster.apiKey()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"session_id\": \"" + session + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("uuid").asText();
    }

    private static JsonNode awaitSnark(String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            JsonNode s = getJson(cluster.apiUrl() + "/snark/status/" + id);
            if (!"RUNNING".equals(s.path("status").asText()) || System.nanoTime() > deadline) {
                return s;
            }
            Thread.sleep(100);
        }
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
