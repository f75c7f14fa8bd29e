package dev.bentoj.taskdb.entity;

import java.util.Locale;

/**
 * The life of a task. {@code pending} waits for dependencies, {@code ready} may be claimed
 * (possibly not before a retry back-off), {@code running} is held by one attempt under a lease;
 * {@code done}, {@code failed} and {@code cancelled} are final.
 */
public enum TaskState {
    PENDING, READY, RUNNING, DONE, FAILED, CANCELLED;

    private final String id = name().toLowerCase(Locale.ROOT);

    public String id() {
        return id;
    }

    public static TaskState fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
