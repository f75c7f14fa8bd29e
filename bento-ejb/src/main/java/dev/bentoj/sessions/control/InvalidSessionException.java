package dev.bentoj.sessions.control;

/** A session request that cannot be accepted as it is; the message says what to fix. */
public final class InvalidSessionException extends RuntimeException {
    public InvalidSessionException(String message) {
        super(message);
    }
}
