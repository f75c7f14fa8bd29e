package dev.bentoj.storage.control;

/** Redis runs with a {@code maxmemory-policy} that may silently drop job intermediates. */
public class UnsafeEvictionPolicyException extends StorageException {

    private final String policy;

    public UnsafeEvictionPolicyException(String message, String policy) {
        super(message);
        this.policy = policy;
    }

    /** The policy Redis reported, e.g. {@code allkeys-lru}. */
    public String policy() {
        return policy;
    }
}
