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

import dev.bentoj.agent.proving.ProofSettings;
import dev.bentoj.agent.proving.SegmentStream;
import dev.bentoj.storage.control.Intermediates;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * The {@code init} task: the ELF and the input from S3, the guest run to HALT, its journal and
 * log written to S3, its statistics as the task's output. In a proving session each segment
 * streams to the provers as it finishes ({@link SegmentStream}) and, once the guest halted, the
 * journal goes to Redis and the last Joins, Resolve and Finalize are planned. A fault or a
 * non-zero exit code fails the task for good (running it again changes nothing).
 */
public final class ExecuteTask implements TaskHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ObjectStore objects;
    private final Intermediates redis;
    private final WorkClient client;
    private final ProofSettings settings;

    /** An executor for execute-only sessions. */
    public ExecuteTask(ObjectStore objects) {
        this(objects, null, null, null);
    }

    /** An executor for every session; {@code redis} and {@code client} carry a proving session's segments and tasks. */
    public ExecuteTask(ObjectStore objects, Intermediates redis, WorkClient client, ProofSettings settings) {
        this.objects = objects;
        this.redis = redis;
        this.client = client;
        this.settings = settings;
    }

    /** Carries a checked failure of the segment sink out of the executor's callback. */
    private static final class SinkFailure extends RuntimeException {
        final TaskFailure failure;

        SinkFailure(TaskFailure failure) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
        }
    }

    @Override
    public JsonNode run(WorkClient.Claim claim, BooleanSupplier cancelled) throws TaskFailure {
        JsonNode p = claim.payload();
        String imageId = p.path("image_id").asText();
        String inputId = p.path("input_id").asText();
        long cycleLimit = p.path("cycle_limit").asLong(ExecutorOptions.DEFAULT_CYCLE_LIMIT);
        int po2 = p.path("po2").asInt(ExecutorOptions.DEFAULT_PO2);
        boolean executeOnly = p.path("execute_only").asBoolean(true);
        if (!executeOnly && redis == null) {
            throw new TaskFailure("agent cannot run proving sessions: it has no Redis (BENTO_REDIS_URL)", true);
        }
        SegmentStream stream = executeOnly ? null : new SegmentStream(claim, redis, client, settings, cancelled);
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
            if (stream != null) {
                options = options.withPageProofs();
            }
            result = new Executor(ElfLoader.load(elf), input, options).run(segment -> {
                if (cancelled.getAsBoolean()) {
                    throw new CancellationException("session cancelled");
                }
                if (stream != null) {
                    try {
                        stream.accept(segment);
                    } catch (TaskFailure f) {
                        throw new SinkFailure(f);
                    }
                }
            });
        } catch (SinkFailure e) {
            throw e.failure;
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
        if (stream != null) {
            List<String> assumptions = new ArrayList<>();
            p.path("assumptions").forEach(a -> assumptions.add(a.asText()));
            try {
                stream.finish(result.journal(), assumptions, imageId);
            } catch (CancellationException e) {
                throw new TaskFailure("cancelled", false);
            }
        }
        ObjectNode out = JSON.createObjectNode();
        if (stream != null) {
            out.put("back_pressure_ms", stream.backPressureMs());
        }
        out.put("segments", result.segments());
        out.put("total_cycles", result.totalCycles());
        out.put("cycles", result.userCycles());
        out.put("exit_code", Integer.toUnsignedLong(result.exitCode()));
        return out;
    }
}
