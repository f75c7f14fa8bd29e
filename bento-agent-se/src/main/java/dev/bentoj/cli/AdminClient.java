package dev.bentoj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The calls of the admin API ({@code /admin/…}, admin token), for {@code bento admin}. */
final class AdminClient {
    static final String TOKEN_HEADER = "x-bento-admin-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    AdminClient(String base, String token) {
        this.base = base.replaceAll("/+$", "");
        this.token = token == null ? "" : token;
    }

    /** Sets the reserved slots and/or multiplier (null: unchanged) of one of a user's streams. */
    JsonNode setStream(String user, String type, Integer reserved, Double multiplier) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        if (reserved != null) {
            body.put("reserved", reserved.intValue());
        }
        if (multiplier != null) {
            body.put("multiplier", multiplier.doubleValue());
        }
        return send(request("/admin/users/" + segment(user) + "/streams/" + segment(type))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), "setting the stream");
    }

    JsonNode streams(String user) throws IOException, InterruptedException {
        return send(request("/admin/users/" + segment(user) + "/streams").GET().build(), "reading the streams");
    }

    /** Issues a random key, or registers {@code chosenKey} (e.g. {@code v1:reserved:1000}) when given. */
    JsonNode issueKey(String user, String chosenKey, String label) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        if (chosenKey != null) {
            body.put("key", chosenKey);
        }
        if (label != null) {
            body.put("label", label);
        }
        return send(request("/admin/users/" + segment(user) + "/keys").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), "issuing the key");
    }

    JsonNode keys(String user) throws IOException, InterruptedException {
        return send(request("/admin/users/" + segment(user) + "/keys").GET().build(), "listing the keys");
    }

    /** Revokes a key named by a prefix of its SHA-256 (the caller never sends a key in clear in a URL). */
    JsonNode revokeKey(String hashPrefix) throws IOException, InterruptedException {
        return send(request("/admin/keys/" + segment(hashPrefix)).DELETE().build(), "revoking the key");
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).header(TOKEN_HEADER, token);
    }

    private JsonNode send(HttpRequest r, String what) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(r, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            String msg = response.body();
            try {
                msg = JSON.readTree(response.body()).path("msg").asText(msg);
            } catch (IOException e) {
                // not JSON: the body as it is
            }
            throw new GuestFiles.UserError(what + " failed: HTTP " + response.statusCode() + ": " + msg);
        }
        return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
