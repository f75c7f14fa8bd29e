package dev.bentoj.storage.control;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The durable object store: one bucket on an S3 server (AWS S3, MinIO, or the embedded S3Proxy),
 * reached through the MinIO Java client so that every setup runs the same code. Keys come from
 * {@link dev.bentoj.storage.entity.ObjectNamespace}.
 *
 * <p>Every failure surfaces as a {@link StorageException} whose message names the endpoint,
 * the bucket and what to check; {@link ObjectNotFoundException} names the missing key.
 * Thread-safe; close it when done, or the HTTP client's threads keep the JVM alive ~60 s.
 */
public final class ObjectStore implements AutoCloseable {

    private static final String CONTENT_TYPE = "application/octet-stream";
    /** Part size for uploads of unknown length (S3 multipart parts must be at least 5 MiB). */
    private static final long UNKNOWN_SIZE_PART_BYTES = 16L << 20;
    private static final long CONNECT_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(10);
    private static final long TRANSFER_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(5);
    private static final Set<String> DENIED_CODES =
            Set.of("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch",
                    "InvalidToken", "ExpiredToken", "AuthorizationHeaderMalformed");

    private final MinioClient client;
    private final String endpoint;
    private final String bucket;

    private ObjectStore(MinioClient client, String endpoint, String bucket) {
        this.client = client;
        this.endpoint = endpoint;
        this.bucket = bucket;
    }

    /**
     * Connects to the S3 server at {@code endpoint} (e.g. {@code http://127.0.0.1:9000}) and
     * creates {@code bucket} if it does not exist yet; the region is discovered from the server.
     *
     * @throws StorageException if the endpoint is malformed or unreachable, the credentials are
     *     refused, or the bucket cannot be created
     */
    public static ObjectStore open(String endpoint, String bucket, String accessKey,
            String secretKey) {
        return open(endpoint, bucket, accessKey, secretKey, null);
    }

    /**
     * As {@link #open(String, String, String, String)}, with the bucket's region given
     * ({@code null} to discover it); AWS S3 outside us-east-1 wants it.
     */
    public static ObjectStore open(String endpoint, String bucket, String accessKey,
            String secretKey, String region) {
        String base = validateEndpoint(endpoint);
        if (bucket == null || bucket.isBlank()) {
            throw new StorageException("no S3 bucket configured: set BENTO_S3_BUCKET (default bento)");
        }
        MinioClient.Builder builder = MinioClient.builder()
                .endpoint(base)
                .credentials(Objects.requireNonNullElse(accessKey, ""),
                        Objects.requireNonNullElse(secretKey, ""));
        if (region != null && !region.isBlank()) {
            builder.region(region);
        }
        MinioClient client;
        try {
            client = builder.build();
        } catch (IllegalArgumentException e) {
            throw new StorageException("invalid S3 settings for " + base + ": " + e.getMessage()
                    + " (check BENTO_S3_URL and BENTO_S3_BUCKET)", e);
        }
        // Fail fast on a dead endpoint instead of okhttp's 5-minute default connect timeout.
        client.setTimeout(CONNECT_TIMEOUT_MS, TRANSFER_TIMEOUT_MS, TRANSFER_TIMEOUT_MS);
        ObjectStore store = new ObjectStore(client, base, bucket);
        try {
            store.createBucketIfMissing();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /** The bucket this store writes to. */
    public String bucket() {
        return bucket;
    }

    /** The S3 endpoint, e.g. {@code http://127.0.0.1:9000}. */
    public String endpoint() {
        return endpoint;
    }

    /** Stores {@code bytes} under {@code key}, replacing any object already there. */
    public void put(String key, byte[] bytes) {
        put(key, new ByteArrayInputStream(bytes), bytes.length);
    }

    /**
     * Stores {@code size} bytes read from {@code in} under {@code key}, replacing any object
     * already there. {@code size} may be -1 when unknown: the upload then goes in 16 MiB parts.
     * The stream is read but not closed.
     */
    public void put(String key, InputStream in, long size) {
        requireKey(key);
        if (size < -1) {
            throw new IllegalArgumentException("size must be >= 0, or -1 if unknown: " + size);
        }
        try {
            client.putObject(PutObjectArgs.builder()
                    .bucket(bucket)
                    .object(key)
                    .stream(in, size, size == -1 ? UNKNOWN_SIZE_PART_BYTES : -1)
                    .contentType(CONTENT_TYPE)
                    .build());
        } catch (Exception e) {
            throw failure("store", key, e);
        }
    }

    /**
     * The object under {@code key}.
     *
     * @throws ObjectNotFoundException if there is none; its message names the key
     */
    public byte[] get(String key) {
        return find(key).orElseThrow(() -> new ObjectNotFoundException(bucket, key));
    }

    /** The object under {@code key}, or empty if there is none. */
    public Optional<byte[]> find(String key) {
        try (InputStream in = open(key)) {
            return Optional.of(in.readAllBytes());
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read", key, e);
        }
    }

    /**
     * Opens the object under {@code key} for streaming (large ELFs, receipts); the caller closes
     * the stream.
     *
     * @throws ObjectNotFoundException if there is none
     */
    public InputStream open(String key) {
        requireKey(key);
        try {
            GetObjectResponse response = client.getObject(
                    GetObjectArgs.builder().bucket(bucket).object(key).build());
            return response;
        } catch (ErrorResponseException e) {
            if (isNoSuchKey(e)) {
                throw new ObjectNotFoundException(bucket, key);
            }
            throw failure("read", key, e);
        } catch (Exception e) {
            throw failure("read", key, e);
        }
    }

    /** True if an object exists under {@code key}. */
    public boolean exists(String key) {
        requireKey(key);
        try {
            client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
            return true;
        } catch (ErrorResponseException e) {
            if (isNoSuchKey(e)) {
                return false;
            }
            throw failure("check", key, e);
        } catch (Exception e) {
            throw failure("check", key, e);
        }
    }

    /** Removes the object under {@code key}; removing a missing object is not an error. */
    public void delete(String key) {
        requireKey(key);
        try {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (Exception e) {
            throw failure("delete", key, e);
        }
    }

    /** Releases the HTTP client's connections and threads. */
    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            // Nothing is left to release that the caller could act on.
        }
    }

    private void createBucketIfMissing() {
        try {
            if (client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                return;
            }
            client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            if ("BucketAlreadyOwnedByYou".equals(code)) {
                return; // another server instance created it between our two calls
            }
            if ("BucketAlreadyExists".equals(code)) {
                throw new StorageException("S3 bucket " + bucket + " at " + endpoint
                        + " belongs to another account: choose another name with BENTO_S3_BUCKET", e);
            }
            throw failure("create the bucket for", null, e);
        } catch (IllegalArgumentException e) {
            throw new StorageException("invalid S3 bucket name '" + bucket + "': "
                    + e.getMessage() + " (check BENTO_S3_BUCKET)", e);
        } catch (Exception e) {
            throw failure("create the bucket for", null, e);
        }
    }

    private static boolean isNoSuchKey(ErrorResponseException e) {
        String code = e.errorResponse().code();
        return "NoSuchKey".equals(code) || "NoSuchObject".equals(code);
    }

    /** Turns a client-library exception into a message that says what to check. */
    private StorageException failure(String action, String key, Exception e) {
        String what = key == null ? "bucket " + bucket : key + " in bucket " + bucket;
        if (e instanceof ErrorResponseException err) {
            String code = err.errorResponse().code();
            if ("NoSuchBucket".equals(code)) {
                return new StorageException("S3 bucket " + bucket + " does not exist at " + endpoint
                        + " (it is created when Bento starts; was it deleted?): create it or check"
                        + " BENTO_S3_BUCKET", e);
            }
            if (DENIED_CODES.contains(code)) {
                return new StorageException("S3 at " + endpoint + " denied access to bucket " + bucket
                        + " (" + code + "): check BENTO_S3_ACCESS_KEY and BENTO_S3_SECRET_KEY, and"
                        + " that this key may use the bucket", e);
            }
            String message = err.errorResponse().message();
            return new StorageException("S3 at " + endpoint + " refused to " + action + " " + what
                    + ": " + code + (message == null || message.isBlank() ? "" : " (" + message + ")"), e);
        }
        if (e instanceof ConnectException || e instanceof UnknownHostException
                || e instanceof NoRouteToHostException
                || (e instanceof InterruptedIOException && isConnectPhase(e))) {
            return new StorageException("S3 endpoint " + endpoint + " is unreachable ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "): start the object"
                    + " store or point BENTO_S3_URL at it", e);
        }
        if (e instanceof InvalidResponseException) {
            return new StorageException(endpoint + " did not answer like an S3 server when asked to "
                    + action + " " + what + ": check that BENTO_S3_URL points at the S3 API", e);
        }
        if (e instanceof ServerException) {
            return new StorageException("S3 at " + endpoint + " failed to " + action + " " + what
                    + " (server error: " + e.getMessage() + "); try again later", e);
        }
        if (e instanceof IOException) {
            return new StorageException("I/O error while trying to " + action + " " + what + " at "
                    + endpoint + ": " + e.getMessage(), e);
        }
        return new StorageException("could not " + action + " " + what + " at " + endpoint + ": "
                + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }

    private static boolean isConnectPhase(Exception e) {
        String message = e.getMessage();
        return message != null && message.toLowerCase().contains("connect");
    }

    private static void requireKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("object key must not be empty");
        }
    }

    private static String validateEndpoint(String endpoint) {
        URI uri;
        try {
            uri = URI.create(Objects.requireNonNull(endpoint, "endpoint").trim());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new StorageException("invalid S3 endpoint '" + endpoint
                    + "': set BENTO_S3_URL to a URL such as http://127.0.0.1:9000", e);
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))
                || uri.getHost() == null) {
            throw new StorageException("invalid S3 endpoint '" + endpoint
                    + "': set BENTO_S3_URL to a URL such as http://127.0.0.1:9000");
        }
        String path = uri.getPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            throw new StorageException("invalid S3 endpoint '" + endpoint + "': it must not have a"
                    + " path (the bucket goes in BENTO_S3_BUCKET)");
        }
        return scheme + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }
}
