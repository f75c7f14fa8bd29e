package dev.bentoj.taskdb.boundary;

import dev.bentoj.web.errors.ApiError;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Agents authenticate to the work API with the cluster's worker token
 * ({@code BENTO_WORKER_TOKEN} on server and agents). Without a configured token the work API
 * refuses everyone: an open work API would let anyone complete tasks with forged results.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class WorkerTokenFilter implements ContainerRequestFilter {
    public static final String HEADER = "x-bento-worker-token";

    @Inject
    @ConfigProperty(name = "bento.worker.token")
    Optional<String> token;

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath().replaceAll("^/+", "");
        if (!path.startsWith("v1/work")) {
            return;
        }
        String expected = token.filter(t -> !t.isBlank()).orElseThrow(() -> ApiError.unauthorized(
                "the work API is closed: set BENTO_WORKER_TOKEN on the server and on every agent"));
        String given = request.getHeaderString(HEADER);
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8))) {
            throw ApiError.unauthorized("missing or wrong " + HEADER);
        }
    }
}
