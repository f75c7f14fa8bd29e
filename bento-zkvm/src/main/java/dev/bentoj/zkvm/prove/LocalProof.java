package dev.bentoj.zkvm.prove;

import dev.bentoj.zkvm.exec.ExecutionResult;
import dev.bentoj.zkvm.receipt.Receipt;

/**
 * The result of {@link LocalProver#prove}: the receipt, the execution it proves, and where the
 * time went.
 *
 * @param executeMs wall time of the execution that produced the segments
 * @param proveMs   wall time of proving them, one after the other
 */
public record LocalProof(Receipt receipt, ExecutionResult execution, long executeMs, long proveMs) {
    /** User cycles proven per second of proving. */
    public double proveHz() {
        return execution.userCycles() * 1000.0 / Math.max(1, proveMs);
    }
}
