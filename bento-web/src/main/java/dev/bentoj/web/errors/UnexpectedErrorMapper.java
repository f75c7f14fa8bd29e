package dev.bentoj.web.errors;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.sql.SQLException;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The last resort: anything unexpected becomes a 500 with {@code {"type": "InternalErr"}} and
 * an incident id that points into the server log, never a stack trace or an HTML page.
 * Deliberate errors ({@link ApiError} and other JAX-RS exceptions) keep their own response.
 * A database that cannot be reached (PostgreSQL restarting, the pool unable to connect) is not
 * a bug: JPA's and the pool's exceptions that say so become a 503 {@code DatabaseUnavailable}
 * that a client may retry, as the TaskDB's own errors do.
 */
@Provider
public class UnexpectedErrorMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = Logger.getLogger(UnexpectedErrorMapper.class.getName());

    @Override
    public Response toResponse(Throwable e) {
        if (e instanceof WebApplicationException w) {
            return w.getResponse();
        }
        if (databaseUnreachable(e)) {
            LOG.log(Level.WARNING, "database unreachable: {0}", e.toString());
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON)
                    .header("Retry-After", "5")
                    .entity(new ApiError.Body("DatabaseUnavailable", "the database is unavailable, retry later"))
                    .build();
        }
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "incident " + incident, e);
        return Response.serverError().type(MediaType.APPLICATION_JSON)
                .entity(new ApiError.Body("InternalErr", "internal error (incident " + incident
                        + " in the server log)")).build();
    }

    /**
     * An SQLException in the cause chain with a connection-class state (08…, 57P… shutdown) or
     * none at all (the pool's "Error in allocating a connection" carries none).
     */
    static boolean databaseUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state == null || state.startsWith("08") || state.startsWith("57P")) {
                    return true;
                }
            }
        }
        return false;
    }
}
