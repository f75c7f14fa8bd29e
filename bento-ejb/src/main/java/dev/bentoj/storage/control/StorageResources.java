package dev.bentoj.storage.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;


/**
 * The server's one object-store client and one Redis client, configured from MicroProfile
 * Config (environment {@code BENTO_S3_URL}, {@code BENTO_S3_BUCKET}, {@code BENTO_S3_ACCESS_KEY},
 * {@code BENTO_S3_SECRET_KEY}, {@code BENTO_REDIS_URL}, {@code BENTO_REDIS_ALLOW_EVICTION}).
 */
@ApplicationScoped
public class StorageResources {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(StorageResources.class.getName());

    // @Singleton, not @ApplicationScoped: the clients are final classes, which CDI cannot proxy.
    @Produces
    @Singleton
    ObjectStore objectStore(@ConfigProperty(name = "bento.s3.url", defaultValue = "http://127.0.0.1:9000") String url,
                            @ConfigProperty(name = "bento.s3.bucket", defaultValue = "bento") String bucket,
                            @ConfigProperty(name = "bento.s3.access.key") Optional<String> accessKey,
                            @ConfigProperty(name = "bento.s3.secret.key") Optional<String> secretKey) {
        return ObjectStore.open(url, bucket, accessKey.orElse(""), secretKey.orElse(""));
    }

    void closeObjectStore(@Disposes ObjectStore store) {
        store.close();
    }

    @Produces
    @Singleton
    Intermediates intermediates(@ConfigProperty(name = "bento.redis.url", defaultValue = "redis://127.0.0.1:6379") String url,
                                @ConfigProperty(name = "bento.redis.allow.eviction", defaultValue = "false") boolean allowEviction) {
        Intermediates redis = new Intermediates(url);
        try {
            redis.checkEvictionPolicy(allowEviction);
        } catch (UnsafeEvictionPolicyException e) {
            throw e;
        } catch (StorageException e) {
            // Unreachable now: the readiness check reports it, and the policy is checked when
            // an agent starts; the server itself keeps running.
            LOG.warning("Redis not reachable at start: " + e.getMessage());
        }
        return redis;
    }

    void closeIntermediates(@Disposes Intermediates redis) {
        redis.close();
    }
}
