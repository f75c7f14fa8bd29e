package dev.bentoj.taskdb.boundary;

import dev.bentoj.taskdb.entity.TaskDbException;
import dev.bentoj.web.errors.ApiError;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** TaskDB refusals as statuses an agent can act on: 409 means "this task is no longer yours". */
@Provider
public class TaskDbExceptionMapper implements ExceptionMapper<TaskDbException> {
    @Override
    public Response toResponse(TaskDbException e) {
        Response.Status status = switch (e.reason()) {
            case NOT_FOUND -> Response.Status.NOT_FOUND;
            case STALE_ATTEMPT, JOB_NOT_RUNNING -> Response.Status.CONFLICT;
            case INVALID_REQUEST -> Response.Status.BAD_REQUEST;
            case DATABASE -> Response.Status.SERVICE_UNAVAILABLE;
        };
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(new ApiError.Body(e.reason().name(), e.getMessage())).build();
    }
}
