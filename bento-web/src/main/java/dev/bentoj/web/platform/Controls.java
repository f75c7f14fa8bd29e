package dev.bentoj.web.platform;

import dev.bentoj.sessions.control.Sessions;
import dev.bentoj.storage.control.Intermediates;
import dev.bentoj.storage.control.ObjectStore;
import dev.bentoj.taskdb.control.Streams;
import dev.bentoj.taskdb.control.ReadyTaskSignal;
import dev.bentoj.taskdb.control.TaskDb;
import dev.bentoj.taskdb.control.TaskDbOptions;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.time.Duration;
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

    /**
     * Several server instances on one database: announce ready tasks to the others and relay
     * theirs, so that an agent's long-poll on one instance wakes for work made ready on another
     * (env BENTO_READY_NOTICES; off, work made elsewhere is found by the 1 s backstop poll).
     */
    @ConfigProperty(name = "bento.ready.notices", defaultValue = "true")
    @jakarta.inject.Inject
    boolean readyNotices;

    // The listener's own connection: the same settings the pool is made from (see Database).
    @ConfigProperty(name = "bento.db.url", defaultValue = Database.DEFAULT_URL)
    @jakarta.inject.Inject
    String dbUrl;

    @ConfigProperty(name = "bento.db.user", defaultValue = "postgres")
    @jakarta.inject.Inject
    String dbUser;

    @ConfigProperty(name = "bento.db.password")
    @jakarta.inject.Inject
    Optional<String> dbPassword;

    @Produces
    @Singleton
    TaskDb taskDb() {
        if (!readyNotices) {
            return new TaskDb(dataSource);
        }
        TaskDb taskDb = new TaskDb(dataSource, TaskDbOptions.defaults().withReadyNotices(Duration.ofMillis(5)),
                new ReadyTaskSignal());
        taskDb.listenToOtherInstances(dbUrl, dbUser, dbPassword.orElse(""));
        return taskDb;
    }

    /** Stops the listener thread and the notifier's timer with the application. */
    void closeTaskDb(@Disposes TaskDb taskDb) {
        taskDb.close();
    }

    @Produces
    @Singleton
    Streams streams() {
        return new Streams(dataSource);
    }

    @Produces
    @Singleton
    Sessions sessions(TaskDb taskDb, ObjectStore objects, Intermediates intermediates) {
        return new Sessions(taskDb, objects, intermediates, maxCycles, segmentPo2, execLeaseSeconds);
    }
}
