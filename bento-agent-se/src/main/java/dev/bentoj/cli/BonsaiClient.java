package dev.bentoj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** The calls a Bonsai client makes, for the command line (demo, and prove through a cluster later). */
public final class BonsaiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public BonsaiClient(String base, String apiKey) {
        this.base = base.replaceAll("/+$", "");
        this.apiKey = apiKey == null ? "" : apiKey;
    }

    /** Uploads the ELF unless the server has it already (204). */
    public void uploadImage(String imageId, byte[] elf) throws IOException, InterruptedException {
        HttpResponse<String> r = send(get(base + "/images/upload/" + imageId));
        if (r.statusCode() == 204) {
            return;
        }
        String url = json(r, "image upload URL").path("url").asText();
        json(send(request(url).PUT(HttpRequest.BodyPublishers.ofByteArray(elf)).build()), "image upload");
    }

    public String uploadInput(byte[] input) throws IOException, InterruptedException {
        JsonNode r = json(send(get(base + "/inputs/upload")), "input upload URL");
        json(send(request(r.path("url").asText()).PUT(HttpRequest.BodyPublishers.ofByteArray(input)).build()), "input upload");
        return r.path("uuid").asText();
    }

    /** Uploads a receipt (to name it as an assumption later) and returns its id. */
    public String uploadReceipt(byte[] receipt) throws IOException, InterruptedException {
        JsonNode r = json(send(get(base + "/receipts/upload")), "receipt upload URL");
        json(send(request(r.path("url").asText()).PUT(HttpRequest.BodyPublishers.ofByteArray(receipt)).build()),
                "receipt upload");
        return r.path("uuid").asText();
    }

    public String createSession(String imageId, String inputId, boolean executeOnly) throws IOException, InterruptedException {
        return createSession(imageId, inputId, executeOnly, null);
    }

    /** A proving session whose receipt carries the uploaded receipts {@code assumptions}, each verified. */
    public String createSession(String imageId, String inputId, List<String> assumptions)
            throws IOException, InterruptedException {
        return createSession(imageId, inputId, false, null, assumptions);
    }

    /** @param execCycleLimit in units of 2^20 cycles, as the Bonsai API has it; null: the server's limit */
    public String createSession(String imageId, String inputId, boolean executeOnly, Long execCycleLimit)
            throws IOException, InterruptedException {
        return createSession(imageId, inputId, executeOnly, execCycleLimit, List.of());
    }

    private String createSession(String imageId, String inputId, boolean executeOnly, Long execCycleLimit,
                                 List<String> assumptions) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("img", imageId);
        body.put("input", inputId);
        assumptions.forEach(body.putArray("assumptions")::add);
        body.put("execute_only", executeOnly);
        if (execCycleLimit == null) {
            body.putNull("exec_cycle_limit");
        } else {
            body.put("exec_cycle_limit", execCycleLimit.longValue());
        }
        HttpRequest post = request(base + "/sessions/create").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        return json(send(post), "session creation").path("uuid").asText();
    }

    public JsonNode status(String session) throws IOException, InterruptedException {
        return json(send(get(base + "/sessions/status/" + session)), "session status");
    }

    /** Stops a running session (it ends ABORTED); a session that has ended stays as it is. */
    public void stop(String session) throws IOException, InterruptedException {
        json(send(get(base + "/sessions/stop/" + session)), "session stop");
    }

    /** Polls until the session leaves RUNNING. */
    public JsonNode awaitEnd(String session, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long sleepMs = 20;
        while (true) {
            JsonNode s = status(session);
            if (!"RUNNING".equals(s.path("status").asText()) || System.nanoTime() > deadline) {
                return s;
            }
            Thread.sleep(sleepMs);
            sleepMs = Math.min(500, sleepMs * 2);
        }
    }

    public byte[] journal(String session) throws IOException, InterruptedException {
        return bytes(base + "/sessions/exec_only_journal/" + session, "journal");
    }

    /** The bytes at a URL the server handed out (a receipt_url). */
    public byte[] download(String url) throws IOException, InterruptedException {
        return bytes(url, "download");
    }

    /** The {@code url} of the session's STARK receipt (GET /receipts/{id}). */
    public String receiptUrl(String session) throws IOException, InterruptedException {
        return json(send(get(base + "/receipts/" + session)), "receipt").path("url").asText();
    }

    public byte[] logs(String session) throws IOException, InterruptedException {
        return bytes(base + "/sessions/logs/" + session, "logs");
    }

    private HttpRequest get(String url) {
        return request(url).GET().build();
    }

    private HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("x-api-key", apiKey);
    }

    private HttpResponse<String> send(HttpRequest r) throws IOException, InterruptedException {
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r, String what) throws IOException {
        if (r.statusCode() / 100 != 2) {
            throw new IOException(what + " failed: HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    private byte[] bytes(String url, String what) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(get(url), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() / 100 != 2) {
            throw new IOException(what + " failed: HTTP " + r.statusCode() + " " + new String(r.body()));
        }
        return r.body();
    }
}
