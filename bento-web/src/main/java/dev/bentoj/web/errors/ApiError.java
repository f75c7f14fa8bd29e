package dev.bentoj.web.errors;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * An error the API reports as {@code {"type": …, "msg": …}} with its status, the shape upstream
 * Bento uses (bonsai-api.md §3). Messages say what happened and what to do.
 */
public final class ApiError extends WebApplicationException {
    /** The JSON body. */
    public record Body(String type, String msg) {
    }

    public ApiError(Response.Status status, String type, String msg) {
        super(msg, Response.status(status).type(MediaType.APPLICATION_JSON).entity(new Body(type, msg)).build());
    }

    public static ApiError badRequest(String type, String msg) {
        return new ApiError(Response.Status.BAD_REQUEST, type, msg);
    }

    public static ApiError notFound(String type, String msg) {
        return new ApiError(Response.Status.NOT_FOUND, type, msg);
    }

    public static ApiError unauthorized(String msg) {
        return new ApiError(Response.Status.UNAUTHORIZED, "Unauthorized", msg);
    }
}
