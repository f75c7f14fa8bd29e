package dev.bentoj.auth.control;

/** A key request that cannot be carried out; {@link #reason()} says why (the API maps it to a status). */
public class ApiKeyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** The key, user id or label given is malformed. */
        INVALID,
        /** No key matches. */
        NOT_FOUND,
        /** The key is registered already (perhaps revoked: a revoked key stays dead), or a hash prefix names several keys. */
        CONFLICT
    }

    private final Reason reason;

    public ApiKeyException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
