package dev.bentoj.taskdb.entity;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A job as the status API needs it.
 *
 * @param progress free progress text, the Bonsai {@code state} field ({@code Executor},
 *     {@code ProveSegments: 3/8}); {@code null} until someone sets it
 * @param statsJson job statistics as JSON, or {@code null}
 * @param startedAt when the job's first task started, or {@code null} if none has yet
 * @param elapsedSeconds from creation to the end (or to now while running), by the database clock
 * @param remainingTasks tasks not yet done (meaningful while running)
 * @param tasksByType task counts per worker type and state
 */
public record JobStatus(UUID jobId, String userId, JobState state, String error, String progress,
        String statsJson, Instant createdAt, Instant startedAt, Instant finishedAt,
        double elapsedSeconds, int remainingTasks, Map<WorkerType, TaskCounts> tasksByType) {
}
