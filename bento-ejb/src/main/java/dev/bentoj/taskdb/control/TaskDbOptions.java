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
 * @param readyNotices whether tasks made ready are also announced to other server instances on
 *     one database ({@code NOTIFY bento_ready}, relayed by their {@link ReadyTaskListener}); off
 *     for a single instance, where the in-JVM {@link ReadyTaskSignal} is enough
 * @param noticeInterval the least time between two notices of one worker type from this
 *     instance: the first ready task after a quiet spell is announced in its own transaction,
 *     later ones within the interval are summed into one notice at its end (see
 *     {@link ReadyTaskNotifier} for why every commit must not notify)
 */
public record TaskDbOptions(Duration retryBackoffBase, Duration retryBackoffMax,
        Duration wakeBackstop, int reapBatchSize, boolean readyNotices, Duration noticeInterval) {

    private static final Duration DEFAULT_NOTICE_INTERVAL = Duration.ofMillis(5);

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
        Objects.requireNonNull(noticeInterval, "noticeInterval");
        if (noticeInterval.isNegative()) {
            throw new IllegalArgumentException("noticeInterval must not be negative");
        }
    }

    /** Without notices to other instances (the settings of a single server). */
    public TaskDbOptions(Duration retryBackoffBase, Duration retryBackoffMax, Duration wakeBackstop,
            int reapBatchSize) {
        this(retryBackoffBase, retryBackoffMax, wakeBackstop, reapBatchSize, false, DEFAULT_NOTICE_INTERVAL);
    }

    /**
     * 1 s back-off doubling up to 1 min, 1 s backstop, 100 leases per reaper pass, no notices to
     * other instances.
     */
    public static TaskDbOptions defaults() {
        return new TaskDbOptions(Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(1), 100);
    }

    public TaskDbOptions withRetryBackoff(Duration base, Duration max) {
        return new TaskDbOptions(base, max, wakeBackstop, reapBatchSize, readyNotices, noticeInterval);
    }

    public TaskDbOptions withWakeBackstop(Duration backstop) {
        return new TaskDbOptions(retryBackoffBase, retryBackoffMax, backstop, reapBatchSize, readyNotices,
                noticeInterval);
    }

    public TaskDbOptions withReapBatchSize(int leases) {
        return new TaskDbOptions(retryBackoffBase, retryBackoffMax, wakeBackstop, leases, readyNotices,
                noticeInterval);
    }

    /**
     * Announces ready tasks to other server instances, at most one notice per worker type per
     * {@code interval} from this instance (5 ms is a good value; zero: one per transaction).
     */
    public TaskDbOptions withReadyNotices(Duration interval) {
        return new TaskDbOptions(retryBackoffBase, retryBackoffMax, wakeBackstop, reapBatchSize, true, interval);
    }

    /** The back-off before the attempt after {@code failedAttempt} (1-based). */
    Duration backoffAfter(int failedAttempt) {
        int doublings = Math.max(0, Math.min(failedAttempt - 1, 30));
        Duration d = retryBackoffBase.multipliedBy(1L << doublings);
        return d.compareTo(retryBackoffMax) > 0 ? retryBackoffMax : d;
    }
}
