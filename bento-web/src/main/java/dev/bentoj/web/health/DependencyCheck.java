package dev.bentoj.web.health;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * A readiness check for one service the server needs (PostgreSQL, Redis, S3): the server is
 * ready when every one answers. A new dependency is one small subclass annotated
 * {@code @Readiness @ApplicationScoped} that names itself and probes its service.
 */
public abstract class DependencyCheck implements HealthCheck {
    /** The name shown in {@code /health/ready}, e.g. {@code "postgresql"}. */
    protected abstract String dependency();

    /**
     * Contacts the service, quickly (a few seconds at most), and adds what helps an operator
     * (where it is, what answered) to {@code data}. Any exception means "not reachable".
     */
    protected abstract void probe(HealthCheckResponseBuilder data) throws Exception;

    @Override
    public final HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(dependency());
        try {
            probe(response);
            return response.up().build();
        } catch (Exception e) {
            // The reason, not a stack trace: this is what an operator reads first.
            String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            return response.down().withData("error", reason).build();
        }
    }
}
