package dev.bentoj.agent.proving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bentoj.agent.TaskHandler;
import dev.bentoj.agent.WorkClient;

import java.util.function.BooleanSupplier;

/** The {@code snark} worker type, until the SNARK stage exists: every task fails, saying so. */
public final class SnarkTask implements TaskHandler {
    public static final String NOT_SUPPORTED = "SNARK receipts are not supported yet: this cluster produces STARK "
            + "receipts only (GET /receipts/{session id})";

    @Override
    public JsonNode run(WorkClient.Claim claim, BooleanSupplier cancelled) throws TaskFailure {
        throw new TaskFailure(NOT_SUPPORTED, false);
    }
}
