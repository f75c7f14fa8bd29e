package dev.bentoj.auth.control;

import dev.bentoj.auth.entity.ApiKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * API keys: issued once in clear, stored as SHA-256 (a leaked table leaks no key), looked up by
 * hash. A key of the upstream form {@code v1:reserved:N} is an ordinary key here.
 */
@ApplicationScoped
public class ApiKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    @PersistenceContext(unitName = "bento")
    EntityManager em;

    /** Issues a new key for {@code userId} and returns it; it cannot be read back later. */
    @Transactional
    public String issue(String userId, String label) {
        byte[] raw = new byte[24];
        RANDOM.nextBytes(raw);
        String key = "bk_" + HexFormat.of().formatHex(raw);
        register(key, userId, label);
        return key;
    }

    /** Registers a key chosen by the operator (e.g. from configuration). Idempotent. */
    @Transactional
    public void register(String key, String userId, String label) {
        String hash = hash(key);
        if (em.find(ApiKey.class, hash) == null) {
            em.persist(new ApiKey(hash, userId, label));
        }
    }

    /** The user a key belongs to, if the key is known and not revoked. */
    public Optional<String> userOf(String key) {
        if (key == null || key.isEmpty() || key.length() > 512) {
            return Optional.empty();
        }
        ApiKey k = em.find(ApiKey.class, hash(key));
        return k == null || k.isRevoked() ? Optional.empty() : Optional.of(k.userId());
    }

    @Transactional
    public void revoke(String key) {
        ApiKey k = em.find(ApiKey.class, hash(key));
        if (k != null) {
            k.revoke();
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
