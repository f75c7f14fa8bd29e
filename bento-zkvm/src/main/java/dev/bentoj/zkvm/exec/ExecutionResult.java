package dev.bentoj.zkvm.exec;

/**
 * How a guest run ended. {@code userCycles} counts executed instructions; {@code totalCycles}
 * counts trace rows, {@code 2^po2} per segment (paging and padding included).
 */
public record ExecutionResult(int exitCode, long userCycles, long totalCycles, int segments,
                              byte[] journal, byte[] log) {
    public ExecutionResult {
        journal = journal.clone();
        log = log.clone();
    }

    @Override
    public byte[] journal() {
        return journal.clone();
    }

    @Override
    public byte[] log() {
        return log.clone();
    }
}
