package dev.bentoj.embedded;

import java.io.IOException;
import java.net.ServerSocket;
import redis.embedded.RedisServer;

/**
 * A Redis server for the embedded cluster: the real {@code redis-server} binary (6.2) shipped in
 * the embedded-redis artifact, run as a child process on 127.0.0.1, in memory only (no RDB, no
 * AOF) and with {@code maxmemory-policy noeviction}, the only policy Bento accepts.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private final RedisServer server;
    private final int port;

    private EmbeddedRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Starts on a free port. */
    public static EmbeddedRedis start() throws IOException {
        return start(0);
    }

    /**
     * Starts on 127.0.0.1:{@code port} (0 for a free one).
     *
     * @throws IOException if the binary cannot run or the port is taken
     */
    public static EmbeddedRedis start(int port) throws IOException {
        int chosen = port == 0 ? freePort() : port;
        RedisServer server = RedisServer.newRedisServer()
                .bind("127.0.0.1")
                .port(chosen)
                .setting("save \"\"")
                .setting("appendonly no")
                .setting("maxmemory-policy noeviction")
                .onShutdownForceStop(true)
                .build();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            throw new IOException("embedded Redis failed to start on 127.0.0.1:" + chosen + ": "
                    + e.getMessage(), e);
        }
        return new EmbeddedRedis(server, chosen);
    }

    /** {@code redis://127.0.0.1:PORT}, for {@code BENTO_REDIS_URL}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Stops the server; its data is gone. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (IOException e) {
            // The child is already gone or going; nothing else to release.
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
