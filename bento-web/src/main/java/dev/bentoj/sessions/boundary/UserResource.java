package dev.bentoj.sessions.boundary;

import dev.bentoj.auth.boundary.Caller;
import dev.bentoj.taskdb.control.Streams;
import dev.bentoj.taskdb.entity.WorkerType;
import jakarta.inject.Inject;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code GET /user/quotas} (R18): the limits this server applies, all six as integers; the
 * {@code dedicated_*} fields are the caller's reserved slots for executors and provers.
 */
@Path("user")
public class UserResource {
    @Inject
    @ConfigProperty(name = "bento.max.cycles", defaultValue = "4294967296")
    long maxCycles;

    @Inject
    Caller caller;

    @Inject
    Streams streams;

    public record Quotas(@JsonbProperty("exec_cycle_limit") @Schema(name = "exec_cycle_limit") long execCycleLimit,
                         @JsonbProperty("concurrent_proofs") @Schema(name = "concurrent_proofs") long concurrentProofs,
                         @JsonbProperty("cycle_budget") @Schema(name = "cycle_budget") long cycleBudget,
                         @JsonbProperty("cycle_usage") @Schema(name = "cycle_usage") long cycleUsage,
                         @JsonbProperty("dedicated_executor") @Schema(name = "dedicated_executor") int dedicatedExecutor,
                         @JsonbProperty("dedicated_gpu") @Schema(name = "dedicated_gpu") int dedicatedGpu) {
    }

    @GET
    @Path("quotas")
    @Produces(MediaType.APPLICATION_JSON)
    public Quotas quotas() {
        // exec_cycle_limit in units of 2^20 cycles, as session requests give it.
        var mine = streams.of(caller.userId());
        return new Quotas(maxCycles >> 20, Integer.MAX_VALUE, Long.MAX_VALUE, 0,
                mine.get(WorkerType.EXEC.ordinal()).reserved(), mine.get(WorkerType.PROVE.ordinal()).reserved());
    }
}
