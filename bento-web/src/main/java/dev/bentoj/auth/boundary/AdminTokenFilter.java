package dev.bentoj.auth.boundary;

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
 * The admin API ({@code /admin/…}: stream priorities, API keys) answers only to the operator's
 * admin token ({@code BENTO_ADMIN_TOKEN}), sent as {@code x-bento-admin-token}. Without a
 * configured token the admin API refuses everyone, in open mode too: open mode opens the Bonsai
 * API, and an open admin API would let anyone issue keys and reserve the cluster.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class AdminTokenFilter implements ContainerRequestFilter {
    public static final String HEADER = "x-bento-admin-token";

    @Inject
    @ConfigProperty(name = "bento.admin.token")
    Optional<String> token;

    /** Whether a request path (relative, without leading slash) belongs to the admin API. */
    static boolean isAdminPath(String path) {
        return path.equals("admin") || path.startsWith("admin/");
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath().replaceAll("^/+", "");
        if (!isAdminPath(path)) {
            return;
        }
        String expected = token.filter(t -> !t.isBlank()).orElseThrow(() -> ApiError.unauthorized(
                "the admin API is closed: start the server with BENTO_ADMIN_TOKEN set, and send it as " + HEADER));
        String given = request.getHeaderString(HEADER);
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8))) {
            throw ApiError.unauthorized("missing or wrong " + HEADER + " (the server's BENTO_ADMIN_TOKEN)");
        }
    }
}
