package dev.bentoj.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bentoj.storage.control.Intermediates;
import dev.bentoj.storage.control.ObjectStore;
import dev.bentoj.storage.control.StorageException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each embedded service starts, serves our storage code, and stops; start times are printed. */
class EmbeddedServicesTest {

    @TempDir
    Path directory;

    @Test
    void s3ServesTheObjectStoreAndKeepsObjectsAcrossRestarts() throws Exception {
        Path data = directory.resolve("s3");
        long t0 = System.nanoTime();
        try (EmbeddedS3 s3 = EmbeddedS3.start(data)) {
            report("EmbeddedS3", t0);
            try (ObjectStore store = ObjectStore.open(s3.url(), "bento", s3.accessKey(), s3.secretKey())) {
                store.put("inputs/a", new byte[] {1, 2, 3});
                byte[] big = new byte[(16 << 20) + 1]; // a multipart upload, which parses XML
                store.put("inputs/big", new java.io.ByteArrayInputStream(big), -1);
                assertEquals(big.length, store.get("inputs/big").length);
            }
            StorageException e = assertThrows(StorageException.class,
                    () -> ObjectStore.open(s3.url(), "bento", s3.accessKey(), "not-the-secret"));
            assertTrue(e.getMessage().contains("denied access"), e.getMessage());
        }
        try (EmbeddedS3 again = EmbeddedS3.start(data, 0, "AK", "SK");
                ObjectStore store = ObjectStore.open(again.url(), "bento", "AK", "SK")) {
            assertArrayEquals(new byte[] {1, 2, 3}, store.get("inputs/a"));
        }
    }

    @Test
    void redisServesIntermediatesAndPassesTheEvictionCheck() throws Exception {
        long t0 = System.nanoTime();
        try (EmbeddedRedis redis = EmbeddedRedis.start();
                Intermediates intermediates = new Intermediates(redis.url())) {
            report("EmbeddedRedis", t0);
            assertEquals(Optional.of("noeviction"), intermediates.checkEvictionPolicy(false));
            intermediates.put("job1", "segment:0", new byte[] {7});
            assertArrayEquals(new byte[] {7}, intermediates.get("job1", "segment:0"));
        }
    }

    @Test
    void postgresKeepsItsDataAcrossRestarts() throws Exception {
        Path data = directory.resolve("pg");
        long t0 = System.nanoTime();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data);
                Connection c = DriverManager.getConnection(pg.jdbcUrl());
                Statement s = c.createStatement()) {
            report("EmbeddedPostgres (initdb + start)", t0);
            s.execute("CREATE TABLE t (v int)");
            s.execute("INSERT INTO t VALUES (42)");
        }
        t0 = System.nanoTime();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data);
                Connection c = DriverManager.getConnection(pg.jdbcUrl());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT v, current_setting('synchronous_commit') FROM t")) {
            report("EmbeddedPostgres (restart on existing data)", t0);
            assertTrue(rs.next());
            assertEquals(42, rs.getInt(1));
            assertEquals("on", rs.getString(2));
        }
    }

    private static void report(String what, long startNanos) {
        System.out.printf("%s started in %d ms%n", what, (System.nanoTime() - startNanos) / 1_000_000);
    }
}
