package dev.bentoj.web.platform;

import dev.bentoj.auth.control.ApiKeys;
import dev.bentoj.sessions.control.Sessions;
import dev.bentoj.storage.control.ObjectStore;
import dev.bentoj.taskdb.control.TaskDb;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.util.Optional;

/**
 * The business components of bento-ejb that are plain classes over the pool, made CDI beans
 * here where the pool is known.
 */
@ApplicationScoped
public class Controls {
    // Products are @Singleton, not @ApplicationScoped: they are final classes, which CDI cannot proxy.
    @Resource(lookup = Database.JNDI_NAME)
    DataSource dataSource;

    /** An operator-chosen key registered for user {@code default} at start (env BENTO_BOOTSTRAP_API_KEY). */
    @ConfigProperty(name = "bento.bootstrap.api.key")
    @jakarta.inject.Inject
    Optional<String> bootstrapKey;

    @ConfigProperty(name = "bento.max.cycles", defaultValue = "4294967296")
    @jakarta.inject.Inject
    long maxCycles;

    @ConfigProperty(name = "bento.segment.po2", defaultValue = "20")
    @jakarta.inject.Inject
    int segmentPo2;

    /** Lease of the executor (init) task, env BENTO_EXEC_LEASE_SECONDS; agents heartbeat every third of it. */
    @ConfigProperty(name = "bento.exec.lease.seconds", defaultValue = "60")
    @jakarta.inject.Inject
    int execLeaseSeconds;

    @Produces
    @Singleton
    TaskDb taskDb() {
        return new TaskDb(dataSource);
    }

    @Produces
    @Singleton
    Sessions sessions(TaskDb taskDb, ObjectStore objects) {
        return new Sessions(taskDb, objects, maxCycles, segmentPo2, execLeaseSeconds);
    }

    @Produces
    @Singleton
    ApiKeys apiKeys() {
        ApiKeys keys = new ApiKeys(dataSource);
        bootstrapKey.filter(k -> !k.isBlank()).ifPresent(k -> keys.register(k, "default", "bootstrap"));
        return keys;
    }
}
