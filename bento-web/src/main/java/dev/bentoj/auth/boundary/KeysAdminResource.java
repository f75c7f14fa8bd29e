package dev.bentoj.auth.boundary;

import dev.bentoj.auth.control.ApiKeyException;
import dev.bentoj.auth.control.ApiKeys;
import dev.bentoj.auth.entity.KeyView;
import dev.bentoj.taskdb.control.Streams;
import dev.bentoj.web.errors.ApiError;
import dev.bentoj.web.errors.JsonBodies;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * Admin API: issuing and revoking users' API keys (behind the admin token, see
 * {@link AdminTokenFilter}). Thin: parse, call {@link ApiKeys}, map.
 */
@Path("admin")
public class KeysAdminResource {
    @Inject
    ApiKeys keys;

    @Inject
    Streams streams;

    /** A newly issued key: the only time it is shown in clear. */
    public record IssuedKeyBody(String key, String user,
                                @JsonbProperty("hash_prefix") @Schema(name = "hash_prefix") String hashPrefix,
                                @Schema(description = "reserved slots the key gave its user's streams (v1:reserved:N keys), else null")
                                Integer reserved) {
    }

    /** A key as it may be shown later: never the key itself. */
    public record KeyBody(@JsonbProperty("hash_prefix") @Schema(name = "hash_prefix") String hashPrefix,
                          String user, String label,
                          @JsonbProperty("created_at") @Schema(name = "created_at") OffsetDateTime createdAt,
                          @JsonbProperty("revoked_at") @Schema(name = "revoked_at") OffsetDateTime revokedAt) {
        static KeyBody of(KeyView k) {
            return new KeyBody(k.hashPrefix(), k.userId(), k.label(), k.createdAt(), k.revokedAt());
        }
    }

    public record UserKeysBody(String user, List<KeyBody> keys) {
    }

    /**
     * Issues a key for the user: a random one, or the one given as {@code {"key": …}} (for a
     * client that sends a fixed key, e.g. upstream's {@code v1:reserved:1000}); optional
     * {@code label}. Registering a {@code v1:reserved:N} key gives all the user's streams N
     * reserved slots at once.
     */
    @POST
    @Path("users/{user}/keys")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue an API key for a user (random, or a chosen one such as v1:reserved:N)")
    public Response issue(@PathParam("user") String user, String body) {
        JsonObject o = body == null || body.isBlank() ? JsonValue.EMPTY_JSON_OBJECT : JsonBodies.object(body, "{key?, label?}");
        String chosen = optionalString(o, "key");
        String label = optionalString(o, "label");
        IssuedKeyBody issued = mapped(() -> {
            if (chosen == null) {
                String key = keys.issue(user, label == null ? "admin" : label);
                return new IssuedKeyBody(key, user, ApiKeys.hashPrefix(key), null);
            }
            KeyView k = keys.add(chosen, user, label == null ? "admin" : label);
            Integer reserved = null;
            var n = ApiKeys.reservationOf(chosen);
            if (n.isPresent()) {
                streams.reserveAll(user, n.getAsInt());
                reserved = n.getAsInt();
            }
            return new IssuedKeyBody(chosen, user, k.hashPrefix(), reserved);
        });
        return Response.status(Response.Status.CREATED).type(MediaType.APPLICATION_JSON).entity(issued).build();
    }

    @GET
    @Path("users/{user}/keys")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A user's API keys: hash prefixes, labels, when created and revoked")
    public UserKeysBody keysOf(@PathParam("user") String user) {
        return new UserKeysBody(user, mapped(() -> keys.keysOf(user)).stream().map(KeyBody::of).toList());
    }

    /** Revokes a key given in clear or by at least 8 hex digits of its SHA-256 (safer: no secret in a URL). */
    @DELETE
    @Path("keys/{key}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Revoke an API key, named by a prefix of its SHA-256 (or the key itself)")
    public KeyBody revoke(@PathParam("key") String keyOrHashPrefix) {
        return KeyBody.of(mapped(() -> keys.revokeKeyOrHashPrefix(keyOrHashPrefix)));
    }

    private static String optionalString(JsonObject o, String field) {
        if (!o.containsKey(field) || o.get(field).getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (o.get(field).getValueType() != JsonValue.ValueType.STRING) {
            throw ApiError.badRequest("InvalidRequest", field + " must be a string");
        }
        return o.getString(field);
    }

    private static <T> T mapped(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (ApiKeyException e) {
            Response.Status status = switch (e.reason()) {
                case INVALID -> Response.Status.BAD_REQUEST;
                case NOT_FOUND -> Response.Status.NOT_FOUND;
                case CONFLICT -> Response.Status.CONFLICT;
            };
            throw new ApiError(status, switch (e.reason()) {
                case INVALID -> "InvalidRequest";
                case NOT_FOUND -> "KeyNotFound";
                case CONFLICT -> "KeyConflict";
            }, e.getMessage());
        }
    }
}
