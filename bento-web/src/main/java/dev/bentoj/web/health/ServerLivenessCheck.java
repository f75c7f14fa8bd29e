package dev.bentoj.web.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Alive as long as the application answers. Deliberately checks no dependency: a PostgreSQL
 * outage makes the server unready (no traffic), not dead (restarting it would not help).
 */
@Liveness
@ApplicationScoped
public class ServerLivenessCheck implements HealthCheck {
    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.up("bento-server");
    }
}
