package dev.bentoj.agent.proving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bentoj.agent.TaskHandler;
import dev.bentoj.agent.WorkClient;
import dev.bentoj.storage.control.Intermediates;
import dev.bentoj.zkvm.exec.Segment;
import dev.bentoj.zkvm.exec.SegmentCodec;
import dev.bentoj.zkvm.receipt.SegmentReceipt;
import dev.bentoj.zkvm.rv32im.SegmentClaim;
import dev.bentoj.zkvm.rv32im.SegmentProof;
import dev.bentoj.zkvm.rv32im.SegmentProver;
import dev.bentoj.zkvm.rv32im.SegmentVerifier;
import dev.bentoj.zkvm.stark.VerificationException;

import java.util.function.BooleanSupplier;

/**
 * A Prove task: the segment from Redis, proven, and its proof verified at once (as upstream
 * proves and verifies): the claim it establishes goes with the receipt to Redis, where Joins
 * chain claims without verifying segment proofs again. The segment is deleted only after the
 * server has recorded the task done.
 */
public final class ProveTask implements TaskHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Intermediates redis;
    private final SegmentProver prover;
    private final SegmentVerifier verifier;

    public ProveTask(Intermediates redis, ProofSettings settings) {
        this.redis = redis;
        this.prover = settings.prover();
        this.verifier = new SegmentVerifier(settings.policy());
    }

    @Override
    public JsonNode run(WorkClient.Claim claim, BooleanSupplier cancelled) throws TaskFailure {
        int index = claim.payload().path("index").asInt(-1);
        if (index < 0) {
            throw new TaskFailure("prove task " + claim.taskId() + " names no segment index", false);
        }
        String key = JobKeys.segment(index);
        Segment segment;
        try {
            segment = SegmentCodec.decode(Intermediate.read(redis, claim.jobId(), key));
        } catch (IllegalArgumentException e) {
            throw new TaskFailure(Intermediates.key(claim.jobId(), key) + " does not hold a segment: " + e.getMessage(), false);
        }
        long t0 = System.nanoTime();
        SegmentProof proof;
        try {
            proof = prover.prove(segment);
        } catch (IllegalArgumentException e) {
            throw new TaskFailure("segment " + index + " cannot be proven: " + e.getMessage(), false);
        }
        long t1 = System.nanoTime();
        SegmentClaim proven;
        try {
            proven = verifier.verify(proof);
        } catch (VerificationException e) {
            throw new TaskFailure("the proof of segment " + index + " does not verify: " + e.getMessage(), false);
        }
        long t2 = System.nanoTime();
        Intermediate.write(redis, claim.jobId(), JobKeys.receipt(claim.taskId()),
                new ClaimedReceipt(proven, new SegmentReceipt(proof)).encode());
        ObjectNode out = JSON.createObjectNode();
        out.put("segment", index);
        out.put("cycles", segment.userCycles());
        out.put("prove_ms", (t1 - t0) / 1_000_000);
        out.put("verify_ms", (t2 - t1) / 1_000_000);
        return out;
    }

    @Override
    public void committed(WorkClient.Claim claim) {
        redis.delete(claim.jobId(), JobKeys.segment(claim.payload().path("index").asInt()));
    }
}
