package dev.bentoj.taskdb.control;

import java.time.Duration;
import java.util.Objects;

/**
 * Scheduler settings.
 *
 * @param retryBackoffBase delay before the second attempt of a task; doubles for each attempt
 * @param retryBackoffMax cap on that delay
 * @param wakeBackstop longest a waiting claim sleeps before querying again without a notice
 *     (covers work made ready by another server instance or a lost notice)
 * @param reapBatchSize most expired leases handled per reaper pass
 */
public record TaskDbOptions(Duration retryBackoffBase, Duration retryBackoffMax,
        Duration wakeBackstop, int reapBatchSize) {

    public TaskDbOptions {
        Objects.requireNonNull(retryBackoffBase, "retryBackoffBase");
        Objects.requireNonNull(retryBackoffMax, "retryBackoffMax");
        Objects.requireNonNull(wakeBackstop, "wakeBackstop");
        if (retryBackoffBase.isNegative() || retryBackoffMax.compareTo(retryBackoffBase) < 0) {
            throw new IllegalArgumentException("need 0 <= retryBackoffBase <= retryBackoffMax");
        }
        if (wakeBackstop.isNegative() || wakeBackstop.isZero()) {
            throw new IllegalArgumentException("wakeBackstop must be positive");
        }
        if (reapBatchSize < 1) {
            throw new IllegalArgumentException("reapBatchSize must be at least 1");
        }
    }

    /** 1 s back-off doubling up to 1 min, 1 s backstop, 100 leases per reaper pass. */
    public static TaskDbOptions defaults() {
        return new TaskDbOptions(Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(1), 100);
    }

    public TaskDbOptions withRetryBackoff(Duration base, Duration max) {
        return new TaskDbOptions(base, max, wakeBackstop, reapBatchSize);
    }

    public TaskDbOptions withWakeBackstop(Duration backstop) {
        return new TaskDbOptions(retryBackoffBase, retryBackoffMax, backstop, reapBatchSize);
    }

    /** The back-off before the attempt after {@code failedAttempt} (1-based). */
    Duration backoffAfter(int failedAttempt) {
        int doublings = Math.max(0, Math.min(failedAttempt - 1, 30));
        Duration d = retryBackoffBase.multipliedBy(1L << doublings);
        return d.compareTo(retryBackoffMax) > 0 ? retryBackoffMax : d;
    }
}
