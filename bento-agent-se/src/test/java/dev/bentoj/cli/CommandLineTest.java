package dev.bentoj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
