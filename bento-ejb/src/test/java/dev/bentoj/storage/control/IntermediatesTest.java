package dev.bentoj.storage.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;

/** Against the real Redis on 127.0.0.1:6379; every test uses job ids of its own. */
class IntermediatesTest {

    static final String REDIS_URL = "redis://127.0.0.1:6379";

    Intermediates intermediates;
    JedisPooled raw;
    String job;

    @BeforeEach
    void open() {
        intermediates = new Intermediates(REDIS_URL);
        raw = new JedisPooled("127.0.0.1", 6379);
        job = "test-" + UUID.randomUUID();
    }

    @AfterEach
    void close() {
        intermediates.deleteJob(job);
        intermediates.deleteJob(job + "x");
        intermediates.close();
        raw.close();
    }

    @Test
    void binaryValuesRoundTrip() {
        byte[] value = new byte[256 * 1024];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }

        intermediates.put(job, "segment:0", value);

        assertArrayEquals(value, intermediates.get(job, "segment:0"));
        assertTrue(intermediates.exists(job, "segment:0"));
        assertTrue(raw.exists("bento:job:" + job + ":segment:0"));
    }

    @Test
    void missingKeyErrorNamesTheKey() {
        IntermediateNotFoundException e = assertThrows(IntermediateNotFoundException.class,
                () -> intermediates.get(job, "receipt:7"));

        assertEquals("bento:job:" + job + ":receipt:7", e.key());
        assertTrue(e.getMessage().contains("bento:job:" + job + ":receipt:7"), e.getMessage());
        assertFalse(intermediates.exists(job, "receipt:7"));
    }

    @Test
    void everyKeyGetsTheDefaultTtl() {
        intermediates.put(job, "segment:0", new byte[] {1});
        intermediates.put(job, "journal", new byte[] {2});
        intermediates.put(job, "segment:0", new byte[] {3}); // overwriting keeps a TTL too

        long eightHours = Duration.ofHours(8).toSeconds();
        for (String name : new String[] {"segment:0", "journal"}) {
            long ttl = raw.ttl("bento:job:" + job + ":" + name);
            assertTrue(ttl > eightHours - 60 && ttl <= eightHours, name + " ttl " + ttl);
        }
    }

    @Test
    void ttlIsConfigurable() {
        try (Intermediates shortLived = new Intermediates(REDIS_URL, Duration.ofMinutes(5))) {
            shortLived.put(job, "segment:1", new byte[] {1});
        }
        long ttl = raw.ttl("bento:job:" + job + ":segment:1");
        assertTrue(ttl > 240 && ttl <= 300, "ttl " + ttl);
    }

    @Test
    void deleteRemovesOneKey() {
        intermediates.put(job, "segment:0", new byte[] {1});
        intermediates.put(job, "segment:1", new byte[] {2});

        intermediates.delete(job, "segment:0");
        intermediates.delete(job, "segment:0");

        assertFalse(intermediates.exists(job, "segment:0"));
        assertTrue(intermediates.exists(job, "segment:1"));
    }

    @Test
    void deleteJobRemovesOnlyThatJobsKeys() {
        // More keys than one SCAN page, so the cursor loop runs several times.
        for (int i = 0; i < 1200; i++) {
            intermediates.put(job, "segment:" + i, new byte[] {(byte) i});
        }
        // A job whose id starts with the first one's must survive.
        String neighbour = job + "x";
        intermediates.put(neighbour, "segment:0", new byte[] {9});
        raw.set("bento:other:" + job, "not ours");

        long removed = intermediates.deleteJob(job);

        assertEquals(1200, removed);
        assertFalse(intermediates.exists(job, "segment:0"));
        assertFalse(intermediates.exists(job, "segment:1199"));
        assertArrayEquals(new byte[] {9}, intermediates.get(neighbour, "segment:0"));
        assertEquals("not ours", raw.get("bento:other:" + job));
        raw.del("bento:other:" + job);
        assertEquals(0, intermediates.deleteJob(job));
    }

    @Test
    void invalidJobIdsAndNamesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Intermediates.key("a:b", "x"));
        assertThrows(IllegalArgumentException.class, () -> Intermediates.key("a*", "x"));
        assertThrows(IllegalArgumentException.class, () -> Intermediates.key("", "x"));
        assertThrows(IllegalArgumentException.class, () -> Intermediates.key("a", "x y"));
        assertThrows(IllegalArgumentException.class, () -> intermediates.deleteJob("*"));
        assertEquals("bento:job:j1:segment:3", Intermediates.key("j1", "segment:3"));
    }

    @Test
    void sharedRedisPassesTheEvictionCheckOrSaysWhy() {
        String policy;
        try (Jedis jedis = new Jedis("127.0.0.1", 6379)) {
            policy = jedis.configGet("maxmemory-policy").get("maxmemory-policy");
        }
        if (policy.equals("noeviction")) {
            assertEquals("noeviction", intermediates.checkEvictionPolicy(false).orElseThrow());
        } else {
            assertThrows(UnsafeEvictionPolicyException.class,
                    () -> intermediates.checkEvictionPolicy(false));
        }
    }

    @Test
    void unreachableRedisGivesAClearError() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (Intermediates dead = new Intermediates("redis://127.0.0.1:" + port)) {
            StorageException e = assertThrows(StorageException.class,
                    () -> dead.checkEvictionPolicy(false));
            assertTrue(e.getMessage().contains("Redis at redis://127.0.0.1:" + port + " is unreachable"),
                    e.getMessage());
            e = assertThrows(StorageException.class, () -> dead.put(job, "segment:0", new byte[1]));
            assertTrue(e.getMessage().contains("BENTO_REDIS_URL"), e.getMessage());
        }
    }

    @Test
    void urlWithoutPortMeansTheDefaultPort() {
        try (Intermediates defaultPort = new Intermediates("redis://127.0.0.1")) {
            defaultPort.put(job, "journal", new byte[] {5});
            assertArrayEquals(new byte[] {5}, intermediates.get(job, "journal"));
        }
    }

    @Test
    void malformedUrlIsRefused() {
        StorageException e = assertThrows(StorageException.class,
                () -> new Intermediates("http://secret:pw@127.0.0.1:6379"));
        assertTrue(e.getMessage().contains("BENTO_REDIS_URL"), e.getMessage());
        assertFalse(e.getMessage().contains("pw"), e.getMessage());
    }
}
