package dev.bentoj.cli;

import dev.bentoj.zkvm.elf.InvalidElfException;
import dev.bentoj.zkvm.exec.ExecutorOptions;
import dev.bentoj.zkvm.exec.GuestFault;
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

    @Option(names = "--insecure-test-params", hidden = true,
            description = "fast parameters that only `verify --insecure-test-params` accepts: for tests")
    boolean insecureTestParams;

    @Override
    public Integer call() {
        try {
            LocalProver prover = new LocalProver(insecureTestParams ? SegmentProver.insecureForTests()
                    : new SegmentProver(StarkParameters.Preset.P96_B4), ExecutorOptions.defaults().withPo2(po2));
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

    private static void write(Path path, byte[] bytes) {
        try {
            Files.write(path, bytes);
        } catch (IOException e) {
            throw new GuestFiles.UserError("cannot write the receipt to " + path + ": " + e.getMessage());
        }
    }
}
