package dev.bentoj.auth.control;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * API keys: issued once in clear, stored as SHA-256, looked up by hash. A key of the upstream
 * form {@code v1:reserved:N} is an ordinary key here; its scheduling hint is read by the TaskDB.
 */
public final class ApiKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final DataSource db;

    public ApiKeys(DataSource db) {
        this.db = db;
    }

    /** Issues a new key for {@code userId} and returns it; it cannot be read back later. */
    public String issue(String userId, String label) {
        byte[] raw = new byte[24];
        RANDOM.nextBytes(raw);
        String key = "bk_" + HexFormat.of().formatHex(raw);
        register(key, userId, label);
        return key;
    }

    /** Registers a key chosen by the operator (e.g. from configuration). Idempotent. */
    public void register(String key, String userId, String label) {
        String sql = "INSERT INTO api_keys (key_hash, user_id, label) VALUES (?, ?, ?) ON CONFLICT (key_hash) DO NOTHING";
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, hash(key));
            ps.setString(2, userId);
            ps.setString(3, label);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store an API key: " + e.getMessage(), e);
        }
    }

    /** The user a key belongs to, if the key is known and not revoked. */
    public Optional<String> userOf(String key) {
        if (key == null || key.isEmpty() || key.length() > 512) {
            return Optional.empty();
        }
        String sql = "SELECT user_id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL";
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, hash(key));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot look up an API key: " + e.getMessage(), e);
        }
    }

    public void revoke(String key) {
        String sql = "UPDATE api_keys SET revoked_at = now() WHERE key_hash = ? AND revoked_at IS NULL";
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, hash(key));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot revoke an API key: " + e.getMessage(), e);
        }
    }

    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
