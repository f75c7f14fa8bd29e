package dev.bentoj.agent.proving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bentoj.agent.TaskHandler.TaskFailure;
import dev.bentoj.agent.WorkClient;
import dev.bentoj.storage.control.Intermediates;
import dev.bentoj.storage.control.StorageException;
import dev.bentoj.zkvm.exec.Segment;
import dev.bentoj.zkvm.exec.SegmentCodec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * The streaming side of a proving session's executor: each finished segment goes to Redis, then
 * its Prove task and the Joins it completes are created in one batch call, so provers start
 * while the guest still runs. At most {@link ProofSettings#maxPendingSegments()} segments of
 * the job wait in Redis: the executor pauses until provers have consumed some.
 * {@link #finish} writes the journal and plans the root Joins, Resolve and Finalize.
 */
public final class SegmentStream {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ATTEMPTS = 3;

    private final WorkClient.Claim claim;
    private final Intermediates redis;
    private final WorkClient client;
    private final ProofSettings settings;
    private final BooleanSupplier cancelled;
    private final JoinPlanner planner = new JoinPlanner();
    /** Segments written and perhaps not yet consumed, by name. */
    private final Set<String> waiting = new LinkedHashSet<>();
    private long backPressureMs;

    public SegmentStream(WorkClient.Claim claim, Intermediates redis, WorkClient client, ProofSettings settings,
                         BooleanSupplier cancelled) {
        this.claim = claim;
        this.redis = redis;
        this.client = client;
        this.settings = settings;
        this.cancelled = cancelled;
    }

    /** Milliseconds the executor waited for room in Redis. */
    public long backPressureMs() {
        return backPressureMs;
    }

    /** Hands one finished segment to the provers. */
    public void accept(Segment segment) throws TaskFailure {
        awaitRoom();
        String name = JobKeys.segment(segment.index());
        Intermediate.write(redis, claim.jobId(), name, SegmentCodec.encode(segment));
        waiting.add(name);
        List<WorkClient.NewTask> tasks = new ArrayList<>();
        for (JoinPlanner.Step step : planner.addSegment(segment.index())) {
            tasks.add(task(step));
        }
        create(tasks);
    }

    /** After the guest halted: the journal, then the root Joins, Resolve and Finalize. */
    public void finish(byte[] journal, List<String> assumptions, String imageId) throws TaskFailure {
        Intermediate.write(redis, claim.jobId(), JobKeys.JOURNAL, journal);
        List<WorkClient.NewTask> tasks = new ArrayList<>();
        for (JoinPlanner.Step step : planner.finish()) {
            tasks.add(task(step));
        }
        ObjectNode resolve = JSON.createObjectNode().put("kind", "resolve").put("root", planner.root());
        ArrayNode ids = resolve.putArray("assumptions");
        assumptions.forEach(ids::add);
        tasks.add(new WorkClient.NewTask("resolve", "join", resolve, List.of(planner.root()),
                settings.taskLeaseSeconds(), MAX_ATTEMPTS));
        ObjectNode finalize = JSON.createObjectNode().put("kind", "finalize").put("image_id", imageId);
        tasks.add(new WorkClient.NewTask("finalize", "aux", finalize, List.of("resolve"), settings.taskLeaseSeconds(),
                MAX_ATTEMPTS));
        create(tasks);
    }

    private WorkClient.NewTask task(JoinPlanner.Step step) {
        if (step.isJoin()) {
            ObjectNode p = JSON.createObjectNode().put("kind", "join").put("left", step.left()).put("right", step.right());
            return new WorkClient.NewTask(step.taskId(), "join", p, List.of(step.left(), step.right()),
                    settings.taskLeaseSeconds(), MAX_ATTEMPTS);
        }
        ObjectNode p = JSON.createObjectNode().put("kind", "prove").put("index", step.segment());
        return new WorkClient.NewTask(step.taskId(), "prove", p, List.of(), settings.taskLeaseSeconds(), MAX_ATTEMPTS);
    }

    private void create(List<WorkClient.NewTask> tasks) throws TaskFailure {
        try {
            client.createTasks(claim.jobId(), tasks);
        } catch (WorkClient.LostTask e) {
            throw new CancellationException("session ended: " + e.getMessage());
        } catch (IOException e) {
            throw new TaskFailure("could not create the tasks of job " + claim.jobId() + ": " + e.getMessage(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        }
    }

    /** Back-pressure: waits while the job's waiting segments fill the budget. */
    private void awaitRoom() throws TaskFailure {
        if (waiting.size() < settings.maxPendingSegments()) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            while (true) {
                long present = redis.countExisting(claim.jobId(), waiting);
                if (present < waiting.size()) {
                    waiting.removeIf(name -> !redis.exists(claim.jobId(), name));
                }
                if (waiting.size() < settings.maxPendingSegments()) {
                    return;
                }
                if (cancelled.getAsBoolean()) {
                    throw new CancellationException("session cancelled");
                }
                Thread.sleep(20);
            }
        } catch (StorageException e) {
            throw new TaskFailure(e.getMessage(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        } finally {
            backPressureMs += (System.nanoTime() - t0) / 1_000_000;
        }
    }
}
