package dev.bentoj.web.errors;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.util.NoSuchElementException;

/**
 * JSON request bodies read by the resources themselves (taken as a {@code String}): JAX-RS'
 * own JSON-P and JSON-B readers answer a malformed body, an empty one or an array where an
 * object belongs with a 500, and JSON-B silently coerces wrong types ({@code "yes"} → false).
 */
public final class JsonBodies {
    private JsonBodies() {
    }

    /**
     * The JSON object in {@code body}.
     *
     * @param shape what the object should hold, for the message, e.g. {@code {img, input, …}}
     * @throws ApiError 400 {@code InvalidJson} if it is not JSON, {@code InvalidRequest} if it is
     *     not an object
     */
    public static JsonObject object(String body, String shape) {
        JsonValue value;
        try (JsonReader reader = Json.createReader(new StringReader(body == null ? "" : body))) {
            value = reader.readValue();
        } catch (JsonException | NoSuchElementException | IllegalStateException e) {
            throw ApiError.badRequest("InvalidJson", "the body is not valid JSON (" + e.getMessage()
                    + "); expected an object " + shape);
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw ApiError.badRequest("InvalidRequest", "the body must be a JSON object " + shape);
        }
        return value.asJsonObject();
    }
}
