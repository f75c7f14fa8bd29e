package dev.bentoj.agent.proving;

/**
 * Names of a proving job's intermediates in Redis (under {@code bento:job:{jobId}:}): a
 * segment waiting for its prover, the receipt a Prove, Join or Resolve task produced, and the
 * journal the executor wrote when the guest halted.
 */
public final class JobKeys {
    public static final String JOURNAL = "journal";
    public static final String RESOLVED = "receipts:resolve";

    private JobKeys() {
    }

    public static String segment(int index) {
        return "segments:" + index;
    }

    public static String receipt(String taskId) {
        return "receipts:" + taskId;
    }
}
