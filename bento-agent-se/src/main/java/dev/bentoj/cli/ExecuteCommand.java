package dev.bentoj.cli;

import dev.bentoj.zkvm.elf.InvalidElfException;
import dev.bentoj.zkvm.elf.Program;
import dev.bentoj.zkvm.exec.ExecutionResult;
import dev.bentoj.zkvm.exec.Executor;
import dev.bentoj.zkvm.exec.ExecutorOptions;
import dev.bentoj.zkvm.exec.GuestFault;
import dev.bentoj.zkvm.image.MemoryImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bento execute ELF}: runs a guest locally, no cluster, and prints one JSON object. */
@Command(name = "execute", description = "Execute a guest locally and print its result as JSON.")
final class ExecuteCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ELF", description = "the guest program (RV32IM ELF)")
    Path elf;

    @Option(names = "--input", paramLabel = "FILE", description = "bytes the guest reads with READ")
    Path input;

    @Option(names = "--po2", paramLabel = "N", description = "segment size: at most 2^N rows (default ${DEFAULT-VALUE})")
    int po2 = ExecutorOptions.DEFAULT_PO2;

    @Option(names = "--cycle-limit", paramLabel = "N", description = "fault after N user cycles (default ${DEFAULT-VALUE})")
    long cycleLimit = ExecutorOptions.DEFAULT_CYCLE_LIMIT;

    @Override
    public Integer call() {
        try {
            System.out.println(Json.line(execute(GuestFiles.loadElf(elf), GuestFiles.readInput(input), options())));
            return 0;
        } catch (GuestFault | InvalidElfException | GuestFiles.UserError | IllegalArgumentException e) {
            System.out.println(Json.error(e.getMessage()));
            return 1;
        }
    }

    private ExecutorOptions options() {
        return ExecutorOptions.defaults().withPo2(po2).withCycleLimit(cycleLimit);
    }

    static Map<String, Object> execute(Program program, byte[] input, ExecutorOptions options) {
        MemoryImage image = MemoryImage.of(program);
        return fields(image, new Executor(image, input, options).run());
    }

    /** The contract's fields, in the contract's order; {@code prove} prints them too. */
    static Map<String, Object> fields(MemoryImage image, ExecutionResult result) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("exit_code", Integer.toUnsignedLong(result.exitCode()));
        out.put("cycles", result.userCycles());
        out.put("total_cycles", result.totalCycles());
        out.put("segments", result.segments());
        out.put("journal_hex", Json.hex(result.journal()));
        out.put("image_id", image.imageId().toHex());
        return out;
    }
}
