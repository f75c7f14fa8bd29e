package dev.bentoj.auth.control;

import dev.bentoj.auth.control.ApiKeyException.Reason;
import dev.bentoj.auth.entity.ApiKey;
import dev.bentoj.auth.entity.KeyView;
import dev.bentoj.taskdb.control.Streams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API keys: issued once in clear, stored as SHA-256 (a leaked table leaks no key), looked up by
 * hash, named afterwards by a prefix of that hash.
 *
 * <p>A key of the upstream form {@code v1:reserved:N} is a registered key like any other, and
 * also asks for N reserved slots on every worker type ({@link #reservationOf}). Upstream Bento
 * has no authentication: the key is the user id and anything is accepted, so any client could
 * send {@code v1:reserved:1000} (the value the Boundless broker hard-codes) and jump the queue.
 * Here such a key is honoured only once an administrator has registered it for a user.
 */
@ApplicationScoped
public class ApiKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern RESERVED_KEY = Pattern.compile("v1:reserved:([0-9]{1,7})");
    /** Keys an operator chooses: printable ASCII without spaces. */
    private static final Pattern CHOSEN_KEY = Pattern.compile("[!-~]{8,512}");
    /** User ids: what upstream's keys-as-user-ids need (colons) and nothing that breaks a URL path. */
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");
    private static final Pattern HASH_PREFIX = Pattern.compile("[0-9a-f]{8,64}");

    @PersistenceContext(unitName = "bento")
    EntityManager em;

    /** Issues a new random key for {@code userId} and returns it; it cannot be read back later. */
    @Transactional
    public String issue(String userId, String label) {
        requireUserId(userId);
        byte[] raw = new byte[24];
        RANDOM.nextBytes(raw);
        String key = "bk_" + HexFormat.of().formatHex(raw);
        register(key, userId, label);
        return key;
    }

    /**
     * Registers a key chosen by the operator (such as {@code v1:reserved:1000} for a client that
     * sends that key and nothing else) for {@code userId}.
     *
     * @throws ApiKeyException INVALID for a malformed key or user id, CONFLICT if the key is
     *     registered already (also when revoked: a revoked key is never brought back)
     */
    @Transactional
    public KeyView add(String key, String userId, String label) {
        requireUserId(userId);
        if (key == null || !CHOSEN_KEY.matcher(key).matches()) {
            throw new ApiKeyException(Reason.INVALID, "a chosen key must be 8 to 512 printable ASCII characters"
                    + " without spaces; leave it out to get a random one");
        }
        String hash = hash(key);
        if (em.find(ApiKey.class, hash) != null) {
            throw new ApiKeyException(Reason.CONFLICT, "this key is registered already (keys are never reused,"
                    + " not even revoked ones): choose another");
        }
        ApiKey k = new ApiKey(hash, userId, label == null ? "" : label);
        em.persist(k);
        return KeyView.of(k);
    }

    /** Registers a key chosen by the operator (e.g. from configuration). Idempotent. */
    @Transactional
    public void register(String key, String userId, String label) {
        String hash = hash(key);
        if (em.find(ApiKey.class, hash) == null) {
            em.persist(new ApiKey(hash, userId, label == null ? "" : label));
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

    /** The user's keys (as much as may be shown of them), oldest first. */
    public List<KeyView> keysOf(String userId) {
        requireUserId(userId);
        return em.createQuery("SELECT k FROM ApiKey k WHERE k.userId = :user ORDER BY k.createdAt, k.keyHash",
                        ApiKey.class)
                .setParameter("user", userId).getResultList().stream().map(KeyView::of).toList();
    }

    /** Revokes a key given in clear. Unknown keys are ignored. */
    @Transactional
    public void revoke(String key) {
        ApiKey k = em.find(ApiKey.class, hash(key));
        if (k != null) {
            k.revoke();
        }
    }

    /**
     * Revokes the key given in clear or named by a prefix of its hash (8 to 64 hex digits, as
     * {@link KeyView#hashPrefix()} shows it); revoking a revoked key changes nothing.
     *
     * @return the key as it is now
     * @throws ApiKeyException NOT_FOUND if nothing matches, CONFLICT if the prefix names several keys
     */
    @Transactional
    public KeyView revokeKeyOrHashPrefix(String keyOrPrefix) {
        if (keyOrPrefix == null || keyOrPrefix.isEmpty() || keyOrPrefix.length() > 512) {
            throw new ApiKeyException(Reason.INVALID, "give the key itself or at least 8 hex digits of its hash");
        }
        ApiKey k = em.find(ApiKey.class, hash(keyOrPrefix));
        if (k == null && HASH_PREFIX.matcher(keyOrPrefix).matches()) {
            List<ApiKey> matches = em.createQuery("SELECT k FROM ApiKey k WHERE k.keyHash LIKE :prefix", ApiKey.class)
                    .setParameter("prefix", keyOrPrefix + "%").setMaxResults(2).getResultList();
            if (matches.size() > 1) {
                throw new ApiKeyException(Reason.CONFLICT, "hash prefix " + keyOrPrefix
                        + " names more than one key: give more of it");
            }
            k = matches.isEmpty() ? null : matches.get(0);
        }
        if (k == null) {
            throw new ApiKeyException(Reason.NOT_FOUND, "no key is registered under that key or hash prefix");
        }
        k.revoke();
        return KeyView.of(k);
    }

    /**
     * The reservation a key of the upstream form {@code v1:reserved:N} asks for (N from 0 to
     * {@value Streams#MAX_RESERVED}); empty for any other key, as upstream treats it as 0.
     */
    public static OptionalInt reservationOf(String key) {
        if (key == null) {
            return OptionalInt.empty();
        }
        Matcher m = RESERVED_KEY.matcher(key);
        if (!m.matches()) {
            return OptionalInt.empty();
        }
        int n = Integer.parseInt(m.group(1));
        return n <= Streams.MAX_RESERVED ? OptionalInt.of(n) : OptionalInt.empty();
    }

    /** Whether {@code userId} is a user id keys can be issued for. */
    public static boolean isValidUserId(String userId) {
        return userId != null && USER_ID.matcher(userId).matches();
    }

    private static void requireUserId(String userId) {
        if (!isValidUserId(userId)) {
            throw new ApiKeyException(Reason.INVALID, "a user id is 1 to 128 characters of A-Z a-z 0-9 . _ : @ -");
        }
    }

    /** The start of the key's hash by which it is shown and can be revoked ({@link KeyView#hashPrefix()}). */
    public static String hashPrefix(String key) {
        return hash(key).substring(0, KeyView.PREFIX_CHARS);
    }

    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
