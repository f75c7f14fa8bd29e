package dev.bentoj.taskdb.boundary;

import dev.bentoj.taskdb.control.TaskDb;
import dev.bentoj.taskdb.entity.FailOutcome;
import dev.bentoj.taskdb.entity.LeaseStatus;
import dev.bentoj.taskdb.entity.TaskClaim;
import dev.bentoj.taskdb.entity.TaskSpec;
import dev.bentoj.taskdb.entity.WorkerType;
import dev.bentoj.web.errors.ApiError;
import dev.bentoj.web.errors.JsonBodies;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The agent work API: claim (long-poll), heartbeat, done, failed, and batch task creation for
 * the executor's planner. Every call about a task quotes its attempt number; a stale attempt
 * is answered 409 and its result dropped. Thin: the semantics live in {@link TaskDb}.
 */
@Path("v1/work")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class WorkResource {
    /** Longest long-poll a claim may ask for. */
    static final int MAX_WAIT_SECONDS = 30;

    /**
     * What a call about a task holds. Bodies are taken as text and read by {@link JsonBodies}:
     * a malformed one is a 400 {@code InvalidJson}, not JAX-RS' 500.
     */
    private static final String TASK_REF = "{job_id, task_id, attempt, type}";

    @Inject
    TaskDb taskDb;

    @Inject
    WorkMetrics metrics;

    @Inject
    dev.bentoj.sessions.control.Sessions sessions;

    @POST
    @Path("claim")
    public Response claim(String json) throws InterruptedException {
        JsonObject body = JsonBodies.object(json, "{worker_id, types, wait_seconds, max}");
        String workerId = text(body, "worker_id");
        Set<WorkerType> types = EnumSet.noneOf(WorkerType.class);
        for (JsonValue v : array(body, "types")) {
            if (v.getValueType() != JsonValue.ValueType.STRING) {
                throw ApiError.badRequest("InvalidRequest", "types must be an array of worker type names");
            }
            types.add(workerType(((jakarta.json.JsonString) v).getString()));
        }
        if (types.isEmpty()) {
            throw ApiError.badRequest("InvalidRequest", "types must name at least one worker type");
        }
        int wait = Math.max(0, Math.min(MAX_WAIT_SECONDS, body.getInt("wait_seconds", 0)));
        int max = Math.max(1, Math.min(TaskDb.MAX_CLAIM, body.getInt("max", 1)));
        long t0 = System.nanoTime();
        List<TaskClaim> claims = taskDb.claim(workerId, types, max, Duration.ofSeconds(wait));
        Duration waited = Duration.ofNanos(System.nanoTime() - t0);
        for (TaskClaim c : claims) {
            metrics.claimed(c.type(), 1, waited);
        }
        if (claims.isEmpty()) {
            return Response.noContent().build();
        }
        JsonArrayBuilder tasks = Json.createArrayBuilder();
        for (TaskClaim c : claims) {
            tasks.add(Json.createObjectBuilder()
                    .add("job_id", c.jobId().toString())
                    .add("task_id", c.taskId())
                    .add("attempt", c.attempt())
                    .add("type", c.type().name().toLowerCase(java.util.Locale.ROOT))
                    .add("payload", c.payloadJson() == null ? JsonValue.NULL : parse(c.payloadJson()))
                    .add("lease_seconds", c.timeoutSeconds())
                    .add("max_attempts", c.maxAttempts()));
        }
        return Response.ok(Json.createObjectBuilder().add("tasks", tasks).build()).build();
    }

    @POST
    @Path("heartbeat")
    public JsonObject heartbeat(String json) {
        JsonObject body = JsonBodies.object(json, TASK_REF);
        LeaseStatus s = taskDb.heartbeat(jobId(body), text(body, "task_id"), attempt(body));
        return Json.createObjectBuilder().add("cancelled", s == LeaseStatus.CANCELLED).build();
    }

    @POST
    @Path("done")
    public Response done(String json) {
        JsonObject body = JsonBodies.object(json, "{job_id, task_id, attempt, type, output}");
        JsonValue output = body.getOrDefault("output", JsonValue.NULL);
        taskDb.complete(jobId(body), text(body, "task_id"), attempt(body),
                output == JsonValue.NULL ? null : output.toString());
        typeOf(body).ifPresent(metrics::done);
        return Response.noContent().build();
    }

    @POST
    @Path("failed")
    public Response failed(String json) {
        JsonObject body = JsonBodies.object(json, "{job_id, task_id, attempt, type, error, retryable}");
        UUID job = jobId(body);
        FailOutcome outcome = taskDb.fail(job, text(body, "task_id"), attempt(body),
                body.getString("error", "no reason given"), body.getBoolean("retryable", false));
        if (outcome == FailOutcome.TASK_FAILED) {
            // The job failed with this task: nothing will read its intermediates again.
            sessions.removeIntermediates(job);
        }
        typeOf(body).ifPresent(metrics::failed);
        return Response.noContent().build();
    }

    /** Batch creation: the executor's planner adds Prove and Join tasks as segments appear. */
    @POST
    @Path("tasks")
    public JsonObject createTasks(String json) {
        JsonObject body = JsonBodies.object(json, "{job_id, tasks: [{task_id, type, payload, depends_on}]}");
        List<TaskSpec> specs = new ArrayList<>();
        for (JsonValue v : array(body, "tasks")) {
            if (v.getValueType() != JsonValue.ValueType.OBJECT) {
                throw ApiError.badRequest("InvalidRequest", "tasks must be an array of objects");
            }
            JsonObject t = v.asJsonObject();
            List<String> deps = new ArrayList<>();
            if (t.containsKey("depends_on")) {
                for (JsonValue d : array(t, "depends_on")) {
                    if (d.getValueType() != JsonValue.ValueType.STRING) {
                        throw ApiError.badRequest("InvalidRequest", "depends_on must be an array of task ids");
                    }
                    deps.add(((jakarta.json.JsonString) d).getString());
                }
            }
            JsonValue payload = t.getOrDefault("payload", JsonValue.NULL);
            specs.add(new TaskSpec(text(t, "task_id"), workerType(text(t, "type")),
                    payload == JsonValue.NULL ? null : payload.toString(), deps,
                    t.getInt("timeout_seconds", 60), t.getInt("max_attempts", 3)));
        }
        int created = taskDb.createTasks(jobId(body), specs);
        return Json.createObjectBuilder().add("created", created).build();
    }

    /** Agents say which type the task was, for the metrics; older agents may not. */
    private static java.util.Optional<WorkerType> typeOf(JsonObject body) {
        if (!body.containsKey("type") || body.isNull("type")) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(WorkerType.valueOf(body.getString("type").toUpperCase(java.util.Locale.ROOT)));
        } catch (IllegalArgumentException | ClassCastException e) {
            return java.util.Optional.empty();
        }
    }

    private static UUID jobId(JsonObject body) {
        try {
            return UUID.fromString(text(body, "job_id"));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("InvalidRequest", "job_id is not a UUID");
        }
    }

    // A field missing or of the wrong JSON type is the agent's mistake: 400, never a
    // NullPointerException or ClassCastException answered as 500.

    private static String text(JsonObject body, String field) {
        if (body == null || !body.containsKey(field) || body.isNull(field)) {
            throw ApiError.badRequest("InvalidRequest", "missing field " + field);
        }
        if (body.get(field).getValueType() != JsonValue.ValueType.STRING) {
            throw ApiError.badRequest("InvalidRequest", field + " must be a string");
        }
        return body.getString(field);
    }

    private static int attempt(JsonObject body) {
        if (body == null || !body.containsKey("attempt") || body.isNull("attempt")) {
            throw ApiError.badRequest("InvalidRequest", "missing field attempt (the number the claim returned)");
        }
        if (!(body.get("attempt") instanceof jakarta.json.JsonNumber n) || !n.isIntegral()) {
            throw ApiError.badRequest("InvalidRequest", "attempt must be an integer");
        }
        return n.intValue();
    }

    private static List<JsonValue> array(JsonObject body, String field) {
        if (body == null || !body.containsKey(field)) {
            throw ApiError.badRequest("InvalidRequest", "missing array " + field);
        }
        if (body.get(field).getValueType() != JsonValue.ValueType.ARRAY) {
            throw ApiError.badRequest("InvalidRequest", field + " must be an array");
        }
        return body.getJsonArray(field);
    }

    private static WorkerType workerType(String name) {
        try {
            return WorkerType.valueOf(name.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("InvalidRequest", "unknown worker type " + name
                    + " (exec, prove, join, aux, snark)");
        }
    }

    private static JsonValue parse(String json) {
        try (var r = Json.createReader(new StringReader(json))) {
            return r.readValue();
        }
    }
}
