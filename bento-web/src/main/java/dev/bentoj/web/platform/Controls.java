package dev.bentoj.web.platform;

import dev.bentoj.sessions.control.Sessions;
import dev.bentoj.storage.control.ObjectStore;
import dev.bentoj.taskdb.control.TaskDb;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;

/**
 * The business components of bento-ejb that are plain classes over the pool, made CDI beans
 * here where the pool is known.
 */
@ApplicationScoped
public class Controls {
    // Products are @Singleton, not @ApplicationScoped: they are final classes, which CDI cannot proxy.
    @Resource(lookup = Database.JNDI_NAME)
    DataSource dataSource;

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
}
