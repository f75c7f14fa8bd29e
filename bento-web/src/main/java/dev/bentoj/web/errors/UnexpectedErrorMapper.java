package dev.bentoj.web.errors;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The last resort: anything unexpected becomes a 500 with {@code {"type": "InternalErr"}} and
 * an incident id that points into the server log, never a stack trace or an HTML page.
 * Deliberate errors ({@link ApiError} and other JAX-RS exceptions) keep their own response.
 */
@Provider
public class UnexpectedErrorMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = Logger.getLogger(UnexpectedErrorMapper.class.getName());

    @Override
    public Response toResponse(Throwable e) {
        if (e instanceof WebApplicationException w) {
            return w.getResponse();
        }
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "incident " + incident, e);
        return Response.serverError().type(MediaType.APPLICATION_JSON)
                .entity(new ApiError.Body("InternalErr", "internal error (incident " + incident
                        + " in the server log)")).build();
    }
}
