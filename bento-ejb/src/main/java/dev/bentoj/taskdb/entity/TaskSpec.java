package dev.bentoj.taskdb.entity;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A task to create in a job.
 *
 * @param taskId deterministic id, unique in its job ({@code init}, {@code 0}, {@code join-3},
 *     {@code finalize}); creating the same id twice is a no-op, so a retried batch is harmless
 * @param type the worker type that runs it
 * @param payloadJson what the worker needs, as JSON (stored as jsonb; may be {@code null})
 * @param dependsOn ids of tasks of the same job that must be done first (created earlier or in
 *     the same batch)
 * @param timeoutSeconds the lease: an attempt that sends no heartbeat for this long is presumed
 *     dead and requeued; heartbeats extend it by this much again
 * @param maxAttempts how many attempts the task gets in all (1 = no retry)
 * @throws TaskDbException INVALID_REQUEST for a malformed id, a self-dependency, or a
 *     non-positive timeout or attempt count
 */
public record TaskSpec(String taskId, WorkerType type, String payloadJson, List<String> dependsOn,
        int timeoutSeconds, int maxAttempts) {

    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    public TaskSpec {
        Objects.requireNonNull(type, "type");
        if (taskId == null || !TASK_ID.matcher(taskId).matches()) {
            throw invalid("invalid task id '" + taskId
                    + "': use 1-128 characters of letters, digits, '_', '.', ':' or '-'");
        }
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
        for (String dep : dependsOn) {
            if (dep == null || !TASK_ID.matcher(dep).matches()) {
                throw invalid("task '" + taskId + "' has an invalid dependency id '" + dep + "'");
            }
            if (dep.equals(taskId)) {
                throw invalid("task '" + taskId + "' depends on itself");
            }
        }
        if (timeoutSeconds <= 0) {
            throw invalid("task '" + taskId + "': timeoutSeconds must be positive, got " + timeoutSeconds);
        }
        if (maxAttempts <= 0) {
            throw invalid("task '" + taskId + "': maxAttempts must be at least 1, got " + maxAttempts);
        }
    }

    private static TaskDbException invalid(String message) {
        return new TaskDbException(TaskDbException.Reason.INVALID_REQUEST, message);
    }

    /** A task without dependencies. */
    public static TaskSpec of(String taskId, WorkerType type, String payloadJson, int timeoutSeconds,
            int maxAttempts) {
        return new TaskSpec(taskId, type, payloadJson, List.of(), timeoutSeconds, maxAttempts);
    }
}
