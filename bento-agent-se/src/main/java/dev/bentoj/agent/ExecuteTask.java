package dev.bentoj.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bentoj.storage.control.ObjectNotFoundException;
import dev.bentoj.storage.control.ObjectStore;
import dev.bentoj.storage.control.StorageException;
import dev.bentoj.storage.entity.ObjectNamespace;
import dev.bentoj.zkvm.elf.ElfLoader;
import dev.bentoj.zkvm.elf.InvalidElfException;
import dev.bentoj.zkvm.exec.ExecutionResult;
import dev.bentoj.zkvm.exec.Executor;
import dev.bentoj.zkvm.exec.ExecutorOptions;
import dev.bentoj.zkvm.exec.GuestFault;

import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * The {@code init} task of an execute-only session: the ELF and the input from S3, the guest
 * run to HALT, its journal and log written to S3, its statistics as the task's output. A
 * fault or a non-zero exit code fails the task for good (running it again changes nothing).
 */
public final class ExecuteTask implements TaskHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ObjectStore objects;

    public ExecuteTask(ObjectStore objects) {
        this.objects = objects;
    }

    @Override
    public JsonNode run(WorkClient.Claim claim, BooleanSupplier cancelled) throws TaskFailure {
        JsonNode p = claim.payload();
        String imageId = p.path("image_id").asText();
        String inputId = p.path("input_id").asText();
        long cycleLimit = p.path("cycle_limit").asLong(ExecutorOptions.DEFAULT_CYCLE_LIMIT);
        int po2 = p.path("po2").asInt(ExecutorOptions.DEFAULT_PO2);
        byte[] elf;
        byte[] input;
        try {
            elf = objects.get(ObjectNamespace.ELF.key(imageId));
            input = objects.get(ObjectNamespace.INPUT.key(inputId));
        } catch (ObjectNotFoundException | IllegalArgumentException e) {
            throw new TaskFailure(e.getMessage(), false);
        } catch (StorageException e) {
            throw new TaskFailure("object store: " + e.getMessage(), true);
        }
        ExecutionResult result;
        try {
            ExecutorOptions options = ExecutorOptions.defaults().withPo2(po2).withCycleLimit(cycleLimit);
            result = new Executor(ElfLoader.load(elf), input, options).run(segment -> {
                if (cancelled.getAsBoolean()) {
                    throw new CancellationException("session cancelled");
                }
            });
        } catch (GuestFault | InvalidElfException e) {
            throw new TaskFailure(e.getMessage(), false);
        } catch (CancellationException e) {
            throw new TaskFailure("cancelled", false);
        }
        String session = claim.jobId();
        try {
            objects.put(ObjectNamespace.JOURNAL.key(session), result.journal());
            objects.put(ObjectNamespace.LOG.key(session), result.log());
        } catch (StorageException e) {
            throw new TaskFailure("object store: " + e.getMessage(), true);
        }
        if (result.exitCode() != 0) {
            throw new TaskFailure("guest exited with code " + Integer.toUnsignedString(result.exitCode()), false);
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("segments", result.segments());
        out.put("total_cycles", result.totalCycles());
        out.put("cycles", result.userCycles());
        out.put("exit_code", Integer.toUnsignedLong(result.exitCode()));
        return out;
    }
}
