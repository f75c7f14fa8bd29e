package dev.bentoj.taskdb.control;

import dev.bentoj.taskdb.entity.WorkerType;

import java.util.Objects;

/**
 * What one {@code NOTIFY bento_ready} says: {@code tasks} tasks of {@code type} became ready on
 * the server instance {@code origin}. The payload is {@code type:tasks:origin} ({@code prove:12:3f9a…});
 * a bare type ({@code prove}, as one might send by hand from psql) counts as one task from
 * nobody in particular.
 */
record ReadyNotice(WorkerType type, int tasks, String origin) {

    /** The channel every instance notifies and listens on. */
    static final String CHANNEL = "bento_ready";

    ReadyNotice {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(origin, "origin");
    }

    String payload() {
        return type.id() + ":" + tasks + ":" + origin;
    }

    /** The notice in a payload, or null if it is not one (a stray NOTIFY on the channel). */
    static ReadyNotice parse(String payload) {
        if (payload == null) {
            return null;
        }
        String[] parts = payload.split(":", 3);
        try {
            WorkerType type = WorkerType.fromId(parts[0]);
            int tasks = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : 1;
            String origin = parts.length > 2 ? parts[2] : "";
            return tasks > 0 ? new ReadyNotice(type, tasks, origin) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
