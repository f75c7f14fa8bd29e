package dev.bentoj.taskdb.entity;

import java.util.Objects;
import java.util.UUID;

/** One task result in a batch of completions. */
public record Completion(UUID jobId, String taskId, int attempt, String outputJson) {
    public Completion {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(taskId, "taskId");
    }
}
