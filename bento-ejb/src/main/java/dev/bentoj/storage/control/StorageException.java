package dev.bentoj.storage.control;

/**
 * A storage service (S3 or Redis) could not do what was asked. The message says what happened
 * and what to do, in words fit for a user; the cause keeps the client library's details for
 * the log.
 */
public class StorageException extends RuntimeException {

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
