package dev.bentoj.agent.proving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bentoj.agent.TaskHandler;
import dev.bentoj.agent.WorkClient;
import dev.bentoj.storage.control.Intermediates;
import dev.bentoj.storage.control.ObjectNotFoundException;
import dev.bentoj.storage.control.ObjectStore;
import dev.bentoj.storage.control.StorageException;
import dev.bentoj.storage.entity.ObjectNamespace;
import dev.bentoj.zkvm.image.MemoryImage;
import dev.bentoj.zkvm.receipt.Assumption;
import dev.bentoj.zkvm.receipt.CompositeReceipt;
import dev.bentoj.zkvm.receipt.ExpectedExitCode;
import dev.bentoj.zkvm.receipt.Receipt;
import dev.bentoj.zkvm.receipt.ReceiptCodec;
import dev.bentoj.zkvm.receipt.SegmentChain;
import dev.bentoj.zkvm.receipt.SegmentReceipt;
import dev.bentoj.zkvm.receipt.Verifier;
import dev.bentoj.zkvm.rv32im.SegmentClaim;
import dev.bentoj.zkvm.stark.VerificationException;
import dev.bentoj.zkvm.stark.VerifierPolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The tasks of the {@code join} worker type. A Join reads the receipts of two adjacent ranges,
 * checks that they chain (the left range's post-state is the right one's pre-state and only the
 * last segment halts, on the claims the Prove tasks established) and writes the receipt of the
 * joined range. Resolve attaches the session's assumption receipts to the root, each verified
 * in full first. Inputs are deleted after the server has recorded the task done.
 */
public final class JoinTask implements TaskHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Intermediates redis;
    private final ObjectStore objects;
    private final VerifierPolicy policy;

    public JoinTask(Intermediates redis, ObjectStore objects, ProofSettings settings) {
        this.redis = redis;
        this.objects = objects;
        this.policy = settings.policy();
    }

    @Override
    public JsonNode run(WorkClient.Claim claim, BooleanSupplier cancelled) throws TaskFailure {
        return "resolve".equals(claim.payload().path("kind").asText()) ? resolve(claim) : join(claim);
    }

    private JsonNode join(WorkClient.Claim claim) throws TaskFailure {
        String job = claim.jobId();
        String leftId = claim.payload().path("left").asText();
        String rightId = claim.payload().path("right").asText();
        ClaimedReceipt left = Intermediate.readReceipt(redis, job, JobKeys.receipt(leftId));
        ClaimedReceipt right = Intermediate.readReceipt(redis, job, JobKeys.receipt(rightId));
        SegmentClaim joined;
        try {
            joined = SegmentChain.join(List.of(left.claim(), right.claim()));
        } catch (VerificationException e) {
            throw new TaskFailure("join " + claim.taskId() + " refused: the receipts of tasks " + leftId + " and " + rightId
                    + " do not chain (" + e.getMessage() + ")", false);
        }
        List<SegmentReceipt> segments = new ArrayList<>(left.receipt().segments());
        segments.addAll(right.receipt().segments());
        Intermediate.write(redis, job, JobKeys.receipt(claim.taskId()),
                new ClaimedReceipt(joined, new CompositeReceipt(segments, List.of())).encode());
        ObjectNode out = JSON.createObjectNode();
        out.put("segments", segments.size());
        return out;
    }

    private JsonNode resolve(WorkClient.Claim claim) throws TaskFailure {
        String job = claim.jobId();
        String root = claim.payload().path("root").asText();
        ClaimedReceipt run = Intermediate.readReceipt(redis, job, JobKeys.receipt(root));
        List<Assumption> assumptions = new ArrayList<>();
        for (JsonNode id : claim.payload().path("assumptions")) {
            assumptions.add(assumption(id.asText()));
        }
        Intermediate.write(redis, job, JobKeys.RESOLVED,
                new ClaimedReceipt(run.claim(), new CompositeReceipt(run.receipt().segments(), assumptions)).encode());
        ObjectNode out = JSON.createObjectNode();
        out.put("assumptions", assumptions.size());
        return out;
    }

    /** An assumption receipt from the object store, verified in full (against the image its own claim names). */
    private Assumption assumption(String id) throws TaskFailure {
        byte[] bytes;
        try {
            bytes = objects.get(ObjectNamespace.STARK_RECEIPT.key(id));
        } catch (ObjectNotFoundException | IllegalArgumentException e) {
            throw new TaskFailure("assumption " + id + ": " + e.getMessage(), false);
        } catch (StorageException e) {
            throw new TaskFailure("object store: " + e.getMessage(), true);
        }
        try {
            Receipt receipt = ReceiptCodec.decode(bytes);
            Verifier.verify(receipt, MemoryImage.imageId(receipt.claim().pre()), policy, ExpectedExitCode.ANY);
            return new Assumption(receipt.claim().digest(), receipt);
        } catch (VerificationException e) {
            throw new TaskFailure("assumption receipt " + id + " does not verify: " + e.getMessage(), false);
        }
    }

    @Override
    public void committed(WorkClient.Claim claim) {
        JsonNode p = claim.payload();
        if ("resolve".equals(p.path("kind").asText())) {
            redis.delete(claim.jobId(), JobKeys.receipt(p.path("root").asText()));
        } else {
            redis.delete(claim.jobId(), JobKeys.receipt(p.path("left").asText()));
            redis.delete(claim.jobId(), JobKeys.receipt(p.path("right").asText()));
        }
    }
}
