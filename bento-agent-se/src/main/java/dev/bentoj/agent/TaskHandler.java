package dev.bentoj.agent;

import com.fasterxml.jackson.databind.JsonNode;

/** Runs one kind of task. The agent handles claiming, heartbeats and reporting around it. */
public interface TaskHandler {

    /**
     * Does the work of {@code claim} and returns its output (small JSON: large data goes to
     * Redis or S3).
     *
     * @param cancelled polled by long work at safe points; true once the job was cancelled or
     *                  the agent must hand the task back
     * @throws TaskFailure when the task cannot succeed (or should be retried elsewhere)
     */
    JsonNode run(WorkClient.Claim claim, java.util.function.BooleanSupplier cancelled) throws TaskFailure;

    /**
     * Called once the server has recorded the task done: the moment to delete the intermediates
     * the task consumed. Earlier, a retry of a task whose completion was lost would find its
     * input gone (upstream's "unexpected end of file").
     */
    default void committed(WorkClient.Claim claim) {
    }

    /** A task that failed, with a message for the user and whether another attempt may succeed. */
    final class TaskFailure extends Exception {
        private final boolean retryable;

        public TaskFailure(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }
}
