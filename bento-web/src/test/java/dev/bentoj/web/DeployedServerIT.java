package dev.bentoj.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bentoj.storage.control.ObjectStore;
import dev.bentoj.storage.entity.ObjectNamespace;
import dev.bentoj.zkvm.elf.ElfLoader;
import dev.bentoj.zkvm.exec.ExecutionResult;
import dev.bentoj.zkvm.exec.Executor;
import dev.bentoj.zkvm.exec.ExecutorOptions;
import dev.bentoj.zkvm.exec.GuestFault;
import dev.bentoj.zkvm.image.MemoryImage;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WAR that {@code mvn package} just built, deployed in a real Payara Micro (launched as
 * {@code ./bento server} launches it) against a real PostgreSQL, the machine's Redis and an
 * S3Proxy started here, and called over HTTP as the Bonsai client and as an agent would
 * (bonsai-api.md §5 and §4 "Our decisions").
 *
 * <p>The Payara Micro adapter boots one server per deployment, so tests of the deployed server
 * belong in this class (one boot for the module). The server is configured by failsafe's
 * environment (bento-web/pom.xml), which this JVM sees too. The tests play the agent through
 * the work API: claim with the worker token, run the guest with the executor, write journal
 * and log to S3, report done or failed. Every session a test creates is stopped after it, so
 * no test's task is left for another test's claim.
 */
@ExtendWith(ArquillianExtension.class)
class DeployedServerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // what the Bonsai client speaks over plain http
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** User "default"'s key (BENTO_BOOTSTRAP_API_KEY, registered by the server at start). */
    private static final String KEY_A = env("BENTO_BOOTSTRAP_API_KEY");
    /** A second user's key, registered by {@link #registerSecondUser()} straight into the table. */
    private static final String KEY_B = "bento-it-key-of-user-b";
    private static final String WORKER_TOKEN = env("BENTO_WORKER_TOKEN");
    private static final String ADMIN_TOKEN = env("BENTO_ADMIN_TOKEN");
    private static final String PUBLIC_URL = env("BENTO_PUBLIC_URL");
    private static final String RISC0_VERSION = "3.0.5";
    private static final Pattern UUID_PATTERN =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Set<String> STATUSES = Set.of("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED");

    private static S3ProxyServer s3;
    /** The same bucket the server uses, for what an agent writes and to look at what the server stored. */
    private static ObjectStore objects;

    @ArquillianResource
    private URL deployment;

    /** Sessions created by the running test: stopped after it (stopping an ended one changes nothing). */
    private final List<String[]> createdSessions = new ArrayList<>();

    @Deployment(testable = false)
    static WebArchive war() throws Exception {
        // Runs before Payara boots: the server migrates this fresh database at deploy, and
        // finds its S3 server at the address the environment gives it.
        TestDatabase.recreate();
        s3 = S3ProxyServer.start(Path.of(System.getProperty("bento.it.s3proxy.jar")),
                Path.of(System.getProperty("bento.it.s3.dir")), env("BENTO_S3_URL"),
                env("BENTO_S3_ACCESS_KEY"), env("BENTO_S3_SECRET_KEY"));
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("bento.it.war")));
    }

    @BeforeAll
    static void registerSecondUser() throws Exception {
        // After the deployment (the schema exists): user "b" gets a key as `ApiKeys` stores one.
        try (Connection c = TestDatabase.connect();
             PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys (key_hash, user_id, label) "
                     + "VALUES (?, 'b', 'it') ON CONFLICT (key_hash) DO NOTHING")) {
            ps.setString(1, HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(KEY_B.getBytes(StandardCharsets.UTF_8))));
            ps.executeUpdate();
        }
        objects = ObjectStore.open(env("BENTO_S3_URL"), env("BENTO_S3_BUCKET"),
                env("BENTO_S3_ACCESS_KEY"), env("BENTO_S3_SECRET_KEY"));
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (objects != null) {
            objects.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    /**
     * The adapter reports success even when the WAR fails to deploy (Payara Micro keeps running
     * without it), so say so once instead of letting every test fail on a 404.
     */
    @BeforeEach
    void warIsDeployed() throws Exception {
        String health = get("/health", null).text();
        assertFalse(health.contains("No Application deployed"), "bento-web did not deploy; Payara's log is in "
                + "bento-web/target/failsafe-reports/" + getClass().getName() + "-output.txt");
    }

    @AfterEach
    void stopCreatedSessions() throws Exception {
        for (String[] s : createdSessions) {
            get("/sessions/stop/" + s[1], s[0]);
        }
    }

    // -------------------------------------------------------------------------------------------
    // Meta, auth, health, metrics, OpenAPI

    @Test
    void versionListsTheZkvmVersionWithoutAKey() throws Exception {
        Res r = get("/version", null);
        assertEquals(200, r.status(), r.text());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        JsonNode versions = r.json().get("risc0_zkvm");
        assertTrue(versions.isArray() && versions.size() > 0, r.text());
        assertTrue(versions.get(0).isTextual() && !versions.get(0).asText().isBlank(), r.text());
    }

    /** The pre-boot commands (payara-config) were applied: responses do not name the server. */
    @Test
    void responsesDoNotAdvertiseTheServer() throws Exception {
        Res r = get("/version", null);
        assertEquals(200, r.status(), r.text());
        assertTrue(r.headers().firstValue("X-Powered-By").isEmpty(), r.headers().map().toString());
        assertTrue(r.headers().firstValue("Server").isEmpty(), r.headers().map().toString());
    }

    @Test
    void quotasHaveTheSixIntegerFields() throws Exception {
        Res r = get("/user/quotas", KEY_A);
        assertEquals(200, r.status(), r.text());
        JsonNode q = r.json();
        for (String field : List.of("exec_cycle_limit", "concurrent_proofs", "cycle_budget", "cycle_usage",
                "dedicated_executor", "dedicated_gpu")) {
            assertTrue(q.has(field), field + " missing: " + r.text());
            assertTrue(q.get(field).isIntegralNumber(), field + " is not an integer: " + r.text());
        }
        assertTrue(q.get("dedicated_executor").canConvertToInt() && q.get("dedicated_gpu").canConvertToInt(), r.text());
        assertTrue(q.get("exec_cycle_limit").asLong() > 0, r.text());
    }

    @Test
    void bonsaiRoutesWithoutAnApiKeyAre401WithABody() throws Exception {
        String someId = UUID.randomUUID().toString();
        List<Res> answers = List.of(
                get("/user/quotas", null),
                get("/images/upload/" + hex64(1), null),
                get("/inputs/upload", null),
                get("/receipts/upload", null),
                get("/sessions/status/" + someId, null),
                get("/sessions/logs/" + someId, null),
                get("/sessions/stop/" + someId, null),
                get("/sessions/exec_only_journal/" + someId, null),
                postJson("/sessions/create", null, "{}"),
                delete("/inputs/" + someId, null),
                delete("/images/" + hex64(1), null),
                get("/sessions/status/" + someId, ""));
        for (Res r : answers) {
            assertEquals(401, r.status(), r.text());
            assertFalse(r.text().isBlank(), "a 401 needs a body that says why");
            assertEquals("Unauthorized", r.json().path("type").asText(), r.text());
            assertFalse(r.json().path("msg").asText().isBlank(), r.text());
        }
    }

    @Test
    void aWrongApiKeyIs401() throws Exception {
        for (String key : List.of("not-a-key", WORKER_TOKEN, KEY_A + "x")) {
            Res r = get("/user/quotas", key);
            assertEquals(401, r.status(), key + ": " + r.text());
            assertFalse(r.text().isBlank());
        }
    }

    @Test
    void workApiNeedsTheWorkerToken() throws Exception {
        String claim = "{\"worker_id\":\"it\",\"types\":[\"exec\"],\"wait_seconds\":0}";
        for (String token : new String[] {null, "wrong-token", KEY_A}) {
            Res r = work("/v1/work/claim", token, claim);
            assertEquals(401, r.status(), token + ": " + r.text());
            assertFalse(r.json().path("msg").asText().isBlank(), r.text());
        }
        // With the token, a call about a task that does not exist is answered, as 404.
        Res r = work("/v1/work/heartbeat", WORKER_TOKEN,
                "{\"job_id\":\"" + UUID.randomUUID() + "\",\"task_id\":\"init\",\"attempt\":1}");
        assertEquals(404, r.status(), r.text());
    }

    @Test
    void malformedWorkApiRequestsAre400() throws Exception {
        String job = UUID.randomUUID().toString();
        List<String[]> calls = List.of(
                new String[] {"claim", "{\"worker_id\":"},
                new String[] {"claim", "[]"},
                new String[] {"claim", "{\"types\":[\"exec\"]}"},
                new String[] {"claim", "{\"worker_id\":\"w\",\"types\":\"exec\"}"},
                new String[] {"claim", "{\"worker_id\":\"w\",\"types\":[\"gpu\"]}"},
                new String[] {"claim", "{\"worker_id\":\"w\",\"types\":[1]}"},
                new String[] {"heartbeat", "{\"job_id\":\"" + job + "\",\"task_id\":\"init\"}"},
                new String[] {"heartbeat", "{\"job_id\":\"" + job + "\",\"task_id\":\"init\",\"attempt\":\"1\"}"},
                new String[] {"done", "{\"job_id\":\"not-a-uuid\",\"task_id\":\"init\",\"attempt\":1}"},
                new String[] {"done", "{\"job_id\":\"" + job + "\",\"task_id\":7,\"attempt\":1}"},
                new String[] {"failed", "{\"job_id\":\"" + job + "\",\"task_id\":\"init\"}"},
                new String[] {"done", ""},
                new String[] {"done", "{\"job_id\":\"" + job + "\",\"task_id\":\"init\",\"attempt\":1.5}"},
                new String[] {"tasks", "{\"job_id\":\"" + job + "\",\"tasks\":[{\"type\":\"prove\"}]}"});
        List<String> wrong = new ArrayList<>();
        for (String[] call : calls) {
            Res r = work("/v1/work/" + call[0], WORKER_TOKEN, call[1]);
            if (r.status() != 400 || !r.contentType().startsWith("application/json")
                    || r.json().path("msg").asText().isBlank()) {
                wrong.add(call[0] + " " + call[1] + " → " + r.status() + " " + r.text().substring(0, Math.min(300, r.text().length())));
            }
        }
        assertTrue(wrong.isEmpty(), "not a 400 {type,msg}:\n" + String.join("\n", wrong));
    }

    @Test
    void readyWhenPostgresRedisAndS3Answer() throws Exception {
        Res r = get("/health/ready", null);
        assertEquals(200, r.status(), r.text());
        JsonNode health = r.json();
        assertEquals("UP", health.get("status").asText(), r.text());
        for (String name : List.of("postgresql", "redis", "s3")) {
            assertEquals("UP", check(health, name).get("status").asText(), r.text());
        }
        // Each follows its BENTO_* variable, not the built-in defaults.
        String database = TestDatabase.URL.substring(TestDatabase.URL.lastIndexOf('/') + 1);
        assertEquals(database, check(health, "postgresql").get("data").get("database").asText(), r.text());
        assertEquals(env("BENTO_S3_URL"), check(health, "s3").get("data").get("endpoint").asText(), r.text());
        assertEquals(env("BENTO_S3_BUCKET"), check(health, "s3").get("data").get("bucket").asText(), r.text());
    }

    @Test
    void liveAndOverallHealthAreUp() throws Exception {
        for (String path : new String[] {"/health/live", "/health"}) {
            Res r = get(path, null);
            assertEquals(200, r.status(), path + ": " + r.text());
            assertEquals("UP", r.json().get("status").asText(), path + ": " + r.text());
        }
    }

    @Test
    void schemaWasMigratedAtDeploy() throws SQLException {
        try (Connection c = TestDatabase.connect();
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT count(*) FROM flyway_schema_history WHERE success")) {
            assertTrue(rs.next());
            assertTrue(rs.getInt(1) > 0, "no successful Flyway migration recorded");
        }
    }

    @Test
    void metricsCountClaimedTasksByWorkerType() throws Exception {
        double before = claimedExecTasks(get("/metrics", null));
        String session = createSession(KEY_A, sessionBody(uploadImage("hello"), uploadInput(new byte[0]), true));
        claim(session);
        Res r = get("/metrics", null);
        assertEquals(200, r.status());
        assertTrue(claimedExecTasks(r) >= before + 1, "bento_tasks_claimed_total{type=exec} did not grow:\n"
                + grep(r.text(), "bento_"));
        assertTrue(r.text().contains("bento_tasks_ready"), grep(r.text(), "bento_"));
    }

    @Test
    void openApiDescribesTheApi() throws Exception {
        Res r = get("/openapi", null);
        assertEquals(200, r.status());
        for (String path : List.of("/version", "/sessions/create", "/images/upload/{imageId}", "/v1/work/claim")) {
            assertTrue(r.text().contains(path), "the OpenAPI document does not list " + path);
        }
        // Bodies are described with the names on the wire, not the Java ones.
        for (String name : List.of("execute_only", "exec_cycle_limit", "receipt_url", "error_msg", "elapsed_time",
                "total_cycles", "concurrent_proofs", "dedicated_gpu", "risc0_zkvm")) {
            assertTrue(r.text().contains(name + ":"), "the OpenAPI document does not name " + name);
        }
        for (String javaName : List.of("executeOnly", "execCycleLimit", "receiptUrl", "totalCycles", "dedicatedGpu")) {
            assertFalse(r.text().contains(javaName + ":"), "the OpenAPI document names " + javaName
                    + ", which is not on the wire");
        }
    }

    @Test
    void unknownRouteIs404AndWrongMethodIs405() throws Exception {
        assertEquals(404, get("/no/such/route", KEY_A).status());
        assertEquals(405, postJson("/sessions/status/" + UUID.randomUUID(), KEY_A, "{}").status());
    }

    // -------------------------------------------------------------------------------------------
    // Images (R1, R2, R13)

    @Test
    void imageUploadUrlIsAbsoluteAndBuiltFromThePublicUrl() throws Exception {
        String id = hex64(2);
        Res r = get("/images/upload/" + id, KEY_A);
        assertEquals(200, r.status(), r.text());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        assertEquals(PUBLIC_URL + "/images/upload/" + id, r.json().get("url").asText(), r.text());
    }

    @Test
    void uploadedImageIsStoredThenAnnouncedAs204WithAnEmptyBody() throws Exception {
        byte[] elf = guest("sha256");
        String id = imageId(elf);
        objects.delete(ObjectNamespace.ELF.key(id)); // whatever an earlier run or test left

        Res url = get("/images/upload/" + id, KEY_A);
        assertEquals(200, url.status(), url.text());
        Res put = put(fromPublic(url.json().get("url").asText()), KEY_A, elf);
        assertEquals(2, put.status() / 100, put.text());
        assertArrayEquals(elf, objects.get(ObjectNamespace.ELF.key(id)));

        Res again = get("/images/upload/" + id, KEY_A);
        assertEquals(204, again.status(), again.text());
        assertEquals(0, again.body().length, "204 must have an empty body");

        // A second PUT of the same bytes (the client retrying) succeeds and changes nothing.
        Res putAgain = put(fromPublic(url.json().get("url").asText()), KEY_A, elf);
        assertEquals(2, putAgain.status() / 100, putAgain.text());
        assertArrayEquals(elf, objects.get(ObjectNamespace.ELF.key(id)));
        // Another user sees the same content-addressed image.
        assertEquals(204, get("/images/upload/" + id, KEY_B).status());
    }

    @Test
    void anotherProgramUnderAnImageIdIs400ImageIdMismatch() throws Exception {
        String exit7 = imageId(guest("exit7"));
        String hello = imageId(guest("hello"));
        objects.delete(ObjectNamespace.ELF.key(exit7));
        Res r = put(api("/images/upload/" + exit7), KEY_A, guest("hello"));
        assertEquals(400, r.status(), r.text());
        assertEquals("ImageIdMismatch", r.json().path("type").asText(), r.text());
        assertTrue(r.json().path("msg").asText().contains(hello), r.text());
        assertFalse(objects.exists(ObjectNamespace.ELF.key(exit7)), "a refused upload must store nothing");
        assertEquals(200, get("/images/upload/" + exit7, KEY_A).status());
    }

    @Test
    void garbageImageIs400ImageInvalid() throws Exception {
        String id = hex64(3);
        byte[] garbage = new byte[4096];
        new Random(3).nextBytes(garbage);
        for (byte[] body : List.of(garbage, "not an ELF".getBytes(StandardCharsets.UTF_8), new byte[0])) {
            Res r = put(api("/images/upload/" + id), KEY_A, body);
            assertEquals(400, r.status(), r.text());
            assertEquals("ImageInvalid", r.json().path("type").asText(), r.text());
        }
        assertFalse(objects.exists(ObjectNamespace.ELF.key(id)));
    }

    @Test
    void malformedImageIdsAre400() throws Exception {
        byte[] elf = guest("hello");
        String upper = imageId(elf).toUpperCase();
        for (String id : List.of("0xABC", "NOTHEX", upper, "0x" + imageId(elf), imageId(elf).substring(1))) {
            Res r = get("/images/upload/" + id, KEY_A);
            assertEquals(400, r.status(), id + ": " + r.text());
            assertEquals("ImageInvalid", r.json().path("type").asText(), r.text());
            assertEquals(400, put(api("/images/upload/" + id), KEY_A, elf).status(), id);
            assertEquals(400, delete("/images/" + id, KEY_A).status(), id);
        }
    }

    @Test
    void deletedImageIsGoneAndCanBeUploadedAgain() throws Exception {
        String id = uploadImage("hello");
        Res d = delete("/images/" + id, KEY_A);
        assertEquals(2, d.status() / 100, d.text());
        assertFalse(objects.exists(ObjectNamespace.ELF.key(id)));
        Res r = get("/images/upload/" + id, KEY_A);
        assertEquals(200, r.status(), r.text());
        assertEquals(PUBLIC_URL + "/images/upload/" + id, r.json().get("url").asText());
        assertEquals(2, put(fromPublic(r.json().get("url").asText()), KEY_A, guest("hello")).status() / 100);
        assertEquals(204, get("/images/upload/" + id, KEY_A).status());
    }

    @Test
    void deletingAnUnknownImageIs404() throws Exception {
        Res r = delete("/images/" + hex64(4), KEY_A);
        assertEquals(404, r.status(), r.text());
        assertFalse(r.json().path("msg").asText().isBlank(), r.text());
    }

    // -------------------------------------------------------------------------------------------
    // Inputs and receipts (R3–R6, R14)

    @Test
    void inputUploadUrlsAreFreshUuidsUnderThePublicUrl() throws Exception {
        JsonNode first = get("/inputs/upload", KEY_A).json();
        Res second = get("/inputs/upload", KEY_A);
        assertEquals(200, second.status(), second.text());
        assertTrue(second.contentType().startsWith("application/json"), second.contentType());
        for (JsonNode u : List.of(first, second.json())) {
            String uuid = u.get("uuid").asText();
            assertTrue(UUID_PATTERN.matcher(uuid).matches(), u.toString());
            assertEquals(PUBLIC_URL + "/inputs/upload/" + uuid, u.get("url").asText());
        }
        assertNotEquals(first.get("uuid").asText(), second.json().get("uuid").asText());
    }

    @Test
    void anEmptyInputIsAccepted() throws Exception {
        JsonNode u = get("/inputs/upload", KEY_A).json();
        Res r = put(fromPublic(u.get("url").asText()), KEY_A, new byte[0]);
        assertEquals(2, r.status() / 100, r.text());
        assertArrayEquals(new byte[0], objects.get(ObjectNamespace.INPUT.key(u.get("uuid").asText())));
    }

    @Test
    void aChunkedMultiMebibyteInputIsStoredIntact() throws Exception {
        byte[] big = new byte[6 << 20];
        new Random(6).nextBytes(big);
        JsonNode u = get("/inputs/upload", KEY_A).json();
        long t0 = System.nanoTime();
        // No length known in advance: HTTP/1.1 chunked transfer encoding, as a streamed file upload.
        HttpRequest request = request(fromPublic(u.get("url").asText()), KEY_A)
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build();
        Res r = send(request);
        assertEquals(2, r.status() / 100, r.text());
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 30, "the client's timeout is 30 s");
        assertArrayEquals(big, objects.get(ObjectNamespace.INPUT.key(u.get("uuid").asText())));
    }

    @Test
    void inputsAreWriteOnce() throws Exception {
        JsonNode u = get("/inputs/upload", KEY_A).json();
        URI url = fromPublic(u.get("url").asText());
        assertEquals(2, put(url, KEY_A, bytes("first")).status() / 100);
        assertEquals(2, put(url, KEY_A, bytes("second")).status() / 100);
        assertArrayEquals(bytes("first"), objects.get(ObjectNamespace.INPUT.key(u.get("uuid").asText())));
    }

    @Test
    void deletedInputIsGoneAndUnknownOrMalformedInputIdsAreRefused() throws Exception {
        String input = uploadInput(bytes("to delete"));
        Res d = delete("/inputs/" + input, KEY_A);
        assertEquals(2, d.status() / 100, d.text());
        assertFalse(objects.exists(ObjectNamespace.INPUT.key(input)));
        assertEquals(404, delete("/inputs/" + input, KEY_A).status());
        assertEquals(404, delete("/inputs/" + UUID.randomUUID(), KEY_A).status());
        assertEquals(400, delete("/inputs/not-a-uuid", KEY_A).status());
        assertEquals(400, put(api("/inputs/upload/not-a-uuid"), KEY_A, bytes("x")).status());
        assertEquals(400, put(api("/inputs/upload/" + UUID.randomUUID().toString().toUpperCase()), KEY_A,
                bytes("x")).status());
    }

    @Test
    void receiptUploadUrlRefusesWhatIsNotAReceipt() throws Exception {
        Res r = get("/receipts/upload", KEY_A);
        assertEquals(200, r.status(), r.text());
        String uuid = r.json().get("uuid").asText();
        assertTrue(UUID_PATTERN.matcher(uuid).matches(), r.text());
        assertEquals(PUBLIC_URL + "/receipts/upload/" + uuid, r.json().get("url").asText());
        Res put = put(fromPublic(r.json().get("url").asText()), KEY_A, bytes("not a receipt"));
        assertEquals(400, put.status(), put.text());
        assertEquals("ReceiptInvalid", put.json().path("type").asText(), put.text());
        assertFalse(objects.exists(ObjectNamespace.STARK_RECEIPT.key(uuid)));
        // A session receipt and an uploaded one are fetched the same way; none is 404.
        assertEquals(404, get("/receipts/" + UUID.randomUUID(), KEY_A).status());
        assertEquals(404, get("/receipts/stark/receipt/" + UUID.randomUUID(), KEY_A).status());
    }

    // -------------------------------------------------------------------------------------------
    // Sessions: creation (R7)

    @Test
    void createWithTheFullBodyAnswersAUuid() throws Exception {
        ObjectNode body = sessionBody(uploadImage("hello"), uploadInput(new byte[0]), true);
        body.putNull("exec_cycle_limit");
        Res r = postJson("/sessions/create", KEY_A, body.toString());
        assertEquals(2, r.status() / 100, r.text());
        String uuid = r.json().get("uuid").asText();
        createdSessions.add(new String[] {KEY_A, uuid});
        assertTrue(UUID_PATTERN.matcher(uuid).matches(), r.text());

        JsonNode s = status(KEY_A, uuid);
        assertEquals("RUNNING", s.get("status").asText(), s.toString());
        assertTrue(isNullOrAbsent(s, "receipt_url"), s.toString());
        assertFalse(s.path("state").asText().isBlank(), "state is filled while RUNNING: " + s);
        assertTrue(s.path("elapsed_time").isNumber() && s.get("elapsed_time").asDouble() >= 0, s.toString());
    }

    @Test
    void createWithoutExecCycleLimitAnswersAUuid() throws Exception {
        ObjectNode body = sessionBody(uploadImage("hello"), uploadInput(new byte[0]), true);
        body.remove("exec_cycle_limit");
        String uuid = createSession(KEY_A, body);
        assertEquals("RUNNING", status(KEY_A, uuid).get("status").asText());
    }

    @Test
    void malformedJsonIs400() throws Exception {
        for (String json : List.of("{\"img\":", "not json", "{\"img\": \"a\",}", "")) {
            Res r = postJson("/sessions/create", KEY_A, json);
            assertEquals(400, r.status(), json + " → " + r.text());
            assertEquals("InvalidJson", r.json().path("type").asText(), r.text());
        }
    }

    @Test
    void jsonOfTheWrongShapeIs4xx() throws Exception {
        String img = uploadImage("hello");
        String input = uploadInput(new byte[0]);
        List<String> bodies = List.of(
                "{\"input\":\"" + input + "\",\"assumptions\":[],\"execute_only\":true}", // no img
                "{\"img\":\"" + img + "\",\"assumptions\":[],\"execute_only\":true}", // no input
                "{\"img\":\"" + img + "\",\"input\":\"" + input + "\",\"assumptions\":[],\"execute_only\":\"yes\"}",
                "{\"img\":\"" + img + "\",\"input\":\"" + input + "\",\"assumptions\":\"none\",\"execute_only\":true}",
                "{\"img\":\"" + img + "\",\"input\":\"" + input + "\",\"execute_only\":true,\"exec_cycle_limit\":\"many\"}",
                "[\"" + img + "\"]",
                "\"" + img + "\"",
                "null");
        for (String json : bodies) {
            Res r = postJson("/sessions/create", KEY_A, json);
            if (r.status() / 100 == 2) {
                createdSessions.add(new String[] {KEY_A, r.json().path("uuid").asText()});
            }
            assertEquals(4, r.status() / 100, json + " → " + r.status() + " " + r.text());
        }
    }

    @Test
    void createWithoutAJsonContentTypeIs415() throws Exception {
        String body = sessionBody(uploadImage("hello"), uploadInput(new byte[0]), true).toString();
        for (String contentType : new String[] {null, "text/plain"}) {
            HttpRequest.Builder b = request(api("/sessions/create"), KEY_A)
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (contentType != null) {
                b.header("Content-Type", contentType);
            }
            Res r = send(b.build());
            if (r.status() / 100 == 2) {
                createdSessions.add(new String[] {KEY_A, r.json().path("uuid").asText()});
            }
            assertEquals(415, r.status(), contentType + " → " + r.text());
        }
    }

    @Test
    void unknownImageInputOrAssumptionIs400() throws Exception {
        String img = uploadImage("hello");
        String input = uploadInput(new byte[0]);
        List<ObjectNode> bodies = new ArrayList<>(List.of(
                sessionBody(hex64(5), input, true),
                sessionBody(img, UUID.randomUUID().toString(), true),
                sessionBody("0x" + img, input, true),
                sessionBody(img, "not-a-uuid", true)));
        ObjectNode unknownAssumption = sessionBody(img, input, true);
        unknownAssumption.putArray("assumptions").add(UUID.randomUUID().toString());
        bodies.add(unknownAssumption);
        for (ObjectNode body : bodies) {
            Res r = postJson("/sessions/create", KEY_A, body.toString());
            if (r.status() / 100 == 2) {
                createdSessions.add(new String[] {KEY_A, r.json().path("uuid").asText()});
            }
            assertEquals(400, r.status(), body + " → " + r.text());
            assertFalse(r.json().path("type").asText().isBlank(), r.text());
            assertFalse(r.json().path("msg").asText().isBlank(), r.text());
        }
    }

    @Test
    void aProvingSessionWaitsForItsExecutorAndASnarkOfNoReceiptIsRefused() throws Exception {
        String uuid = createSession(KEY_A, sessionBody(uploadImage("hello"), uploadInput(new byte[0]), false));
        JsonNode s = status(KEY_A, uuid);
        assertEquals("RUNNING", s.get("status").asText(), s.toString());
        assertEquals("Executor", s.path("state").asText(), s.toString());
        assertTrue(isNullOrAbsent(s, "receipt_url"), s.toString());
        Res snark = postJson("/snark/create", KEY_A, "{\"session_id\": \"" + uuid + "\"}");
        assertEquals(400, snark.status(), snark.text());
        assertTrue(snark.json().path("msg").asText().contains("has no receipt"), snark.text());
        assertEquals(404, get("/snark/status/" + UUID.randomUUID(), KEY_A).status());
        assertEquals(404, get("/receipts/" + uuid, KEY_A).status());
        get("/sessions/stop/" + uuid, KEY_A);
        assertEquals("ABORTED", status(KEY_A, uuid).get("status").asText());
    }

    @Test
    void nonPositiveExecCycleLimitIs400() throws Exception {
        String img = uploadImage("hello");
        String input = uploadInput(new byte[0]);
        for (long limit : new long[] {0, -1}) {
            ObjectNode body = sessionBody(img, input, true);
            body.put("exec_cycle_limit", limit);
            Res r = postJson("/sessions/create", KEY_A, body.toString());
            if (r.status() / 100 == 2) {
                createdSessions.add(new String[] {KEY_A, r.json().path("uuid").asText()});
            }
            assertEquals(400, r.status(), limit + " → " + r.text());
        }
    }

    // -------------------------------------------------------------------------------------------
    // Sessions: status, scoping (R8–R11)

    @Test
    void unknownSessionIs404WithTypeAndMsgOnEveryRoute() throws Exception {
        String id = UUID.randomUUID().toString();
        for (String route : List.of("status", "logs", "stop", "exec_only_journal")) {
            Res r = get("/sessions/" + route + "/" + id, KEY_A);
            assertEquals(404, r.status(), route + ": " + r.text());
            assertTrue(r.contentType().startsWith("application/json"), route + ": " + r.contentType());
            assertFalse(r.json().path("type").asText().isBlank(), r.text());
            assertFalse(r.json().path("msg").asText().isBlank(), r.text());
        }
        assertEquals(404, get("/receipts/" + id, KEY_A).status());
    }

    @Test
    void aSessionIdThatIsNoUuidIs404Or400() throws Exception {
        for (String id : List.of("not-a-uuid", "1234", UUID.randomUUID() + "x")) {
            int status = get("/sessions/status/" + id, KEY_A).status();
            assertTrue(status == 404 || status == 400, id + " → " + status);
        }
    }

    @Test
    void anotherUsersSessionIs404AndCannotBeStopped() throws Exception {
        String uuid = createSession(KEY_A, sessionBody(uploadImage("hello"), uploadInput(new byte[0]), true));
        for (String route : List.of("status", "logs", "stop", "exec_only_journal")) {
            Res r = get("/sessions/" + route + "/" + uuid, KEY_B);
            assertEquals(404, r.status(), route + ": " + r.text());
            assertFalse(r.json().path("msg").asText().isBlank(), r.text());
        }
        assertEquals("RUNNING", status(KEY_A, uuid).get("status").asText(), "user b's stop must not abort a's session");
        // And the other way round: b's own session is b's alone.
        String bs = createSession(KEY_B, sessionBody(uploadImage("hello"), uploadInput(new byte[0]), true));
        assertEquals(200, get("/sessions/status/" + bs, KEY_B).status());
        assertEquals(404, get("/sessions/status/" + bs, KEY_A).status());
    }

    // -------------------------------------------------------------------------------------------
    // Sessions run by the test acting as the agent through the work API

    @Test
    void anExecuteOnlySessionRunsToSucceededThroughTheWorkApi() throws Exception {
        byte[] input = u32(50);
        String img = uploadImage("fibonacci");
        String inputId = uploadInput(input);
        String uuid = createSession(KEY_A, sessionBody(img, inputId, true));

        // Before an agent ran it: RUNNING, no journal, empty log.
        Res journalBefore = get("/sessions/exec_only_journal/" + uuid, KEY_A);
        assertEquals(404, journalBefore.status(), journalBefore.text());

        Claim c = claim(uuid);
        assertEquals("init", c.taskId());
        assertEquals(1, c.attempt());
        assertEquals("exec", c.type());
        assertEquals(img, c.payload().get("image_id").asText(), c.payload().toString());
        assertEquals(inputId, c.payload().get("input_id").asText(), c.payload().toString());
        assertTrue(c.payload().get("execute_only").asBoolean(), c.payload().toString());
        assertTrue(c.payload().get("cycle_limit").isIntegralNumber(), c.payload().toString());
        assertTrue(c.payload().get("po2").isInt(), c.payload().toString());
        JsonNode running = status(KEY_A, uuid);
        assertEquals("RUNNING", running.get("status").asText());
        assertEquals("Executor", running.path("state").asText(), running.toString());
        assertEquals(false, heartbeat(c, c.attempt()).json().get("cancelled").asBoolean());

        ExecutionResult result = execute(c);
        Res done = done(c, c.attempt(), result);
        assertEquals(2, done.status() / 100, done.text());

        JsonNode s = status(KEY_A, uuid);
        assertEquals("SUCCEEDED", s.get("status").asText(), s.toString());
        assertTrue(isNullOrAbsent(s, "error_msg"), s.toString());
        JsonNode stats = s.get("stats");
        assertEquals(result.segments(), stats.get("segments").asLong(), s.toString());
        assertEquals(result.totalCycles(), stats.get("total_cycles").asLong(), s.toString());
        assertEquals(result.userCycles(), stats.get("cycles").asLong(), s.toString());
        assertTrue(stats.get("segments").asLong() >= 1 && stats.get("total_cycles").asLong() >= stats.get("cycles").asLong());
        assertTrue(s.path("elapsed_time").isNumber(), s.toString());

        Res journal = get("/sessions/exec_only_journal/" + uuid, KEY_A);
        assertEquals(200, journal.status(), journal.text());
        assertTrue(journal.contentType().startsWith("application/octet-stream"), journal.contentType());
        // n = 50 then fib(50) = 12586269025, little-endian, exactly what the guest committed.
        byte[] expected = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(50).putLong(12586269025L).array();
        assertArrayEquals(expected, journal.body());

        Res logs = get("/sessions/logs/" + uuid, KEY_A);
        assertEquals(200, logs.status(), logs.text());
        assertTrue(logs.contentType().startsWith("text/plain"), logs.contentType());
        assertTrue(result.log().length > 0, "fibonacci logs a line");
        assertArrayEquals(result.log(), logs.body(), logs.text());

        // An execute-only session has no receipt; a repeated report of the same result is harmless.
        assertEquals(404, get("/receipts/" + uuid, KEY_A).status());
        assertEquals(2, done(c, c.attempt(), result).status() / 100);
        get("/sessions/stop/" + uuid, KEY_A);
        assertEquals("SUCCEEDED", status(KEY_A, uuid).get("status").asText(), "stop after the end changes nothing");
    }

    @Test
    void aStaleAttemptCannotHeartbeatOrComplete() throws Exception {
        String uuid = createSession(KEY_A, sessionBody(uploadImage("hello"), uploadInput(new byte[0]), true));
        Claim first = claim(uuid);
        Res failed = failTask(first, "object store: try again", true);
        assertEquals(2, failed.status() / 100, failed.text());
        Claim second = claim(uuid); // after the retry back-off
        assertEquals(first.taskId(), second.taskId());
        assertEquals(first.attempt() + 1, second.attempt());

        ExecutionResult result = execute(second);
        Res staleBeat = heartbeat(first, first.attempt());
        assertEquals(409, staleBeat.status(), staleBeat.text());
        Res staleDone = done(first, first.attempt(), result);
        assertEquals(409, staleDone.status(), staleDone.text());
        assertEquals("STALE_ATTEMPT", staleDone.json().path("type").asText(), staleDone.text());
        assertEquals("RUNNING", status(KEY_A, uuid).get("status").asText(), "a stale result must not end the session");

        assertEquals(2, done(second, second.attempt(), result).status() / 100);
        assertEquals("SUCCEEDED", status(KEY_A, uuid).get("status").asText());
    }

    @Test
    void aNonRetryableInitFailureFailsTheSessionWithItsError() throws Exception {
        String uuid = createSession(KEY_A, sessionBody(uploadImage("exit7"), uploadInput(new byte[0]), true));
        Claim c = claim(uuid);
        ExecutionResult result = execute(c);
        assertEquals(7, result.exitCode());
        Res failed = failTask(c, "guest exited with code 7", false);
        assertEquals(2, failed.status() / 100, failed.text());

        JsonNode s = status(KEY_A, uuid);
        assertEquals("FAILED", s.get("status").asText(), s.toString());
        assertTrue(s.path("error_msg").asText().contains("guest exited with code 7"), s.toString());
        assertTrue(isNullOrAbsent(s, "receipt_url") && isNullOrAbsent(s, "stats"), s.toString());
        // The log the agent wrote is still served, and a late result is refused.
        assertArrayEquals(result.log(), get("/sessions/logs/" + uuid, KEY_A).body());
        assertEquals(409, done(c, c.attempt(), result).status());
    }

    @Test
    void aStoppedSessionIsAbortedAndItsRunningTaskLearnsAtItsHeartbeat() throws Exception {
        String uuid = createSession(KEY_A, sessionBody(uploadImage("hello"), uploadInput(new byte[0]), true));
        Claim c = claim(uuid);
        Res stop = get("/sessions/stop/" + uuid, KEY_A);
        assertEquals(2, stop.status() / 100, stop.text());

        JsonNode s = status(KEY_A, uuid);
        assertEquals("ABORTED", s.get("status").asText(), s.toString());
        Res beat = heartbeat(c, c.attempt());
        assertEquals(200, beat.status(), beat.text());
        assertTrue(beat.json().get("cancelled").asBoolean(), beat.text());

        Res late = done(c, c.attempt(), execute(c));
        assertEquals(409, late.status(), late.text());
        assertEquals(2, get("/sessions/stop/" + uuid, KEY_A).status() / 100, "stopping twice is harmless");
        assertEquals("ABORTED", status(KEY_A, uuid).get("status").asText(), "never SUCCEEDED after a stop");
    }

    @Test
    void execCycleLimitIsInUnitsOf2To20CyclesAndFailsAGuestThatRunsPastIt() throws Exception {
        ObjectNode body = sessionBody(uploadImage("bigmem"), uploadInput(new byte[0]), true);
        body.put("exec_cycle_limit", 1);
        String uuid = createSession(KEY_A, body);
        Claim c = claim(uuid);
        assertEquals(1L << 20, c.payload().get("cycle_limit").asLong(), c.payload().toString());

        GuestFault fault = assertThrows(GuestFault.class, () -> execute(c), "bigmem runs more than 2^20 cycles");
        Res failed = failTask(c, fault.getMessage(), false);
        assertEquals(2, failed.status() / 100, failed.text());
        JsonNode s = status(KEY_A, uuid);
        assertEquals("FAILED", s.get("status").asText(), s.toString());
        assertTrue(s.path("error_msg").asText().contains("cycle limit of 1048576 cycles exceeded"), s.toString());
    }

    @Test
    void execCycleLimitIsCappedByTheServerLimit() throws Exception {
        long serverLimit = get("/user/quotas", KEY_A).json().get("exec_cycle_limit").asLong() << 20;
        String img = uploadImage("hello");
        String input = uploadInput(new byte[0]);
        ObjectNode huge = sessionBody(img, input, true);
        huge.put("exec_cycle_limit", Long.MAX_VALUE);
        ObjectNode nullLimit = sessionBody(img, input, true);
        nullLimit.putNull("exec_cycle_limit");
        ObjectNode omitted = sessionBody(img, input, true);
        omitted.remove("exec_cycle_limit");
        ObjectNode small = sessionBody(img, input, true);
        small.put("exec_cycle_limit", 3);
        Map<ObjectNode, Long> expected = new LinkedHashMap<>();
        expected.put(huge, serverLimit);
        expected.put(nullLimit, serverLimit);
        expected.put(omitted, serverLimit);
        expected.put(small, 3L << 20);
        for (Map.Entry<ObjectNode, Long> e : expected.entrySet()) {
            Claim c = claim(createSession(KEY_A, e.getKey()));
            assertEquals(e.getValue(), c.payload().get("cycle_limit").asLong(), e.getKey() + " → " + c.payload());
        }
    }

    // -------------------------------------------------------------------------------------------
    // Admin API: stream priorities and API keys (admin token), v1:reserved:N keys

    @Test
    void adminRoutesNeedTheAdminToken() throws Exception {
        for (String token : new String[] {null, "", "wrong-token", WORKER_TOKEN, KEY_A}) {
            List<Res> answers = List.of(
                    admin("GET", "/admin/users/it-any/streams", token, null),
                    admin("PUT", "/admin/users/it-any/streams/prove", token, "{\"reserved\":1}"),
                    admin("POST", "/admin/users/it-any/keys", token, ""),
                    admin("GET", "/admin/users/it-any/keys", token, null),
                    admin("DELETE", "/admin/keys/0123456789ab", token, null));
            for (Res r : answers) {
                assertEquals(401, r.status(), token + ": " + r.text());
                assertEquals("Unauthorized", r.json().path("type").asText(), r.text());
                assertFalse(r.json().path("msg").asText().isBlank(), r.text());
            }
        }
        // An API key opens the Bonsai API, not the admin API.
        Res withApiKey = send(request(api("/admin/users/it-any/streams"), KEY_A).GET().build());
        assertEquals(401, withApiKey.status(), withApiKey.text());
        assertEquals(404, admin("GET", "/admin/nothing/here", ADMIN_TOKEN, null).status());
    }

    @Test
    void adminSetsAndReadsAUsersStreamPriorities() throws Exception {
        Res set = admin("PUT", "/admin/users/it-streams/streams/prove", ADMIN_TOKEN,
                "{\"reserved\": 2, \"multiplier\": 1.5}");
        assertEquals(200, set.status(), set.text());
        assertEquals("prove", set.json().get("type").asText(), set.text());
        assertEquals(2, set.json().get("reserved").asInt(), set.text());
        assertEquals(1.5, set.json().get("multiplier").asDouble(), set.text());
        assertEquals(0, set.json().get("running").asInt(), set.text());

        Res partial = admin("PUT", "/admin/users/it-streams/streams/prove", ADMIN_TOKEN, "{\"multiplier\": 3}");
        assertEquals(200, partial.status(), partial.text());
        assertEquals(2, partial.json().get("reserved").asInt(), "a field left out keeps its value: " + partial.text());
        assertEquals(3.0, partial.json().get("multiplier").asDouble(), partial.text());

        Res read = admin("GET", "/admin/users/it-streams/streams", ADMIN_TOKEN, null);
        assertEquals(200, read.status(), read.text());
        assertEquals("it-streams", read.json().get("user").asText(), read.text());
        Map<String, JsonNode> byType = new LinkedHashMap<>();
        read.json().get("streams").forEach(s -> byType.put(s.get("type").asText(), s));
        assertEquals(Set.of("exec", "prove", "join", "aux", "snark"), byType.keySet(), read.text());
        assertEquals(2, byType.get("prove").get("reserved").asInt(), read.text());
        assertEquals(3.0, byType.get("prove").get("multiplier").asDouble(), read.text());
        assertEquals(0, byType.get("exec").get("reserved").asInt(), "defaults where nothing was set: " + read.text());
        assertEquals(1.0, byType.get("exec").get("multiplier").asDouble(), read.text());

        for (String[] bad : new String[][] {
                {"/admin/users/it-streams/streams/gpu", "{\"reserved\": 1}"},
                {"/admin/users/it-streams/streams/prove", "{\"reserved\": -1}"},
                {"/admin/users/it-streams/streams/prove", "{\"reserved\": 1.5}"},
                {"/admin/users/it-streams/streams/prove", "{\"reserved\": \"two\"}"},
                {"/admin/users/it-streams/streams/prove", "{\"multiplier\": 0}"},
                {"/admin/users/it-streams/streams/prove", "{\"multiplier\": -1}"},
                {"/admin/users/it-streams/streams/prove", "{}"},
                {"/admin/users/it-streams/streams/prove", "{\"reserved\":"},
                {"/admin/users/not%20valid/streams/prove", "{\"reserved\": 1}"}}) {
            Res r = admin("PUT", bad[0], ADMIN_TOKEN, bad[1]);
            assertEquals(400, r.status(), bad[0] + " " + bad[1] + " → " + r.text());
            assertFalse(r.json().path("msg").asText().isBlank(), r.text());
        }
    }

    @Test
    void anIssuedKeyWorksUntilItIsRevoked() throws Exception {
        Res issued = admin("POST", "/admin/users/it-user-c/keys", ADMIN_TOKEN, "{\"label\": \"laptop\"}");
        assertEquals(201, issued.status(), issued.text());
        String key = issued.json().get("key").asText();
        String prefix = issued.json().get("hash_prefix").asText();
        assertEquals("it-user-c", issued.json().get("user").asText(), issued.text());
        assertTrue(prefix.matches("[0-9a-f]{12}"), issued.text());
        assertTrue(prefix.equals(sha256Hex(key).substring(0, 12)), "the prefix is the start of the key's SHA-256");
        assertEquals(200, get("/user/quotas", key).status(), "a new key works at once");

        Res listed = admin("GET", "/admin/users/it-user-c/keys", ADMIN_TOKEN, null);
        assertEquals(200, listed.status(), listed.text());
        assertFalse(listed.text().contains(key), "a key is never shown again: " + listed.text());
        JsonNode k = listed.json().get("keys").get(0);
        assertEquals(prefix, k.get("hash_prefix").asText(), listed.text());
        assertEquals("laptop", k.get("label").asText(), listed.text());
        assertTrue(isNullOrAbsent(k, "revoked_at"), listed.text());

        Res revoked = admin("DELETE", "/admin/keys/" + prefix, ADMIN_TOKEN, null);
        assertEquals(200, revoked.status(), revoked.text());
        assertFalse(isNullOrAbsent(revoked.json(), "revoked_at"), revoked.text());
        assertEquals(401, get("/user/quotas", key).status(), "a revoked key is refused");
        assertEquals(200, admin("DELETE", "/admin/keys/" + prefix, ADMIN_TOKEN, null).status(), "revoking again changes nothing");

        // Given in clear, a key is revoked as well; unknown keys and prefixes are 404, short prefixes 404 too.
        String other = admin("POST", "/admin/users/it-user-c/keys", ADMIN_TOKEN, "").json().get("key").asText();
        assertEquals(200, get("/user/quotas", other).status());
        assertEquals(200, admin("DELETE", "/admin/keys/" + other, ADMIN_TOKEN, null).status());
        assertEquals(401, get("/user/quotas", other).status());
        assertEquals(404, admin("DELETE", "/admin/keys/" + "f".repeat(40), ADMIN_TOKEN, null).status());
        assertEquals(404, admin("DELETE", "/admin/keys/abc", ADMIN_TOKEN, null).status());
    }

    @Test
    void aV1ReservedKeyIsHonouredOnlyOnceRegisteredAndReservesEveryWorkerType() throws Exception {
        String key = "v1:reserved:3";
        assertEquals(401, get("/user/quotas", key).status(), "an unregistered v1:reserved key is just an unknown key");

        Res issued = admin("POST", "/admin/users/it-broker/keys", ADMIN_TOKEN, "{\"key\": \"" + key + "\"}");
        assertEquals(201, issued.status(), issued.text());
        assertEquals(key, issued.json().get("key").asText(), issued.text());
        assertEquals(3, issued.json().get("reserved").asInt(), issued.text());
        Res again = admin("POST", "/admin/users/it-other/keys", ADMIN_TOKEN, "{\"key\": \"" + key + "\"}");
        assertEquals(409, again.status(), "a key belongs to one user: " + again.text());

        Res streams = admin("GET", "/admin/users/it-broker/streams", ADMIN_TOKEN, null);
        for (JsonNode s : streams.json().get("streams")) {
            assertEquals(3, s.get("reserved").asInt(), streams.text());
        }
        Res quotas = get("/user/quotas", key);
        assertEquals(200, quotas.status(), quotas.text());
        assertEquals(3, quotas.json().get("dedicated_executor").asInt(), quotas.text());
        assertEquals(3, quotas.json().get("dedicated_gpu").asInt(), quotas.text());

        // Its sessions go first: the reserved user's younger session is claimed before two older ones.
        String img = uploadImage("hello");
        String input = uploadInput(new byte[0]);
        createSession(KEY_A, sessionBody(img, input, true));
        createSession(KEY_A, sessionBody(img, input, true));
        String reserved = createSession(key, sessionBody(img, input, true));
        Res r = work("/v1/work/claim", WORKER_TOKEN,
                "{\"worker_id\":\"deployed-server-it\",\"types\":[\"exec\"],\"wait_seconds\":5,\"max\":1}");
        assertEquals(200, r.status(), r.text());
        assertEquals(reserved, r.json().get("tasks").get(0).get("job_id").asText(), r.text());
    }

    @Test
    void aV1ReservedKeyRegisteredElsewhereReservesItsUsersNewStreamsAtFirstUse() throws Exception {
        // As the bootstrap key or a key written into the table is registered: not through the admin API.
        String key = "v1:reserved:4";
        try (Connection c = TestDatabase.connect();
             PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys (key_hash, user_id, label) "
                     + "VALUES (?, 'it-miner', 'it') ON CONFLICT (key_hash) DO NOTHING")) {
            ps.setString(1, sha256Hex(key));
            ps.executeUpdate();
        }
        Res first = get("/user/quotas", key);
        assertEquals(200, first.status(), first.text());
        assertEquals(4, first.json().get("dedicated_executor").asInt(), first.text());
        assertEquals(4, first.json().get("dedicated_gpu").asInt(), first.text());
        // What the administrator sets afterwards stays: the key only reserves streams it creates.
        assertEquals(200, admin("PUT", "/admin/users/it-miner/streams/exec", ADMIN_TOKEN, "{\"reserved\": 1}").status());
        Res later = get("/user/quotas", key);
        assertEquals(1, later.json().get("dedicated_executor").asInt(), later.text());
        assertEquals(4, later.json().get("dedicated_gpu").asInt(), later.text());
    }

    // -------------------------------------------------------------------------------------------
    // The agent's side

    /** A claimed task, as the work API hands it out. */
    private record Claim(String jobId, String taskId, int attempt, String type, JsonNode payload) {
    }

    /**
     * Claims the init task of {@code session}. A task of another session would be a leftover
     * of a test that failed before registering its session: it is failed for good, so that it
     * cannot disturb the tests after it.
     */
    private Claim claim(String session) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            Res r = work("/v1/work/claim", WORKER_TOKEN,
                    "{\"worker_id\":\"deployed-server-it\",\"types\":[\"exec\"],\"wait_seconds\":5,\"max\":1}");
            if (r.status() == 204) {
                continue;
            }
            assertEquals(200, r.status(), r.text());
            JsonNode t = r.json().get("tasks").get(0);
            Claim c = new Claim(t.get("job_id").asText(), t.get("task_id").asText(), t.get("attempt").asInt(),
                    t.get("type").asText(), t.get("payload"));
            assertTrue(t.get("lease_seconds").asInt() > 0, r.text());
            if (c.jobId().equals(session)) {
                return c;
            }
            failTask(c, "left over by an earlier test; failed by DeployedServerIT", false);
        }
        throw new AssertionError("no task of session " + session + " could be claimed within 20 s");
    }

    /** What the agent's ExecuteTask does: ELF and input from S3, run, journal and log to S3. */
    private static ExecutionResult execute(Claim c) {
        JsonNode p = c.payload();
        byte[] elf = objects.get(ObjectNamespace.ELF.key(p.get("image_id").asText()));
        byte[] input = objects.get(ObjectNamespace.INPUT.key(p.get("input_id").asText()));
        ExecutorOptions options = ExecutorOptions.defaults().withPo2(p.get("po2").asInt())
                .withCycleLimit(p.get("cycle_limit").asLong());
        ExecutionResult result = new Executor(ElfLoader.load(elf), input, options).run();
        objects.put(ObjectNamespace.JOURNAL.key(c.jobId()), result.journal());
        objects.put(ObjectNamespace.LOG.key(c.jobId()), result.log());
        return result;
    }

    private Res done(Claim c, int attempt, ExecutionResult r) throws Exception {
        ObjectNode body = taskRef(c, attempt);
        ObjectNode output = body.putObject("output");
        output.put("segments", r.segments());
        output.put("total_cycles", r.totalCycles());
        output.put("cycles", r.userCycles());
        output.put("exit_code", Integer.toUnsignedLong(r.exitCode()));
        return work("/v1/work/done", WORKER_TOKEN, body.toString());
    }

    private Res failTask(Claim c, String error, boolean retryable) throws Exception {
        ObjectNode body = taskRef(c, c.attempt());
        body.put("error", error);
        body.put("retryable", retryable);
        return work("/v1/work/failed", WORKER_TOKEN, body.toString());
    }

    private Res heartbeat(Claim c, int attempt) throws Exception {
        return work("/v1/work/heartbeat", WORKER_TOKEN, taskRef(c, attempt).toString());
    }

    private static ObjectNode taskRef(Claim c, int attempt) {
        ObjectNode body = JSON.createObjectNode();
        body.put("job_id", c.jobId());
        body.put("task_id", c.taskId());
        body.put("attempt", attempt);
        body.put("type", c.type());
        return body;
    }

    // -------------------------------------------------------------------------------------------
    // The client's side

    /** Uploads an example guest as the Bonsai client does (GET the URL, PUT unless 204); its image id. */
    private String uploadImage(String name) throws Exception {
        byte[] elf = guest(name);
        String id = imageId(elf);
        Res r = get("/images/upload/" + id, KEY_A);
        if (r.status() == 204) {
            return id;
        }
        assertEquals(200, r.status(), r.text());
        Res put = put(fromPublic(r.json().get("url").asText()), KEY_A, elf);
        assertEquals(2, put.status() / 100, put.text());
        return id;
    }

    private String uploadInput(byte[] input) throws Exception {
        Res r = get("/inputs/upload", KEY_A);
        assertEquals(200, r.status(), r.text());
        Res put = put(fromPublic(r.json().get("url").asText()), KEY_A, input);
        assertEquals(2, put.status() / 100, put.text());
        return r.json().get("uuid").asText();
    }

    /** The body the Bonsai client sends (it always sends every key). */
    private static ObjectNode sessionBody(String img, String input, boolean executeOnly) {
        ObjectNode body = JSON.createObjectNode();
        body.put("img", img);
        body.put("input", input);
        body.putArray("assumptions");
        body.put("execute_only", executeOnly);
        body.putNull("exec_cycle_limit");
        return body;
    }

    private String createSession(String key, ObjectNode body) throws Exception {
        Res r = postJson("/sessions/create", key, body.toString());
        assertEquals(2, r.status() / 100, body + " → " + r.text());
        String uuid = r.json().get("uuid").asText();
        createdSessions.add(new String[] {key, uuid});
        return uuid;
    }

    private JsonNode status(String key, String uuid) throws Exception {
        Res r = get("/sessions/status/" + uuid, key);
        assertEquals(200, r.status(), r.text());
        JsonNode s = r.json();
        assertTrue(STATUSES.contains(s.path("status").asText()), r.text());
        return s;
    }

    // -------------------------------------------------------------------------------------------
    // HTTP

    /** An answer, its body kept as bytes. */
    private record Res(int status, HttpHeaders headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + text(), e);
            }
        }

        String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }
    }

    private URI api(String path) {
        // The adapter reports the machine's external address; the server is reached on loopback.
        return URI.create("http://localhost:" + deployment.getPort() + path);
    }

    /** A URL the server handed out: it must start with BENTO_PUBLIC_URL; mapped to where the server listens. */
    private URI fromPublic(String url) {
        assertTrue(url.startsWith(PUBLIC_URL + "/"), url + " is not under BENTO_PUBLIC_URL " + PUBLIC_URL);
        return api(url.substring(PUBLIC_URL.length()));
    }

    /** A request as the Bonsai client sends it: its two default headers (the key when given). */
    private static HttpRequest.Builder request(URI uri, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("x-risc0-version", RISC0_VERSION);
        if (key != null) {
            b.header("x-api-key", key);
        }
        return b;
    }

    private static Res send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new Res(r.statusCode(), r.headers(), r.body());
    }

    private Res get(String path, String key) throws Exception {
        return send(request(api(path), key).GET().build());
    }

    private Res delete(String path, String key) throws Exception {
        return send(request(api(path), key).DELETE().build());
    }

    /** A PUT with no Content-Type, as the client uploads. */
    private Res put(URI uri, String key, byte[] body) throws Exception {
        return send(request(uri, key).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private Res postJson(String path, String key, String json) throws Exception {
        return send(request(api(path), key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** A call of the admin API with the admin token (none if null). */
    private Res admin(String method, String path, String token, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(api(path)).timeout(Duration.ofSeconds(30));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("x-bento-admin-token", token);
        }
        return send(b.build());
    }

    private Res work(String path, String token, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(api(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("x-bento-worker-token", token);
        }
        return send(b.build());
    }

    // -------------------------------------------------------------------------------------------
    // Small things

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: run through `mvn verify -pl bento-web`,"
                    + " whose failsafe configuration sets the server's environment");
        }
        return value;
    }

    private static byte[] guest(String name) {
        try (InputStream in = DeployedServerIT.class.getResourceAsStream("/guests/" + name + ".elf")) {
            if (in == null) {
                throw new IllegalStateException("guest " + name + " is not on the class path (bento-guests)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String imageId(byte[] elf) {
        return MemoryImage.of(ElfLoader.load(elf)).imageId().toHex();
    }

    /** A well-formed image id no program has. */
    private static String hex64(int seed) {
        byte[] b = new byte[32];
        new Random(seed).nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String sha256Hex(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes(s)));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static boolean isNullOrAbsent(JsonNode o, String field) {
        return !o.has(field) || o.get(field).isNull();
    }

    private static JsonNode check(JsonNode health, String name) {
        for (JsonNode c : health.get("checks")) {
            if (name.equals(c.get("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no health check named " + name + " in " + health);
    }

    /** The sum of the exec series of bento_tasks_claimed_total in a Prometheus scrape (0 if absent). */
    private static double claimedExecTasks(Res metrics) {
        double total = 0;
        Matcher m = Pattern.compile("(?m)^bento_tasks_claimed_total\\w*\\{([^}]*)\\}\\s+(\\S+)").matcher(metrics.text());
        while (m.find()) {
            if (m.group(1).contains("type=\"exec\"")) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    private static String grep(String text, String needle) {
        return String.join("\n", text.lines().filter(l -> l.contains(needle)).toList());
    }
}
