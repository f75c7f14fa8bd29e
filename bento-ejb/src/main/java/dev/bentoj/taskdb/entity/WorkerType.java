package dev.bentoj.taskdb.entity;

import java.util.Locale;

/**
 * The kinds of worker a task needs; an agent claims work for the types it serves. The wire and
 * database name is the lowercase {@link #id()} ({@code exec}, {@code prove}, …), as upstream.
 */
public enum WorkerType {
    /** Runs the guest: the {@code init} task, which plans the rest of the job. */
    EXEC,
    /** Proves one segment. */
    PROVE,
    /** Joins two receipts (and resolves assumptions). */
    JOIN,
    /** Light bookkeeping such as {@code finalize}. */
    AUX,
    /** Wraps a STARK receipt into a SNARK. */
    SNARK;

    private final String id = name().toLowerCase(Locale.ROOT);

    /** The lowercase name used in the database and in the work API. */
    public String id() {
        return id;
    }

    /** Parses a lowercase (or any-case) name such as {@code "prove"}. */
    public static WorkerType fromId(String id) {
        if (id != null) {
            for (WorkerType type : values()) {
                if (type.id.equalsIgnoreCase(id.trim())) {
                    return type;
                }
            }
        }
        throw new IllegalArgumentException("unknown worker type '" + id
                + "': expected one of exec, prove, join, aux, snark");
    }
}
