package dev.bentoj.taskdb.entity;

import java.util.Locale;

/** The life of a job; every state but {@link #RUNNING} is final. */
public enum JobState {
    RUNNING, SUCCEEDED, FAILED, ABORTED, TIMED_OUT;

    private final String id = name().toLowerCase(Locale.ROOT);

    /** The database name ({@code running}, {@code timed_out}, …). */
    public String id() {
        return id;
    }

    /** The Bonsai API status: {@code RUNNING}, {@code SUCCEEDED}, … (the enum name). */
    public String apiStatus() {
        return name();
    }

    public boolean isFinal() {
        return this != RUNNING;
    }

    public static JobState fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
