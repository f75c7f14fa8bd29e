package dev.bentoj.taskdb.entity;

import java.time.Instant;
import java.util.UUID;

/** A task row as stored, for status pages, tests and diagnosis. */
public record TaskView(UUID jobId, String taskId, WorkerType type, TaskState state, int waitingOn,
        int attempt, int maxAttempts, int timeoutSeconds, String workerId, String payloadJson,
        String outputJson, String error, Instant notBefore, Instant leaseExpiresAt,
        Instant createdAt, Instant startedAt, Instant finishedAt) {
}
