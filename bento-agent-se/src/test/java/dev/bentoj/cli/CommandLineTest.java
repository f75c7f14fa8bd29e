package dev.bentoj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bentoj.zkvm.elf.ElfLoader;
import dev.bentoj.zkvm.exec.GuestMemoryMap;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.Sha256;
import dev.bentoj.zkvm.image.MemoryImage;
import dev.bentoj.zkvm.image.SystemState;
import dev.bentoj.zkvm.receipt.CompositeReceipt;
import dev.bentoj.zkvm.receipt.Receipt;
import dev.bentoj.zkvm.receipt.ReceiptClaim;
import dev.bentoj.zkvm.receipt.ReceiptCodec;
import dev.bentoj.zkvm.receipt.SegmentReceipt;
import dev.bentoj.zkvm.rv32im.SegmentProof;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line's contract: exit statuses and the JSON fields of {@code architecture.md}. */
class CommandLineTest {
    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int status = Bento.commandLine().execute(args);
            return new Run(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private Path example(String name) throws Exception {
        Path p = dir.resolve(name + ".elf");
        Files.write(p, GuestFiles.example(name));
        return p;
    }

    @Test
    void executePrintsTheContractFields() throws Exception {
        Path input = dir.resolve("in.bin");
        Files.write(input, new byte[] {10, 0, 0, 0});
        Run r = run("execute", example("fibonacci").toString(), "--input", input.toString(), "--po2", "14");
        assertEquals(0, r.status(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(0, json.get("exit_code").asInt());
        assertTrue(json.get("cycles").asLong() > 0);
        assertEquals(json.get("segments").asLong() << 14, json.get("total_cycles").asLong());
        // fib(10) = 55: n then the u64 result, little-endian
        assertEquals("0a0000003700000000000000", json.get("journal_hex").asText());
        assertTrue(json.get("image_id").asText().matches("[0-9a-f]{64}"));
    }

    @Test
    void imageIdMatchesExecute() throws Exception {
        Path elf = example("hello");
        Run id = run("image-id", elf.toString());
        Run exec = run("execute", elf.toString());
        assertEquals(0, id.status());
        assertEquals(id.out().trim(), new ObjectMapper().readTree(exec.out()).get("image_id").asText());
    }

    @Test
    void aGuestFaultExitsNonZeroWithAnErrorNamingThePc() throws Exception {
        Run r = run("execute", example("fibonacci").toString(), "--cycle-limit", "100");
        assertEquals(1, r.status());
        String error = new ObjectMapper().readTree(r.out()).get("error").asText();
        assertTrue(error.matches("guest fault at pc 0x[0-9a-f]{8}: cycle limit of 100 cycles exceeded"), error);
    }

    @Test
    void aMalformedElfIsAClearError() throws Exception {
        Path junk = dir.resolve("junk.elf");
        Files.write(junk, "not an elf at all, but long enough to hold a header......".getBytes());
        Run r = run("execute", junk.toString());
        assertEquals(1, r.status());
        assertTrue(new ObjectMapper().readTree(r.out()).get("error").asText().startsWith("invalid guest ELF: bad magic"));
        Run id = run("image-id", junk.toString());
        assertEquals(1, id.status());
        assertTrue(id.err().contains("invalid guest ELF"), id.err());
    }

    @Test
    void aMissingFileIsAClearError() {
        Run r = run("execute", dir.resolve("nope.elf").toString());
        assertEquals(1, r.status());
        assertTrue(r.out().contains("does not exist"), r.out());
    }

    @Test
    void proveRefusesASegmentSizeTheProverCannotProve() throws Exception {
        Run r = run("prove", example("hello").toString(), "--po2", "14", "--out", dir.resolve("r").toString());
        assertEquals(1, r.status());
        assertEquals("segment po2 14 cannot be proven: the RV32IM AIR proves po2 16 to 24",
                new ObjectMapper().readTree(r.out()).get("error").asText());
    }

    @Tag("needs-prover")
    @Test
    void proveWritesAReceiptThatVerifiesAgainstItsImageOnly() throws Exception {
        Path elf = example("hello");
        Path receipt = dir.resolve("hello.receipt");
        Run proved = run("prove", elf.toString(), "--po2", "16", "--out", receipt.toString(), "--insecure-test-params");
        assertEquals(0, proved.status(), proved.err() + proved.out());
        JsonNode json = new ObjectMapper().readTree(proved.out());
        Run executed = run("execute", elf.toString(), "--po2", "16");
        new ObjectMapper().readTree(executed.out()).fields().forEachRemaining(
                f -> assertEquals(f.getValue(), json.get(f.getKey()), f.getKey()));
        assertEquals(receipt.toString(), json.get("receipt").asText());
        assertTrue(json.get("prove_ms").asLong() >= 0);
        assertTrue(json.get("hz").asDouble() > 0);

        String imageId = json.get("image_id").asText();
        Run verified = run("verify", receipt.toString(), "--image-id", imageId, "--insecure-test-params");
        assertEquals(0, verified.status(), verified.err());
        JsonNode v = new ObjectMapper().readTree(verified.out());
        assertEquals(json.get("journal_hex"), v.get("journal_hex"));
        assertEquals(0, v.get("exit_code").asInt());

        String otherId = run("image-id", example("fibonacci").toString()).out().trim();
        Run wrongImage = run("verify", receipt.toString(), "--image-id", otherId, "--insecure-test-params");
        assertEquals(1, wrongImage.status());
        assertTrue(wrongImage.err().startsWith("invalid receipt: image id mismatch"), wrongImage.err());
        Run standardPolicy = run("verify", receipt.toString(), "--image-id", imageId);
        assertEquals(1, standardPolicy.status(), "insecure proofs fail the standard policy");
    }

    /** A well-formed receipt of hello's image whose proof is random bytes: enough for what verify checks first. */
    private Path unprovenHelloReceipt() throws Exception {
        MemoryImage hello = MemoryImage.of(ElfLoader.load(GuestFiles.example("hello")));
        SegmentProof proof = new SegmentProof(16, hello.entry(), hello.entry(), true, 0, 0x0010_0000,
                new int[] {GuestMemoryMap.SYSTEM_PAGE},
                new int[1][256], new int[1][256], new Digest[0], new byte[64]);
        ReceiptClaim claim = new ReceiptClaim(new SystemState(hello.entry(), hello.root()),
                new SystemState(hello.entry(), hello.root()), 0, Sha256.digest(new byte[0]), new byte[32]);
        Receipt receipt = new Receipt(new byte[0], new CompositeReceipt(List.of(new SegmentReceipt(proof)), List.of()), claim);
        Path file = dir.resolve("unproven.receipt");
        Files.write(file, ReceiptCodec.encode(receipt));
        assertArrayEquals(ReceiptCodec.encode(receipt), ReceiptCodec.encode(ReceiptCodec.decode(Files.readAllBytes(file))));
        return file;
    }

    @Test
    void verifyExitsOneWithAOneLineReasonForAnInvalidReceipt() throws Exception {
        Path receipt = unprovenHelloReceipt();
        String fibonacciId = run("image-id", example("fibonacci").toString()).out().trim();
        Run wrongImage = run("verify", receipt.toString(), "--image-id", fibonacciId);
        assertEquals(1, wrongImage.status());
        assertTrue(wrongImage.err().matches("invalid receipt: image id mismatch: receipt proves [0-9a-f]{64}, expected "
                + fibonacciId + "\\R"), wrongImage.err());
        assertEquals("", wrongImage.out());

        String helloId = run("image-id", example("hello").toString()).out().trim();
        Run unproven = run("verify", receipt.toString(), "--image-id", helloId, "--exit-code", "any");
        assertEquals(1, unproven.status());
        assertTrue(unproven.err().startsWith("invalid receipt: segment 0: "), unproven.err());
        assertEquals(1, unproven.err().strip().lines().count(), unproven.err());

        Path junk = dir.resolve("junk.receipt");
        Files.write(junk, "not a receipt".getBytes(StandardCharsets.US_ASCII));
        Run garbage = run("verify", junk.toString(), "--image-id", helloId);
        assertEquals(1, garbage.status());
        assertEquals("invalid receipt: malformed receipt: not a Bento-J receipt (bad magic)", garbage.err().strip());
    }

    @Test
    void verifyExitsTwoWhenItCannotStart() throws Exception {
        String helloId = run("image-id", example("hello").toString()).out().trim();
        Run missing = run("verify", dir.resolve("nope.receipt").toString(), "--image-id", helloId);
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("receipt file " + dir.resolve("nope.receipt") + " does not exist"), missing.err());
        Path receipt = unprovenHelloReceipt();
        Run badId = run("verify", receipt.toString(), "--image-id", "xyz");
        assertEquals(2, badId.status());
        assertTrue(badId.err().contains("--image-id is not an image id"), badId.err());
        Run badExit = run("verify", receipt.toString(), "--image-id", helloId, "--exit-code", "-1");
        assertEquals(2, badExit.status());
        assertTrue(badExit.err().contains("--exit-code must be a u32 or `any`"), badExit.err());
        Run noId = run("verify", receipt.toString());
        assertEquals(2, noId.status());
    }

    @Test
    void adminCommandsSayWhatIsMissingBeforeCallingAnyServer() {
        Run noToken = run("admin", "streams", "someone", "--api", "http://127.0.0.1:1", "--admin-token", "");
        assertEquals(1, noToken.status());
        assertTrue(noToken.err().contains("BENTO_ADMIN_TOKEN"), noToken.err());
        Run nothingToSet = run("admin", "set-stream", "someone", "prove", "--admin-token", "t");
        assertEquals(1, nothingToSet.status());
        assertTrue(nothingToSet.err().contains("--reserved"), nothingToSet.err());
        Run unreachable = run("admin", "streams", "someone", "--api", "http://127.0.0.1:1", "--admin-token", "t");
        assertEquals(1, unreachable.status());
        assertTrue(unreachable.err().contains("cannot reach the server"), unreachable.err());
    }

    @Test
    void demoRunsTheExamplesAndChecksTheirJournals() {
        Run r = run("demo", "--local");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("all journals match"), r.out());
    }
}
