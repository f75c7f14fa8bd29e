package dev.bentoj.storage.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bentoj.storage.entity.ObjectNamespace;
import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import io.minio.RemoveBucketArgs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStoreTest {

    @TempDir
    static Path directory;
    static S3ProxyServer s3;

    ObjectStore store;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = new S3ProxyServer(directory);
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @BeforeEach
    void open() {
        store = ObjectStore.open(s3.url, "bento", s3.accessKey, s3.secretKey);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void bytesRoundTrip() {
        String key = ObjectNamespace.INPUT.key(UUID.randomUUID());
        byte[] bytes = randomBytes(1000);

        store.put(key, bytes);

        assertArrayEquals(bytes, store.get(key));
        assertArrayEquals(bytes, store.find(key).orElseThrow());
        assertTrue(store.exists(key));
    }

    @Test
    void emptyObjectRoundTrip() {
        String key = ObjectNamespace.JOURNAL.key(UUID.randomUUID());
        store.put(key, new byte[0]);
        assertArrayEquals(new byte[0], store.get(key));
    }

    @Test
    void putReplacesTheObject() {
        String key = ObjectNamespace.LOG.key(UUID.randomUUID());
        store.put(key, new byte[] {1});
        store.put(key, new byte[] {2, 3});
        assertArrayEquals(new byte[] {2, 3}, store.get(key));
    }

    @Test
    void streamRoundTripWithKnownSize() throws Exception {
        String key = ObjectNamespace.STARK_RECEIPT.key(UUID.randomUUID());
        byte[] bytes = randomBytes(3 << 20);

        store.put(key, new ByteArrayInputStream(bytes), bytes.length);

        try (InputStream in = store.open(key)) {
            assertArrayEquals(bytes, in.readAllBytes());
        }
    }

    @Test
    void streamRoundTripWithUnknownSizeGoesInParts() {
        String key = ObjectNamespace.SNARK_RECEIPT.key(UUID.randomUUID());
        byte[] bytes = randomBytes((16 << 20) + 12345); // two parts

        store.put(key, new ByteArrayInputStream(bytes), -1);

        assertArrayEquals(bytes, store.get(key));
    }

    @Test
    void missingObjectErrorNamesTheKey() {
        String key = ObjectNamespace.ELF.key("ab".repeat(32));

        ObjectNotFoundException e = assertThrows(ObjectNotFoundException.class, () -> store.get(key));

        assertEquals(key, e.key());
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertTrue(e.getMessage().contains("bento"), e.getMessage());
        assertTrue(store.find(key).isEmpty());
        assertFalse(store.exists(key));
        assertThrows(ObjectNotFoundException.class, () -> store.open(key));
    }

    @Test
    void deleteRemovesTheObjectAndToleratesAMissingOne() {
        String key = ObjectNamespace.INPUT.key(UUID.randomUUID());
        store.put(key, new byte[] {42});

        store.delete(key);
        store.delete(key);

        assertFalse(store.exists(key));
    }

    @Test
    void bucketIsCreatedAtStart() throws Exception {
        String bucket = "fresh-" + UUID.randomUUID().toString().substring(0, 8);
        try (MinioClient raw = rawClient()) {
            assertFalse(raw.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));

            try (ObjectStore fresh = ObjectStore.open(s3.url, bucket, s3.accessKey, s3.secretKey)) {
                assertTrue(raw.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
                fresh.put("inputs/x", new byte[] {7});
                assertArrayEquals(new byte[] {7}, fresh.get("inputs/x"));
            }
            // Opening again finds the bucket and keeps its objects.
            try (ObjectStore again = ObjectStore.open(s3.url, bucket, s3.accessKey, s3.secretKey)) {
                assertArrayEquals(new byte[] {7}, again.get("inputs/x"));
            }
        }
    }

    @Test
    void bucketDeletedUnderneathGivesAClearError() throws Exception {
        String bucket = "doomed-" + UUID.randomUUID().toString().substring(0, 8);
        try (ObjectStore doomed = ObjectStore.open(s3.url, bucket, s3.accessKey, s3.secretKey);
                MinioClient raw = rawClient()) {
            raw.removeBucket(RemoveBucketArgs.builder().bucket(bucket).build());

            StorageException e = assertThrows(StorageException.class,
                    () -> doomed.put("inputs/x", new byte[] {1}));

            assertTrue(e.getMessage().contains("bucket " + bucket + " does not exist"), e.getMessage());
        }
    }

    @Test
    void wrongSecretKeyGivesAClearError() {
        StorageException e = assertThrows(StorageException.class,
                () -> ObjectStore.open(s3.url, "bento", s3.accessKey, "wrong-secret"));

        assertTrue(e.getMessage().contains("denied access"), e.getMessage());
        assertTrue(e.getMessage().contains("BENTO_S3_SECRET_KEY"), e.getMessage());
        assertTrue(e.getMessage().contains(s3.url), e.getMessage());
    }

    @Test
    void unknownAccessKeyGivesAClearError() {
        StorageException e = assertThrows(StorageException.class,
                () -> ObjectStore.open(s3.url, "bento", "nobody", s3.secretKey));

        assertTrue(e.getMessage().contains("denied access"), e.getMessage());
    }

    @Test
    void unreachableEndpointGivesAClearError() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;

        StorageException e = assertThrows(StorageException.class,
                () -> ObjectStore.open(url, "bento", "a", "b"));

        assertTrue(e.getMessage().contains("S3 endpoint " + url + " is unreachable"), e.getMessage());
        assertTrue(e.getMessage().contains("BENTO_S3_URL"), e.getMessage());
    }

    @Test
    void malformedEndpointIsRefused() {
        StorageException e = assertThrows(StorageException.class,
                () -> ObjectStore.open("127.0.0.1:9000", "bento", "a", "b"));
        assertTrue(e.getMessage().contains("BENTO_S3_URL"), e.getMessage());

        e = assertThrows(StorageException.class,
                () -> ObjectStore.open("http://127.0.0.1:9000/bento", "bento", "a", "b"));
        assertTrue(e.getMessage().contains("must not have a path"), e.getMessage());
    }

    private static MinioClient rawClient() {
        return MinioClient.builder().endpoint(s3.url).credentials(s3.accessKey, s3.secretKey).build();
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }
}
