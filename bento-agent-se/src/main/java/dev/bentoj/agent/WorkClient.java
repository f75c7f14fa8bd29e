package dev.bentoj.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Optional;
import java.util.Set;

/**
 * The agent's side of the work API ({@code /v1/work/…}): claim with long-poll, heartbeat,
 * done, failed. Agents never touch PostgreSQL; this is their only path to the TaskDB.
 */
public final class WorkClient {
    static final String TOKEN_HEADER = "x-bento-worker-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI api;
    private final String token;
    private final HttpClient http;

    public WorkClient(URI api, String token) {
        this.api = URI.create(api.toString().replaceAll("/+$", "") + "/");
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A claimed task: its fencing attempt number goes with every later call about it. */
    public record Claim(String jobId, String taskId, int attempt, String type, JsonNode payload, int leaseSeconds) {
    }

    /** The server refused a call about a task this agent no longer owns (stale attempt, job ended). */
    public static final class LostTask extends Exception {
        LostTask(String message) {
            super(message);
        }
    }

    /** Waits up to {@code wait} for a task of one of {@code types}; empty when none came. */
    public Optional<Claim> claim(String workerId, Set<String> types, Duration wait) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("worker_id", workerId);
        body.putPOJO("types", new ArrayList<>(types));
        body.put("wait_seconds", (int) wait.toSeconds());
        body.put("max", 1);
        HttpResponse<String> r = post("v1/work/claim", body, wait.plusSeconds(10));
        if (r.statusCode() == 204) {
            return Optional.empty();
        }
        requireOk(r, "claim");
        JsonNode tasks = JSON.readTree(r.body()).path("tasks");
        if (!tasks.isArray() || tasks.isEmpty()) {
            return Optional.empty();
        }
        JsonNode t = tasks.get(0);
        return Optional.of(new Claim(t.path("job_id").asText(), t.path("task_id").asText(), t.path("attempt").asInt(),
                t.path("type").asText(), t.path("payload"), t.path("lease_seconds").asInt(60)));
    }

    /** Extends the lease. Returns false if the job was cancelled or aborted: stop working on it. */
    public boolean heartbeat(Claim c) throws IOException, InterruptedException, LostTask {
        HttpResponse<String> r = post("v1/work/heartbeat", ref(c), Duration.ofSeconds(10));
        lostIfConflict(r, c);
        requireOk(r, "heartbeat");
        return !JSON.readTree(r.body()).path("cancelled").asBoolean(false);
    }

    public void done(Claim c, JsonNode output) throws IOException, InterruptedException, LostTask {
        ObjectNode body = ref(c);
        body.set("output", output);
        HttpResponse<String> r = post("v1/work/done", body, Duration.ofSeconds(30));
        lostIfConflict(r, c);
        requireOk(r, "done");
    }

    public void failed(Claim c, String error, boolean retryable) throws IOException, InterruptedException, LostTask {
        ObjectNode body = ref(c);
        body.put("error", error);
        body.put("retryable", retryable);
        HttpResponse<String> r = post("v1/work/failed", body, Duration.ofSeconds(30));
        lostIfConflict(r, c);
        requireOk(r, "failed");
    }

    /** A task for {@link #createTasks}: what {@code POST /v1/work/tasks} takes. */
    public record NewTask(String taskId, String type, JsonNode payload, java.util.List<String> dependsOn,
                          int timeoutSeconds, int maxAttempts) {
    }

    /**
     * Adds tasks to the running job {@code jobId} in one transaction (the executor's planner:
     * a Prove task and the Joins it made possible). Ids are deterministic, so a replayed batch
     * creates nothing twice.
     *
     * @return how many tasks were new
     * @throws LostTask if the job has ended (failed, aborted): stop working on it
     */
    public int createTasks(String jobId, java.util.List<NewTask> tasks) throws IOException, InterruptedException, LostTask {
        ObjectNode body = JSON.createObjectNode();
        body.put("job_id", jobId);
        var array = body.putArray("tasks");
        for (NewTask t : tasks) {
            ObjectNode o = array.addObject();
            o.put("task_id", t.taskId());
            o.put("type", t.type());
            o.set("payload", t.payload());
            var deps = o.putArray("depends_on");
            t.dependsOn().forEach(deps::add);
            o.put("timeout_seconds", t.timeoutSeconds());
            o.put("max_attempts", t.maxAttempts());
        }
        HttpResponse<String> r = post("v1/work/tasks", body, Duration.ofSeconds(30));
        if (r.statusCode() == 409 || r.statusCode() == 404) {
            throw new LostTask("job " + jobId + " takes no new tasks: " + r.body());
        }
        requireOk(r, "tasks");
        return JSON.readTree(r.body()).path("created").asInt();
    }

    private static ObjectNode ref(Claim c) {
        ObjectNode body = JSON.createObjectNode();
        body.put("job_id", c.jobId());
        body.put("task_id", c.taskId());
        body.put("attempt", c.attempt());
        body.put("type", c.type());
        return body;
    }

    private HttpResponse<String> post(String path, JsonNode body, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(api.resolve(path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header(TOKEN_HEADER, token)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void lostIfConflict(HttpResponse<String> r, Claim c) throws LostTask {
        if (r.statusCode() == 409 || r.statusCode() == 404) {
            throw new LostTask("task " + c.jobId() + "/" + c.taskId() + " attempt " + c.attempt() + " is no longer ours: "
                    + r.body());
        }
    }

    private static void requireOk(HttpResponse<String> r, String what) throws IOException {
        if (r.statusCode() / 100 != 2) {
            throw new IOException("work API " + what + " answered " + r.statusCode() + ": " + r.body());
        }
    }
}
