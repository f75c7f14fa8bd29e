package dev.bentoj.taskdb.entity;

/** What a reported failure did. */
public enum FailOutcome {
    /** The task is ready again for another attempt, after a back-off. */
    RETRY_SCHEDULED,
    /** The task failed for good; its job failed and the job's other tasks were cancelled. */
    TASK_FAILED
}
