package dev.bentoj.storage.entity;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The key namespaces of the one object-store bucket. Every key is built here, from an id that
 * is validated strictly, so a path segment such as {@code ../} can never reach the store.
 */
public enum ObjectNamespace {
    /** Guest programs, by image id (64 lowercase hex). */
    ELF("elfs/", IdKind.IMAGE_ID),
    /** Uploaded guest inputs. */
    INPUT("inputs/", IdKind.UUID),
    /** Session receipts and uploaded assumption receipts share this namespace, as upstream. */
    STARK_RECEIPT("receipts/stark/", IdKind.UUID),
    SNARK_RECEIPT("receipts/snark/", IdKind.UUID),
    JOURNAL("journals/", IdKind.UUID),
    LOG("logs/", IdKind.UUID);

    private enum IdKind {
        IMAGE_ID(Pattern.compile("[0-9a-f]{64}"), "64 lowercase hex digits"),
        UUID(Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
                "a lowercase UUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6");

        final Pattern pattern;
        final String description;

        IdKind(Pattern pattern, String description) {
            this.pattern = pattern;
            this.description = description;
        }
    }

    private final String prefix;
    private final IdKind idKind;

    ObjectNamespace(String prefix, IdKind idKind) {
        this.prefix = prefix;
        this.idKind = idKind;
    }

    /** The key prefix, with its trailing slash, e.g. {@code receipts/stark/}. */
    public String prefix() {
        return prefix;
    }

    /** True if {@code id} is a valid id for this namespace. */
    public boolean isValidId(String id) {
        return id != null && idKind.pattern.matcher(id).matches();
    }

    /**
     * The object key for {@code id}.
     *
     * @throws IllegalArgumentException if the id is not of this namespace's form
     */
    public String key(String id) {
        if (!isValidId(id)) {
            throw new IllegalArgumentException("invalid id for " + prefix + ": '" + id
                    + "' (expected " + idKind.description + ")");
        }
        return prefix + id;
    }

    /**
     * The object key for a UUID-named object.
     *
     * @throws IllegalArgumentException for {@link #ELF}, which is named by image id
     */
    public String key(UUID id) {
        return key(id.toString());
    }
}
