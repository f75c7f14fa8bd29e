package dev.bentoj.storage.control;

/** No object under this key in the bucket. */
public class ObjectNotFoundException extends StorageException {

    private final String key;

    public ObjectNotFoundException(String bucket, String key) {
        super("object " + key + " not found in bucket " + bucket);
        this.key = key;
    }

    /** The object key that was not found, e.g. {@code inputs/3fa85f64-…}. */
    public String key() {
        return key;
    }
}
