package dev.bentoj.auth.boundary;

import dev.bentoj.auth.control.ApiKeys;
import dev.bentoj.taskdb.control.Streams;
import dev.bentoj.web.errors.ApiError;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Authenticates Bonsai API calls by {@code x-api-key}. The agent work API ({@code v1/work/…})
 * has its own worker token, the admin API ({@code admin/…}) the admin token, and
 * {@code /version} is public. In open mode (off unless {@code BENTO_AUTH_OPEN=true}) every
 * caller is the user {@code default}.
 *
 * <p>A registered key of the upstream form {@code v1:reserved:N} also gives its user's streams
 * N reserved slots when they are first created (as upstream); streams that exist already keep
 * their settings, so what an administrator set stays.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class ApiKeyFilter implements ContainerRequestFilter {
    public static final String HEADER = "x-api-key";
    public static final String OPEN_MODE_USER = "default";

    @Inject
    ApiKeys keys;

    @Inject
    Caller caller;

    @Inject
    Streams streams;

    @Inject
    @ConfigProperty(name = "bento.auth.open", defaultValue = "false")
    boolean openMode;

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath().replaceAll("^/+", "");
        if (path.equals("version") || path.startsWith("v1/work") || AdminTokenFilter.isAdminPath(path)) {
            return;
        }
        if (openMode) {
            caller.authenticate(OPEN_MODE_USER);
            return;
        }
        String key = request.getHeaderString(HEADER);
        if (key == null || key.isBlank()) {
            throw ApiError.unauthorized("missing x-api-key header: every request needs an API key"
                    + " (./bento up prints one as BENTO_API_KEY)");
        }
        String user = keys.userOf(key).orElseThrow(() -> ApiError.unauthorized("unknown or revoked API key"));
        ApiKeys.reservationOf(key).ifPresent(reserved -> streams.createReserved(user, reserved));
        caller.authenticate(user);
    }
}
