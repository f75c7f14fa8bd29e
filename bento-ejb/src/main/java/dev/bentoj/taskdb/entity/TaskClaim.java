package dev.bentoj.taskdb.entity;

import java.time.Instant;
import java.util.UUID;

/**
 * A task handed to a worker. The {@code attempt} is the fencing token: heartbeat, done and
 * failed must quote it, and are refused once the task has moved on to another attempt.
 *
 * @param payloadJson the task's payload as stored (jsonb: equivalent JSON, not byte-identical)
 * @param leaseExpiresAt when the attempt is presumed dead without a heartbeat
 * @param timeoutSeconds lease length; a heartbeat every third of it is comfortable
 * @param maxAttempts attempts the task gets in all; {@code attempt == maxAttempts} is the last
 */
public record TaskClaim(UUID jobId, String taskId, int attempt, WorkerType type, String payloadJson,
        Instant leaseExpiresAt, int timeoutSeconds, int maxAttempts) {
}
