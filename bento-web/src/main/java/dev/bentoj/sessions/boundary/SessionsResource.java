package dev.bentoj.sessions.boundary;

import dev.bentoj.auth.boundary.Caller;
import dev.bentoj.sessions.control.InvalidSessionException;
import dev.bentoj.sessions.control.SessionNotFoundException;
import dev.bentoj.sessions.control.Sessions;
import dev.bentoj.sessions.entity.SessionRequest;
import dev.bentoj.sessions.entity.SessionView;
import dev.bentoj.web.errors.ApiError;
import dev.bentoj.web.errors.JsonBodies;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Sessions of the Bonsai API (R7–R11): thin: parse, call {@link Sessions}, map the result. */
@Path("sessions")
public class SessionsResource {
    @Inject
    Sessions sessions;

    @Inject
    Caller caller;

    @Context
    HttpHeaders headers;

    @Context
    jakarta.ws.rs.core.UriInfo uriInfo;

    @Inject
    dev.bentoj.web.PublicUrls urls;

    /**
     * The body of {@code POST /sessions/create}, field names as the Bonsai client sends them.
     * Parsed by {@link #parse(String)}, strictly: JSON-B would turn {@code "execute_only": "yes"}
     * into {@code false} (a proving session) and answer malformed JSON with a 500.
     */
    @Schema(name = "CreateBody", description = "A session request, as the Bonsai client sends it")
    public static class CreateBody {
        public String img;
        public String input;
        public List<String> assumptions;
        @Schema(name = "execute_only")
        public boolean executeOnly;
        @Schema(name = "exec_cycle_limit", description = "units of 2^20 cycles, capped by the server; null for its limit")
        public Long execCycleLimit;

        /**
         * The request in {@code json}; {@code assumptions}, {@code execute_only} and
         * {@code exec_cycle_limit} may be absent or null (none, false, the server's limit), but
         * every field present must have its JSON type.
         *
         * @throws ApiError 400 {@code InvalidJson} or {@code InvalidRequest}, saying what is wrong
         */
        static SessionRequest parse(String json) {
            JsonObject o = JsonBodies.object(json, SHAPE);
            List<String> assumptions = new ArrayList<>();
            if (present(o, "assumptions")) {
                if (o.get("assumptions").getValueType() != JsonValue.ValueType.ARRAY) {
                    throw wrongType("assumptions", "an array of receipt uuids", o);
                }
                for (JsonValue a : o.getJsonArray("assumptions")) {
                    if (a.getValueType() != JsonValue.ValueType.STRING) {
                        throw wrongType("assumptions", "an array of receipt uuids", o);
                    }
                    assumptions.add(((JsonString) a).getString());
                }
            }
            boolean executeOnly = false;
            if (present(o, "execute_only")) {
                JsonValue v = o.get("execute_only");
                if (v.getValueType() != JsonValue.ValueType.TRUE && v.getValueType() != JsonValue.ValueType.FALSE) {
                    throw wrongType("execute_only", "true or false", o);
                }
                executeOnly = v.getValueType() == JsonValue.ValueType.TRUE;
            }
            Long limit = null;
            if (present(o, "exec_cycle_limit")) {
                JsonValue v = o.get("exec_cycle_limit");
                if (v.getValueType() != JsonValue.ValueType.NUMBER || !((JsonNumber) v).isIntegral()) {
                    throw wrongType("exec_cycle_limit", "an integer (units of 2^20 cycles) or null", o);
                }
                try {
                    limit = ((JsonNumber) v).longValueExact();
                } catch (ArithmeticException e) {
                    throw wrongType("exec_cycle_limit", "an integer (units of 2^20 cycles) or null", o);
                }
            }
            return new SessionRequest(string(o, "img"), string(o, "input"), assumptions, executeOnly, limit);
        }

        private static final String SHAPE = "{img, input, assumptions, execute_only, exec_cycle_limit}";

        private static boolean present(JsonObject o, String field) {
            return o.containsKey(field) && o.get(field).getValueType() != JsonValue.ValueType.NULL;
        }

        /** A string field, or null when absent (the session check names what is missing). */
        private static String string(JsonObject o, String field) {
            if (!present(o, field)) {
                return null;
            }
            if (o.get(field).getValueType() != JsonValue.ValueType.STRING) {
                throw wrongType(field, "a string", o);
            }
            return o.getString(field);
        }

        private static ApiError wrongType(String field, String expected, JsonObject o) {
            String given = o.get(field).toString();
            return ApiError.badRequest("InvalidRequest", field + " must be " + expected + ", not "
                    + (given.length() > 80 ? given.substring(0, 80) + "…" : given));
        }
    }

    /** SessionStatusRes with the client's field names. */
    public record StatusBody(String status,
                             @JsonbProperty("receipt_url") @Schema(name = "receipt_url") String receiptUrl,
                             @JsonbProperty("error_msg") @Schema(name = "error_msg") String errorMsg, String state,
                             @JsonbProperty("elapsed_time") @Schema(name = "elapsed_time") Double elapsedTime,
                             StatsBody stats) {
    }

    public record StatsBody(long segments,
                            @JsonbProperty("total_cycles") @Schema(name = "total_cycles") long totalCycles,
                            long cycles) {
    }

    @POST
    @Path("create")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> create(
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(ref = "CreateBody"))) String body) {
        if (headers.getMediaType() == null) {
            // JAX-RS matches a request without Content-Type to any @Consumes when the body is a String.
            throw new ApiError(Response.Status.UNSUPPORTED_MEDIA_TYPE, "UnsupportedMediaType",
                    "send the body with Content-Type: application/json");
        }
        SessionRequest request = CreateBody.parse(body);
        try {
            return Map.of("uuid", sessions.create(caller.userId(), request).toString());
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
        String receiptUrl = v.receiptUrl() == null ? null : urls.resolve(uriInfo, v.receiptUrl());
        return new StatusBody(v.status(), receiptUrl, v.errorMsg(), v.state(), v.elapsedTime(), stats);
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
