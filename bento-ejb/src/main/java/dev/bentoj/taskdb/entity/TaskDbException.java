package dev.bentoj.taskdb.entity;

/**
 * A TaskDB request that cannot be carried out; {@link #reason()} says why, so that the work API
 * can answer with the right status (404, 409, 400, 503) and the message as it is.
 */
public class TaskDbException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** The job or task does not exist. */
        NOT_FOUND,
        /** The attempt quoted is not the task's current running attempt (fencing). */
        STALE_ATTEMPT,
        /** The job has failed, been aborted or finished: no new tasks, no results. */
        JOB_NOT_RUNNING,
        /** The request itself is wrong (unknown dependency, cycle, bad arguments). */
        INVALID_REQUEST,
        /** The database failed or could not be reached. */
        DATABASE
    }

    private final Reason reason;

    public TaskDbException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public TaskDbException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
