package dev.bentoj.web.health;

import dev.bentoj.storage.control.Intermediates;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while Redis, where job intermediates live, answers. */
@Readiness
@ApplicationScoped
public class RedisReadinessCheck extends DependencyCheck {
    @Inject
    Intermediates redis;

    @Override
    protected String dependency() {
        return "redis";
    }

    @Override
    protected void probe(HealthCheckResponseBuilder data) {
        // A key that never exists: a round trip without side effects.
        redis.exists("health", "probe");
    }
}
