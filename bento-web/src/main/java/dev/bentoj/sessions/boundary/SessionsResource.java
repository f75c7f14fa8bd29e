package dev.bentoj.sessions.boundary;

import dev.bentoj.auth.boundary.Caller;
import dev.bentoj.sessions.control.InvalidSessionException;
import dev.bentoj.sessions.control.SessionNotFoundException;
import dev.bentoj.sessions.control.Sessions;
import dev.bentoj.sessions.entity.SessionRequest;
import dev.bentoj.sessions.entity.SessionView;
import dev.bentoj.web.errors.ApiError;
import jakarta.inject.Inject;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;

/** Sessions of the Bonsai API (R7–R11): thin: parse, call {@link Sessions}, map the result. */
@Path("sessions")
public class SessionsResource {
    @Inject
    Sessions sessions;

    @Inject
    Caller caller;

    /** The body of {@code POST /sessions/create}, field names as the Bonsai client sends them. */
    public static class CreateBody {
        public String img;
        public String input;
        public List<String> assumptions;
        @JsonbProperty("execute_only")
        public boolean executeOnly;
        @JsonbProperty("exec_cycle_limit")
        public Long execCycleLimit;
    }

    /** SessionStatusRes with the client's field names. */
    public record StatusBody(String status, @JsonbProperty("receipt_url") String receiptUrl,
                             @JsonbProperty("error_msg") String errorMsg, String state,
                             @JsonbProperty("elapsed_time") Double elapsedTime, StatsBody stats) {
    }

    public record StatsBody(long segments, @JsonbProperty("total_cycles") long totalCycles, long cycles) {
    }

    @POST
    @Path("create")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> create(CreateBody body) {
        if (body == null) {
            throw ApiError.badRequest("InvalidRequest", "a JSON body {img, input, assumptions, execute_only} is required");
        }
        try {
            return Map.of("uuid", sessions.create(caller.userId(),
                    new SessionRequest(body.img, body.input, body.assumptions, body.executeOnly, body.execCycleLimit)).toString());
        } catch (InvalidSessionException e) {
            throw ApiError.badRequest("InvalidSession", e.getMessage());
        }
    }

    @GET
    @Path("status/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public StatusBody status(@PathParam("id") String id) {
        SessionView v = found(() -> sessions.status(caller.userId(), id));
        StatsBody stats = v.stats() == null ? null
                : new StatsBody(v.stats().segments(), v.stats().totalCycles(), v.stats().cycles());
        return new StatusBody(v.status(), v.receiptUrl(), v.errorMsg(), v.state(), v.elapsedTime(), stats);
    }

    @GET
    @Path("logs/{id}")
    @Produces(MediaType.TEXT_PLAIN)
    public byte[] logs(@PathParam("id") String id) {
        return found(() -> sessions.logs(caller.userId(), id));
    }

    @GET
    @Path("stop/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response stop(@PathParam("id") String id) {
        found(() -> {
            sessions.stop(caller.userId(), id);
            return null;
        });
        return Response.noContent().build();
    }

    @GET
    @Path("exec_only_journal/{id}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public byte[] journal(@PathParam("id") String id) {
        return found(() -> sessions.journal(caller.userId(), id)).orElseThrow(() ->
                ApiError.notFound("JournalMissing", "session " + id + " has no journal (yet)"));
    }

    private static <T> T found(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (SessionNotFoundException e) {
            throw ApiError.notFound("SessionMissing", e.getMessage());
        }
    }
}
