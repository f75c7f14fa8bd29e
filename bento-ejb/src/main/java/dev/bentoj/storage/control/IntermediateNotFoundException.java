package dev.bentoj.storage.control;

/** No intermediate under this Redis key: never written, already consumed, or expired. */
public class IntermediateNotFoundException extends StorageException {

    private final String key;

    public IntermediateNotFoundException(String key, long ttlSeconds) {
        super("intermediate " + key + " not found in Redis: it was never written, was already"
                + " consumed, expired (TTL " + ttlSeconds + " s), or was evicted");
        this.key = key;
    }

    /** The full Redis key, e.g. {@code bento:job:…:segment:3}. */
    public String key() {
        return key;
    }
}
