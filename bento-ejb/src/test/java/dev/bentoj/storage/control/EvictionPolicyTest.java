package dev.bentoj.storage.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;

/**
 * The maxmemory-policy check, on private embedded Redis servers: changing the policy of the
 * shared Redis would disturb whatever else uses it meanwhile.
 */
class EvictionPolicyTest {

    static RedisServer redis;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        port = freePort();
        redis = RedisServer.newRedisServer().bind("127.0.0.1").port(port)
                .setting("save \"\"").setting("appendonly no").build();
        redis.start();
    }

    @AfterAll
    static void stop() throws Exception {
        redis.stop();
    }

    @ParameterizedTest
    @ValueSource(strings = {"allkeys-lru", "allkeys-lfu", "allkeys-random",
            "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"})
    void evictingPoliciesAreRefusedUnlessAllowed(String policy) {
        setPolicy(policy);
        try (Intermediates intermediates = new Intermediates("redis://127.0.0.1:" + port)) {
            UnsafeEvictionPolicyException e = assertThrows(UnsafeEvictionPolicyException.class,
                    () -> intermediates.checkEvictionPolicy(false));

            assertEquals(policy, e.policy());
            assertTrue(e.getMessage().contains("maxmemory-policy " + policy), e.getMessage());
            assertTrue(e.getMessage().contains("noeviction"), e.getMessage());
            assertEquals(Optional.of(policy), intermediates.checkEvictionPolicy(true));
        } finally {
            setPolicy("noeviction");
        }
    }

    @Test
    void noevictionPasses() {
        setPolicy("noeviction");
        try (Intermediates intermediates = new Intermediates("redis://127.0.0.1:" + port)) {
            assertEquals(Optional.of("noeviction"), intermediates.checkEvictionPolicy(false));
        }
    }

    @Test
    void disabledConfigCommandWarnsInsteadOfFailing() throws Exception {
        int managedPort = freePort();
        // Managed Redis services hide CONFIG; renaming it away does the same here.
        RedisServer managed = RedisServer.newRedisServer().bind("127.0.0.1").port(managedPort)
                .setting("save \"\"").setting("rename-command CONFIG \"\"").build();
        managed.start();
        try (Intermediates intermediates = new Intermediates("redis://127.0.0.1:" + managedPort)) {
            assertEquals(Optional.empty(), intermediates.checkEvictionPolicy(false));
            intermediates.put("job1", "segment:0", new byte[] {1});
            assertEquals(1, intermediates.get("job1", "segment:0")[0]);
        } finally {
            managed.stop();
        }
    }

    private static void setPolicy(String policy) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            jedis.configSet("maxmemory-policy", policy);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
