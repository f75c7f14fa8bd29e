package dev.bentoj.taskdb.entity;

/** What became of one completion in a batch. */
public enum CompletionOutcome {
    /** This call marked the task done. */
    COMPLETED,
    /** The same attempt had already completed it (a retried request): nothing changed. */
    ALREADY_COMPLETED,
    /** The attempt is no longer the task's current running attempt: the result is refused. */
    STALE_ATTEMPT,
    /** The job failed or was aborted and the task cancelled: the result is discarded. */
    JOB_NOT_RUNNING,
    /** No such task. */
    NOT_FOUND
}
