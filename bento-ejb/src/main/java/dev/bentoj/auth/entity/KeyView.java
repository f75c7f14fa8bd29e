package dev.bentoj.auth.entity;

import java.time.OffsetDateTime;

/**
 * What may be shown of an API key after it was issued: never the key, only the start of its
 * SHA-256 (enough to name it when revoking), its user and label, and when it was created or revoked.
 */
public record KeyView(String hashPrefix, String userId, String label, OffsetDateTime createdAt,
                      OffsetDateTime revokedAt) {
    /** Hex digits of the hash shown; also the shortest prefix accepted when revoking is 8. */
    public static final int PREFIX_CHARS = 12;

    public static KeyView of(ApiKey k) {
        return new KeyView(k.keyHash().substring(0, PREFIX_CHARS), k.userId(), k.label(), k.createdAt(), k.revokedAt());
    }

    public boolean revoked() {
        return revokedAt != null;
    }
}
