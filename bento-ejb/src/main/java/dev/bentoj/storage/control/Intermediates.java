package dev.bentoj.storage.control;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Job intermediates (segments, segment and join receipts, journals) in Redis: binary values under
 * {@code bento:job:{jobId}:{name}}, each written with a TTL so that a crashed job cannot leak
 * memory forever. Thread-safe (a connection pool); close it when done.
 */
public final class Intermediates implements AutoCloseable {

    /** How long an intermediate lives if nobody deletes it (architecture.md: 8 h). */
    public static final Duration DEFAULT_TTL = Duration.ofHours(8);

    private static final System.Logger LOG = System.getLogger(Intermediates.class.getName());
    private static final String KEY_PREFIX = "bento:job:";
    private static final int TIMEOUT_MS = 10_000;
    private static final int SCAN_PAGE = 500;
    // A job id cannot hold ':' (it would reach into another job's keys) nor a glob character
    // (deleteJob builds a SCAN MATCH pattern from it).
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:/-]{1,200}");

    private final URI uri;
    private final String displayUrl;
    private final Duration ttl;
    private final JedisPooled redis;

    /**
     * Connects to {@code redisUrl} ({@code redis://[user:password@]host:port[/db]}) with the
     * default 8 h TTL.
     */
    public Intermediates(String redisUrl) {
        this(redisUrl, DEFAULT_TTL);
    }

    /**
     * Connects to {@code redisUrl}; every key is written with {@code ttl}. The pool connects
     * lazily: call {@link #checkEvictionPolicy(boolean)} at start to fail fast.
     */
    public Intermediates(String redisUrl, Duration ttl) {
        this.uri = parseUrl(redisUrl);
        this.displayUrl = uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
        if (ttl == null || ttl.toSeconds() < 1) {
            throw new IllegalArgumentException("intermediate TTL must be at least 1 s: " + ttl);
        }
        this.ttl = ttl;
        this.redis = new JedisPooled(uri, TIMEOUT_MS);
    }

    /** The Redis key of intermediate {@code name} of job {@code jobId}. */
    public static String key(String jobId, String name) {
        if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
            throw new IllegalArgumentException("invalid job id for a Redis key: '" + jobId
                    + "' (letters, digits, '_', '.', '-'; at most 128)");
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid intermediate name: '" + name
                    + "' (letters, digits, '_', '.', ':', '/', '-'; at most 200)");
        }
        return KEY_PREFIX + jobId + ":" + name;
    }

    /** The TTL every key is written with. */
    public Duration ttl() {
        return ttl;
    }

    /** Stores {@code value} as intermediate {@code name} of job {@code jobId}, with the TTL. */
    public void put(String jobId, String name, byte[] value) {
        String key = key(jobId, name);
        Objects.requireNonNull(value, "value");
        try {
            redis.setex(bytes(key), ttl.toSeconds(), value);
        } catch (JedisException e) {
            throw failure("store " + key, e);
        }
    }

    /**
     * Intermediate {@code name} of job {@code jobId}.
     *
     * @throws IntermediateNotFoundException if there is none; its message names the key
     */
    public byte[] get(String jobId, String name) {
        String key = key(jobId, name);
        byte[] value;
        try {
            value = redis.get(bytes(key));
        } catch (JedisException e) {
            throw failure("read " + key, e);
        }
        if (value == null) {
            throw new IntermediateNotFoundException(key, ttl.toSeconds());
        }
        return value;
    }

    /** True if intermediate {@code name} of job {@code jobId} exists. */
    public boolean exists(String jobId, String name) {
        String key = key(jobId, name);
        try {
            return redis.exists(key);
        } catch (JedisException e) {
            throw failure("check " + key, e);
        }
    }

    /**
     * How many of the intermediates {@code names} of job {@code jobId} exist, in one round trip
     * (the executor's back-pressure counts its segments still waiting for a prover).
     */
    public long countExisting(String jobId, java.util.Collection<String> names) {
        if (names.isEmpty()) {
            return 0;
        }
        String[] keys = names.stream().map(n -> key(jobId, n)).toArray(String[]::new);
        try {
            return redis.exists(keys);
        } catch (JedisException e) {
            throw failure("check " + keys.length + " keys of job " + jobId, e);
        }
    }

    /** Removes one intermediate; removing a missing one is not an error. */
    public void delete(String jobId, String name) {
        String key = key(jobId, name);
        try {
            redis.unlink(key);
        } catch (JedisException e) {
            throw failure("delete " + key, e);
        }
    }

    /**
     * Removes every intermediate of job {@code jobId}, walking the keyspace with SCAN (KEYS
     * would block a shared Redis for the whole walk).
     *
     * @return how many keys were removed
     */
    public long deleteJob(String jobId) {
        String pattern = key(jobId, "x");
        pattern = pattern.substring(0, pattern.length() - 1) + "*";
        ScanParams params = new ScanParams().match(pattern).count(SCAN_PAGE);
        long removed = 0;
        String cursor = ScanParams.SCAN_POINTER_START;
        try {
            do {
                ScanResult<String> page = redis.scan(cursor, params);
                List<String> keys = page.getResult();
                if (!keys.isEmpty()) {
                    removed += redis.unlink(keys.toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        } catch (JedisException e) {
            throw failure("delete the intermediates of job " + jobId, e);
        }
        return removed;
    }

    /**
     * Checks at start that Redis will not evict our keys, and that it is reachable.
     *
     * <p>Only {@code noeviction} is safe. Every {@code allkeys-*} policy may drop any key under
     * memory pressure (upstream Bento users lost segments to {@code allkeys-lru}). The
     * {@code volatile-*} policies evict only keys that have a TTL, but every key we write has
     * one, so for us they are exactly as dangerous. A policy this code does not know is treated
     * as unsafe too. Under {@code noeviction} a full Redis refuses writes with an OOM error,
     * which fails the task visibly and lets it be retried instead of losing data silently.
     *
     * <p>Managed Redis services often disable {@code CONFIG}; then the policy cannot be read and
     * this logs a warning instead of failing.
     *
     * @param allowEvicting run even with an evicting policy (logs a warning)
     * @return the policy Redis reported, or empty if it could not be read
     * @throws UnsafeEvictionPolicyException if the policy may evict and that is not allowed
     * @throws StorageException if Redis is unreachable or refuses the credentials
     */
    public Optional<String> checkEvictionPolicy(boolean allowEvicting) {
        String policy;
        // JedisPooled has no CONFIG command: use one plain connection for this check.
        try (Jedis jedis = new Jedis(uri, TIMEOUT_MS)) {
            Map<String, String> reply = jedis.configGet("maxmemory-policy");
            policy = reply.get("maxmemory-policy");
        } catch (JedisAccessControlException | JedisConnectionException e) {
            throw failure("read maxmemory-policy", e);
        } catch (JedisDataException e) {
            // "unknown command 'CONFIG'" (renamed/disabled) or NOPERM (ACL): a managed Redis.
            LOG.log(Level.WARNING, "cannot read maxmemory-policy of Redis at " + displayUrl + " ("
                    + e.getMessage() + "); make sure it is noeviction, or job intermediates may"
                    + " be evicted and proofs fail");
            return Optional.empty();
        }
        if (policy == null) {
            LOG.log(Level.WARNING, "Redis at " + displayUrl + " did not report maxmemory-policy;"
                    + " make sure it is noeviction");
            return Optional.empty();
        }
        if (!policy.equals("noeviction")) {
            String risk = "Redis at " + displayUrl + " uses maxmemory-policy " + policy + ", which"
                    + " may evict job intermediates (segments, receipts) under memory pressure and"
                    + " make proofs fail";
            if (!allowEvicting) {
                throw new UnsafeEvictionPolicyException(risk + ": set it to noeviction (redis-cli"
                        + " CONFIG SET maxmemory-policy noeviction, or maxmemory-policy noeviction in"
                        + " redis.conf); volatile-* policies are unsafe too, since every Bento key"
                        + " has a TTL. To run anyway, set BENTO_REDIS_ALLOW_EVICTION=true", policy);
            }
            LOG.log(Level.WARNING, risk + " (allowed by configuration)");
        }
        return Optional.of(policy);
    }

    @Override
    public void close() {
        redis.close();
    }

    private StorageException failure(String action, JedisException e) {
        if (e instanceof JedisConnectionException) {
            return new StorageException("Redis at " + displayUrl + " is unreachable (could not "
                    + action + ": " + e.getMessage() + "): start Redis or point BENTO_REDIS_URL at"
                    + " it", e);
        }
        if (e instanceof JedisAccessControlException) {
            return new StorageException("Redis at " + displayUrl + " refused the credentials ("
                    + e.getMessage() + "): check the user and password in BENTO_REDIS_URL"
                    + " (redis://user:password@host:port)", e);
        }
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("OOM")) {
            return new StorageException("Redis at " + displayUrl + " is full (could not " + action
                    + ": " + message + "): raise its maxmemory or run fewer jobs at once", e);
        }
        return new StorageException("Redis at " + displayUrl + " could not " + action + ": "
                + message, e);
    }

    private static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static URI parseUrl(String redisUrl) {
        URI uri;
        try {
            uri = URI.create(Objects.requireNonNull(redisUrl, "redisUrl").trim());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new StorageException("invalid Redis URL '" + redact(redisUrl)
                    + "': set BENTO_REDIS_URL to a URL such as redis://127.0.0.1:6379", e);
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("redis") || scheme.equals("rediss"))
                || uri.getHost() == null) {
            throw new StorageException("invalid Redis URL '" + redact(redisUrl)
                    + "': set BENTO_REDIS_URL to a URL such as redis://127.0.0.1:6379");
        }
        if (uri.getPort() == -1) {
            // Jedis wants the port spelled out; 6379 is Redis's default.
            String userInfo = uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@";
            uri = URI.create(scheme + "://" + userInfo + uri.getHost() + ":6379"
                    + Objects.requireNonNullElse(uri.getRawPath(), ""));
        }
        return uri;
    }

    /** Hides a password in a URL before it goes into a message. */
    private static String redact(String url) {
        return url == null ? null : url.replaceAll("//[^/@]*@", "//***@");
    }
}
