package dev.bentoj.web.platform;

import dev.bentoj.storage.control.Intermediates;
import dev.bentoj.storage.control.ObjectStore;
import dev.bentoj.storage.control.StorageException;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.logging.Logger;

/**
 * Creates the Redis and S3 clients at deploy rather than at the first request, so that an
 * evicting Redis policy refuses the deployment at once (upstream users lost segments to
 * {@code allkeys-lru}) and the bucket exists before the first upload. A service that is merely
 * down does not stop the server: {@code /health/ready} reports it.
 */
@Startup
@Singleton
@DependsOn("Database")
public class StartupChecks {
    private static final Logger LOG = Logger.getLogger(StartupChecks.class.getName());

    @Inject
    Instance<Intermediates> redis;

    @Inject
    Instance<ObjectStore> objects;

    @PostConstruct
    void check() {
        redis.get();
        try {
            objects.get();
        } catch (StorageException e) {
            LOG.warning("object store not reachable at start: " + e.getMessage());
        }
    }
}
