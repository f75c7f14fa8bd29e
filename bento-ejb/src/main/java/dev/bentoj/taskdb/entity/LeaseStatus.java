package dev.bentoj.taskdb.entity;

/** The answer to a heartbeat from the current attempt. */
public enum LeaseStatus {
    /** The lease was extended: keep working. */
    EXTENDED,
    /** The job failed or was aborted and this task was cancelled: stop and drop the result. */
    CANCELLED
}
