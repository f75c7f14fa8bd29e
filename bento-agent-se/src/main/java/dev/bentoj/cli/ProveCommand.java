package dev.bentoj.cli;

import dev.bentoj.zkvm.elf.InvalidElfException;
import dev.bentoj.zkvm.exec.ExecutorOptions;
import dev.bentoj.zkvm.exec.GuestFault;
import dev.bentoj.zkvm.hash.HashSuite;
import dev.bentoj.zkvm.image.MemoryImage;
import dev.bentoj.zkvm.prove.LocalProof;
import dev.bentoj.zkvm.prove.LocalProver;
import dev.bentoj.zkvm.receipt.ReceiptCodec;
import dev.bentoj.zkvm.rv32im.SegmentProver;
import dev.bentoj.zkvm.stark.StarkParameters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bento prove ELF}: proves a guest in this process, writes the receipt, prints one JSON object. */
@Command(name = "prove", description = {
        "Prove a guest locally, in this process, and write its receipt.",
        "Prints the JSON of `execute` plus receipt (the file written), prove_ms and hz (user cycles proven per "
                + "second). A guest fault prints {\"error\": …} and exits 1."})
final class ProveCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ELF", description = "the guest program (RV32IM ELF)")
    Path elf;

    @Option(names = "--input", paramLabel = "FILE", description = "bytes the guest reads with READ")
    Path input;

    @Option(names = "--po2", paramLabel = "N", description = "segment size: at most 2^N rows, 16 to 24 (default ${DEFAULT-VALUE})")
    int po2 = ExecutorOptions.DEFAULT_PO2;

    @Option(names = "--out", paramLabel = "FILE",
            description = "where to write the receipt (default: NAME.receipt in the current folder for NAME.elf)")
    Path out;

    @Option(names = "--api", paramLabel = "URL",
            description = "prove through the cluster at URL (Bonsai API) instead of in this process")
    String api;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:BENTO_API_KEY:-}",
            description = "the cluster's API key (env BENTO_API_KEY)")
    String apiKey;

    @Option(names = "--hash", paramLabel = "SUITE",
            description = "commitment hash: SHA256 (default: fastest on CPUs) or POSEIDON2_24; recorded in the proof")
    HashSuite hash = SegmentProver.DEFAULT_SUITE;

    @Option(names = "--insecure-test-params", hidden = true,
            description = "fast parameters that only `verify --insecure-test-params` accepts: for tests")
    boolean insecureTestParams;

    @Override
    public Integer call() throws InterruptedException {
        if (api != null) {
            return proveThroughCluster();
        }
        try {
            LocalProver prover = new LocalProver(insecureTestParams ? SegmentProver.insecureForTests(hash)
                    : new SegmentProver(StarkParameters.Preset.P96_B4, hash), ExecutorOptions.defaults().withPo2(po2));
            MemoryImage image = MemoryImage.of(GuestFiles.loadElf(elf));
            LocalProof proof = prover.prove(image, GuestFiles.readInput(input));
            Path receipt = out != null ? out : Path.of(elf.getFileName().toString().replaceFirst("\\.elf$", "") + ".receipt");
            write(receipt, ReceiptCodec.encode(proof.receipt()));
            Map<String, Object> json = ExecuteCommand.fields(image, proof.execution());
            json.put("receipt", receipt.toString());
            json.put("prove_ms", proof.proveMs());
            json.put("hz", Math.round(proof.proveHz()));
            System.out.println(Json.line(json));
            return 0;
        } catch (GuestFault | InvalidElfException | GuestFiles.UserError | IllegalArgumentException e) {
            System.out.println(Json.error(e.getMessage()));
            return 1;
        }
    }

    /**
     * Submits a proving session to the cluster and waits for it; the cluster's segment size
     * applies ({@code --po2} is the server's BENTO_SEGMENT_PO2 there).
     */
    private int proveThroughCluster() throws InterruptedException {
        try {
            byte[] elfBytes = readElf();
            MemoryImage image = MemoryImage.of(GuestFiles.loadElf(elf));
            String imageId = image.imageId().toHex();
            BonsaiClient client = new BonsaiClient(api, apiKey);
            long t0 = System.nanoTime();
            client.uploadImage(imageId, elfBytes);
            String session = client.createSession(imageId, client.uploadInput(GuestFiles.readInput(input)), false);
            var status = client.awaitEnd(session, java.time.Duration.ofDays(1));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (!"SUCCEEDED".equals(status.path("status").asText())) {
                System.out.println(Json.error("session " + session + " " + status.path("status").asText() + ": "
                        + status.path("error_msg").asText()));
                return 1;
            }
            byte[] bytes = client.download(status.path("receipt_url").asText());
            var receipt = ReceiptCodec.decode(bytes);
            Path path = out != null ? out : Path.of(elf.getFileName().toString().replaceFirst("\\.elf$", "") + ".receipt");
            write(path, bytes);
            var stats = status.path("stats");
            Map<String, Object> json = new java.util.LinkedHashMap<>();
            json.put("exit_code", Integer.toUnsignedLong(receipt.claim().exitCode()));
            json.put("cycles", stats.path("cycles").asLong());
            json.put("total_cycles", stats.path("total_cycles").asLong());
            json.put("segments", stats.path("segments").asLong());
            json.put("journal_hex", Json.hex(receipt.journal()));
            json.put("image_id", imageId);
            json.put("session", session);
            json.put("receipt", path.toString());
            json.put("prove_ms", ms);
            json.put("hz", ms == 0 ? 0 : Math.round(stats.path("cycles").asLong() * 1000.0 / ms));
            System.out.println(Json.line(json));
            return 0;
        } catch (IOException | dev.bentoj.zkvm.stark.VerificationException | InvalidElfException | GuestFiles.UserError e) {
            System.out.println(Json.error(e.getMessage()));
            return 1;
        }
    }

    private byte[] readElf() throws IOException {
        try {
            return Files.readAllBytes(elf);
        } catch (IOException e) {
            throw new GuestFiles.UserError("cannot read " + elf + ": " + e.getMessage());
        }
    }

    private static void write(Path path, byte[] bytes) {
        try {
            Files.write(path, bytes);
        } catch (IOException e) {
            throw new GuestFiles.UserError("cannot write the receipt to " + path + ": " + e.getMessage());
        }
    }
}
