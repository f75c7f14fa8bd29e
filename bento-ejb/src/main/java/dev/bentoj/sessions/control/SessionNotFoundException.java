package dev.bentoj.sessions.control;

/** No session with this id for this user (another user's session is not found either). */
public final class SessionNotFoundException extends RuntimeException {
    public SessionNotFoundException(String id) {
        super("session " + id + " not found");
    }
}
