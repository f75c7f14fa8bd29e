package dev.bentoj.auth.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

// OffsetDateTime, not Instant: JPA 3.0 (EclipseLink 4.0 in Payara 6) maps only the former to timestamptz.
/** An API key as stored: only its SHA-256, the user it belongs to, and whether it was revoked. */
@Entity
@Table(name = "api_keys")
public class ApiKey {
    @Id
    @Column(name = "key_hash", length = 64)
    private String keyHash;

    @Column(name = "user_id", nullable = false)
    private String userId;

    @Column(name = "label", nullable = false)
    private String label;

    @Column(name = "created_at", nullable = false)
    private OffsetDateTime createdAt;

    @Column(name = "revoked_at")
    private OffsetDateTime revokedAt;

    protected ApiKey() {
    }

    public ApiKey(String keyHash, String userId, String label) {
        this.keyHash = keyHash;
        this.userId = userId;
        this.label = label;
        this.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
    }

    public String keyHash() {
        return keyHash;
    }

    public String userId() {
        return userId;
    }

    public String label() {
        return label;
    }

    public OffsetDateTime createdAt() {
        return createdAt;
    }

    public OffsetDateTime revokedAt() {
        return revokedAt;
    }

    public boolean isRevoked() {
        return revokedAt != null;
    }

    public void revoke() {
        if (revokedAt == null) {
            revokedAt = OffsetDateTime.now(ZoneOffset.UTC);
        }
    }
}
