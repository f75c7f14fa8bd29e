package dev.bentoj.sessions.control;

import dev.bentoj.sessions.entity.SessionRequest;
import dev.bentoj.sessions.entity.SessionView;
import dev.bentoj.storage.control.ObjectStore;
import dev.bentoj.storage.entity.ObjectNamespace;
import dev.bentoj.taskdb.control.TaskDb;
import dev.bentoj.taskdb.entity.JobState;
import dev.bentoj.taskdb.entity.JobStatus;
import dev.bentoj.taskdb.entity.TaskCounts;
import dev.bentoj.taskdb.entity.TaskSpec;
import dev.bentoj.taskdb.entity.WorkerType;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import java.io.StringReader;

/**
 * Sessions: a job in the TaskDB whose first task, {@code init}, executes the guest. Creation
 * checks that the image, the input and every assumption exist; every read is scoped to the
 * caller, so another user's session id is simply not found.
 */
public final class Sessions {
    /** Default lease of the executor task; its heartbeats (every third of it) extend it while it runs. */
    static final int INIT_TIMEOUT_SECONDS = 60;
    static final int INIT_MAX_ATTEMPTS = 3;

    private final TaskDb taskDb;
    private final ObjectStore objects;
    private final long maxCycles;
    private final int segmentPo2;
    private final int initLeaseSeconds;

    /**
     * @param maxCycles  the server's cycle limit per session (requests are capped by it)
     * @param segmentPo2 segment size of the executor
     */
    public Sessions(TaskDb taskDb, ObjectStore objects, long maxCycles, int segmentPo2) {
        this(taskDb, objects, maxCycles, segmentPo2, INIT_TIMEOUT_SECONDS);
    }

    /**
     * @param initLeaseSeconds lease of the executor task: an agent heartbeats every third of it,
     *                         so it also bounds how late a running executor learns of a stop
     */
    public Sessions(TaskDb taskDb, ObjectStore objects, long maxCycles, int segmentPo2, int initLeaseSeconds) {
        if (initLeaseSeconds < 3) {
            throw new IllegalArgumentException("the executor's lease must be at least 3 s, was " + initLeaseSeconds);
        }
        this.taskDb = taskDb;
        this.objects = objects;
        this.maxCycles = maxCycles;
        this.segmentPo2 = segmentPo2;
        this.initLeaseSeconds = initLeaseSeconds;
    }

    public UUID create(String userId, SessionRequest request) {
        if (request.img() == null || !ObjectNamespace.ELF.isValidId(request.img())) {
            throw new InvalidSessionException("img must be an image id of 64 lowercase hex digits");
        }
        if (request.input() == null || !ObjectNamespace.INPUT.isValidId(request.input())) {
            throw new InvalidSessionException("input must be the uuid GET /inputs/upload returned");
        }
        if (!objects.exists(ObjectNamespace.ELF.key(request.img()))) {
            throw new InvalidSessionException("image " + request.img()
                    + " not found: upload it with GET /images/upload/{id} first");
        }
        if (!objects.exists(ObjectNamespace.INPUT.key(request.input()))) {
            throw new InvalidSessionException("input " + request.input()
                    + " not found: upload it with GET /inputs/upload first");
        }
        for (String a : request.assumptions()) {
            if (!ObjectNamespace.STARK_RECEIPT.isValidId(a) || !objects.exists(ObjectNamespace.STARK_RECEIPT.key(a))) {
                throw new InvalidSessionException("assumption receipt " + a + " not found: upload it with GET /receipts/upload first");
            }
        }
        long limit = maxCycles;
        if (request.execCycleLimit() != null) {
            if (request.execCycleLimit() <= 0) {
                throw new InvalidSessionException("exec_cycle_limit must be positive (units of 2^20 cycles)");
            }
            limit = Math.min(maxCycles, request.execCycleLimit() > (Long.MAX_VALUE >> 20)
                    ? Long.MAX_VALUE : request.execCycleLimit() << 20);
        }
        String payload = Json.createObjectBuilder()
                .add("image_id", request.img())
                .add("input_id", request.input())
                .add("execute_only", request.executeOnly())
                .add("cycle_limit", limit)
                .add("po2", segmentPo2)
                .build().toString();
        UUID job = taskDb.createJob(userId, List.of(
                TaskSpec.of("init", WorkerType.EXEC, payload, initLeaseSeconds, INIT_MAX_ATTEMPTS)));
        if (!request.executeOnly()) {
            taskDb.failJob(job, "proving sessions are not supported by this server yet: create the session "
                    + "with \"execute_only\": true");
        }
        return job;
    }

    public SessionView status(String userId, String sessionId) {
        JobStatus job = owned(userId, sessionId);
        SessionView.Stats stats = null;
        if (job.state() == JobState.SUCCEEDED) {
            stats = parseStats(job.statsJson())
                    .or(() -> taskDb.taskOutput(job.jobId(), "init").flatMap(Sessions::parseStats))
                    .orElse(new SessionView.Stats(0, 0, 0));
        }
        String state = job.state() == JobState.RUNNING ? progress(job) : null;
        return new SessionView(job.state().apiStatus(), null, job.error(), state, job.elapsedSeconds(), stats);
    }

    /** Ends a running session as ABORTED; stopping an ended session changes nothing. */
    public void stop(String userId, String sessionId) {
        JobStatus job = owned(userId, sessionId);
        taskDb.abortJob(job.jobId());
    }

    /** The guest's log so far (empty until the executor has written it). */
    public byte[] logs(String userId, String sessionId) {
        JobStatus job = owned(userId, sessionId);
        return objects.find(ObjectNamespace.LOG.key(job.jobId())).orElse(new byte[0]);
    }

    /** The journal of an execute-only session, once it exists. */
    public Optional<byte[]> journal(String userId, String sessionId) {
        JobStatus job = owned(userId, sessionId);
        return objects.find(ObjectNamespace.JOURNAL.key(job.jobId()));
    }

    private JobStatus owned(String userId, String sessionId) {
        UUID id;
        try {
            id = UUID.fromString(sessionId);
        } catch (IllegalArgumentException e) {
            throw new SessionNotFoundException(sessionId);
        }
        return taskDb.jobStatus(id).filter(j -> j.userId().equals(userId))
                .orElseThrow(() -> new SessionNotFoundException(sessionId));
    }

    private static String progress(JobStatus job) {
        if (job.progress() != null) {
            return job.progress();
        }
        TaskCounts exec = job.tasksByType().get(WorkerType.EXEC);
        return exec != null ? "Executor" : "Setup";
    }

    static Optional<SessionView.Stats> parseStats(String json) {
        if (json == null || json.isBlank()) {
            return Optional.empty();
        }
        try (JsonReader r = Json.createReader(new StringReader(json))) {
            JsonObject o = r.readObject();
            if (!o.containsKey("segments") || !o.containsKey("total_cycles") || !o.containsKey("cycles")) {
                return Optional.empty();
            }
            return Optional.of(new SessionView.Stats(o.getJsonNumber("segments").longValue(),
                    o.getJsonNumber("total_cycles").longValue(), o.getJsonNumber("cycles").longValue()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
