package dev.bentoj.sessions.control;

import dev.bentoj.sessions.entity.SessionRequest;
import dev.bentoj.sessions.entity.SessionView;
import dev.bentoj.storage.control.Intermediates;
import dev.bentoj.storage.control.ObjectStore;
import dev.bentoj.storage.entity.ObjectNamespace;
import dev.bentoj.taskdb.control.TaskDb;
import dev.bentoj.taskdb.entity.JobState;
import dev.bentoj.taskdb.entity.JobStatus;
import dev.bentoj.taskdb.entity.TaskCounts;
import dev.bentoj.taskdb.entity.TaskSpec;
import dev.bentoj.taskdb.entity.WorkerType;

import java.util.List;
import java.util.Map;
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
    /** The segment sizes the RV32IM AIR proves. */
    static final int MIN_PROVING_PO2 = dev.bentoj.zkvm.receipt.ReceiptCodec.MIN_SEGMENT_PO2;
    static final int MAX_PROVING_PO2 = dev.bentoj.zkvm.receipt.ReceiptCodec.MAX_SEGMENT_PO2;

    private final TaskDb taskDb;
    private final ObjectStore objects;
    private final long maxCycles;
    private final int segmentPo2;
    private final int initLeaseSeconds;
    /** Where the agents keep the job's intermediates; removed when a session is stopped. May be null. */
    private final Intermediates intermediates;

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
        this(taskDb, objects, null, maxCycles, segmentPo2, initLeaseSeconds);
    }

    /** @param intermediates the job intermediates in Redis, removed when a session is stopped */
    public Sessions(TaskDb taskDb, ObjectStore objects, Intermediates intermediates, long maxCycles, int segmentPo2,
                    int initLeaseSeconds) {
        if (initLeaseSeconds < 3) {
            throw new IllegalArgumentException("the executor's lease must be at least 3 s, was " + initLeaseSeconds);
        }
        this.taskDb = taskDb;
        this.objects = objects;
        this.maxCycles = maxCycles;
        this.segmentPo2 = segmentPo2;
        this.initLeaseSeconds = initLeaseSeconds;
        this.intermediates = intermediates;
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
        if (!request.executeOnly() && (segmentPo2 < MIN_PROVING_PO2 || segmentPo2 > MAX_PROVING_PO2)) {
            throw new InvalidSessionException("this server cuts executions into segments of 2^" + segmentPo2
                    + " rows, which cannot be proven (po2 " + MIN_PROVING_PO2 + " to " + MAX_PROVING_PO2
                    + "): create the session with \"execute_only\": true, or set BENTO_SEGMENT_PO2");
        }
        jakarta.json.JsonArrayBuilder assumptions = Json.createArrayBuilder();
        request.assumptions().forEach(assumptions::add);
        String payload = Json.createObjectBuilder()
                .add("image_id", request.img())
                .add("input_id", request.input())
                .add("execute_only", request.executeOnly())
                .add("assumptions", assumptions)
                .add("cycle_limit", limit)
                .add("po2", segmentPo2)
                .build().toString();
        return taskDb.createJob(userId, List.of(
                TaskSpec.of("init", WorkerType.EXEC, payload, initLeaseSeconds, INIT_MAX_ATTEMPTS)));
    }

    /**
     * Starts a SNARK job wrapping the STARK receipt of {@code sessionId} (a session of this user,
     * or an uploaded receipt): one {@code snark} task, which agents fail with "not supported yet"
     * until the SNARK stage exists.
     */
    public UUID createSnark(String userId, String sessionId) {
        if (!ObjectNamespace.STARK_RECEIPT.isValidId(sessionId)) {
            throw new InvalidSessionException("session_id must be the uuid of a succeeded proving session");
        }
        if (receipt(userId, sessionId).isEmpty()) {
            throw new InvalidSessionException("session " + sessionId + " has no receipt: a SNARK wraps the receipt "
                    + "of a SUCCEEDED proving session");
        }
        String payload = Json.createObjectBuilder().add("receipt_id", sessionId).build().toString();
        return taskDb.createJob(userId, List.of(TaskSpec.of("snark", WorkerType.SNARK, payload, 60, 1)));
    }

    /**
     * The STARK receipt of session {@code id} (scoped to its owner) or the uploaded receipt of
     * that uuid; empty if there is none (yet).
     */
    public Optional<byte[]> receipt(String userId, String id) {
        if (!ObjectNamespace.STARK_RECEIPT.isValidId(id)) {
            return Optional.empty();
        }
        Optional<JobStatus> job = taskDb.jobStatus(UUID.fromString(id));
        if (job.isPresent() && !job.get().userId().equals(userId)) {
            return Optional.empty();
        }
        return objects.find(ObjectNamespace.STARK_RECEIPT.key(id));
    }

    /** True if a STARK receipt is stored for this session (or upload) id. */
    private boolean hasReceipt(UUID id) {
        return objects.exists(ObjectNamespace.STARK_RECEIPT.key(id));
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
        // Relative: the boundary makes it absolute from the public base URL.
        String receipt = job.state() == JobState.SUCCEEDED && hasReceipt(job.jobId())
                ? "receipts/stark/receipt/" + job.jobId() : null;
        return new SessionView(job.state().apiStatus(), receipt, job.error(), state, job.elapsedSeconds(), stats);
    }

    /** Ends a running session as ABORTED; stopping an ended session changes nothing. */
    public void stop(String userId, String sessionId) {
        JobStatus job = owned(userId, sessionId);
        if (taskDb.abortJob(job.jobId())) {
            removeIntermediates(job.jobId());
        }
    }

    /**
     * Removes a job's intermediates once it has ended. An agent still running one of its tasks
     * learns of the end at its next heartbeat and writes nothing after that; the TTL covers a
     * key written in between.
     */
    public void removeIntermediates(UUID jobId) {
        if (intermediates == null) {
            return;
        }
        try {
            intermediates.deleteJob(jobId.toString());
        } catch (dev.bentoj.storage.control.StorageException e) {
            java.util.logging.Logger.getLogger(Sessions.class.getName()).warning("could not remove the intermediates of job "
                    + jobId + " (they expire with their TTL): " + e.getMessage());
        }
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

    /**
     * The Bonsai {@code state} of a running session, from its tasks: {@code Executor} until a
     * segment is proven (the executor streams, so proving overlaps it), then
     * {@code ProveSegments: done/created}, {@code RecursionJoin: done/created} (joins and
     * resolve), {@code Finalize}.
     */
    static String progress(JobStatus job) {
        if (job.progress() != null) {
            return job.progress();
        }
        Map<WorkerType, TaskCounts> tasks = job.tasksByType();
        TaskCounts exec = tasks.get(WorkerType.EXEC);
        if (exec == null) {
            return tasks.containsKey(WorkerType.SNARK) ? "Snark" : "Setup";
        }
        TaskCounts prove = tasks.getOrDefault(WorkerType.PROVE, TaskCounts.NONE);
        TaskCounts join = tasks.getOrDefault(WorkerType.JOIN, TaskCounts.NONE);
        if (prove.done() == 0 && exec.done() == 0) {
            return "Executor";
        }
        if (prove.done() < prove.total() || exec.done() == 0) {
            return "ProveSegments: " + prove.done() + "/" + prove.total();
        }
        if (join.done() < join.total()) {
            return "RecursionJoin: " + join.done() + "/" + join.total();
        }
        return "Finalize";
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
