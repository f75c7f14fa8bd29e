package dev.bentoj.taskdb.boundary;

import dev.bentoj.auth.control.ApiKeys;
import dev.bentoj.taskdb.control.Streams;
import dev.bentoj.taskdb.entity.StreamView;
import dev.bentoj.taskdb.entity.WorkerType;
import dev.bentoj.web.errors.ApiError;
import dev.bentoj.web.errors.JsonBodies;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;

/**
 * Admin API: a user's stream priorities per worker type (behind the admin token, see
 * {@link dev.bentoj.auth.boundary.AdminTokenFilter}). Thin: parse, call {@link Streams}, map.
 */
@Path("admin/users/{user}/streams")
public class StreamsAdminResource {
    @Inject
    Streams streams;

    /** One stream's settings and how many of its tasks run now. */
    public record StreamBody(String type, int reserved, double multiplier, int running) {
        static StreamBody of(StreamView v) {
            return new StreamBody(v.type().id(), v.reserved(), v.multiplier(), v.running());
        }
    }

    /** All of a user's streams, one per worker type (defaults where none exists yet). */
    public record UserStreamsBody(String user, List<StreamBody> streams) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A user's reserved slots and multiplier per worker type")
    public UserStreamsBody streams(@PathParam("user") String user) {
        requireUser(user);
        return new UserStreamsBody(user, streams.of(user).stream().map(StreamBody::of).toList());
    }

    /**
     * Sets {@code reserved} and/or {@code multiplier} of one stream; a field left out keeps its
     * value. Effective at the next claim.
     */
    @PUT
    @Path("{type}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set a user's reserved slots and/or multiplier for one worker type")
    public StreamBody configure(@PathParam("user") String user, @PathParam("type") String typeName, String body) {
        requireUser(user);
        WorkerType type;
        try {
            type = WorkerType.fromId(typeName);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("InvalidRequest", e.getMessage());
        }
        JsonObject o = JsonBodies.object(body, "{reserved, multiplier}");
        if (!o.containsKey("reserved") && !o.containsKey("multiplier")) {
            throw ApiError.badRequest("InvalidRequest", "give reserved (whole slots) and/or multiplier (above 0)");
        }
        StreamView now = streams.of(user, type);
        int reserved = o.containsKey("reserved") ? reserved(o.get("reserved")) : now.reserved();
        double multiplier = o.containsKey("multiplier") ? multiplier(o.get("multiplier")) : now.multiplier();
        return StreamBody.of(streams.configure(user, type, reserved, multiplier));
    }

    private static int reserved(JsonValue v) {
        if (v.getValueType() == JsonValue.ValueType.NUMBER && ((JsonNumber) v).isIntegral()) {
            try {
                return ((JsonNumber) v).intValueExact();
            } catch (ArithmeticException e) {
                // out of range: said below
            }
        }
        throw ApiError.badRequest("InvalidRequest", "reserved must be a whole number of slots from 0 to "
                + Streams.MAX_RESERVED + ", not " + v);
    }

    private static double multiplier(JsonValue v) {
        if (v.getValueType() != JsonValue.ValueType.NUMBER) {
            throw ApiError.badRequest("InvalidRequest", "multiplier must be a number above 0, not " + v);
        }
        return ((JsonNumber) v).doubleValue();
    }

    private static void requireUser(String user) {
        if (!ApiKeys.isValidUserId(user)) {
            throw ApiError.badRequest("InvalidRequest", "a user id is 1 to 128 characters of A-Z a-z 0-9 . _ : @ -");
        }
    }
}
