package dev.bentoj.agent.proving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bentoj.agent.TaskHandler;
import dev.bentoj.agent.WorkClient;
import dev.bentoj.storage.control.Intermediates;
import dev.bentoj.storage.control.ObjectStore;
import dev.bentoj.storage.control.StorageException;
import dev.bentoj.storage.entity.ObjectNamespace;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.Sha256;
import dev.bentoj.zkvm.receipt.Assumption;
import dev.bentoj.zkvm.receipt.ExpectedExitCode;
import dev.bentoj.zkvm.receipt.Receipt;
import dev.bentoj.zkvm.receipt.ReceiptClaim;
import dev.bentoj.zkvm.receipt.ReceiptCodec;
import dev.bentoj.zkvm.receipt.Verifier;
import dev.bentoj.zkvm.rv32im.SegmentClaim;
import dev.bentoj.zkvm.stark.VerificationException;
import dev.bentoj.zkvm.stark.VerifierPolicy;

import java.util.function.BooleanSupplier;

/**
 * Finalize: the resolved receipt and the journal from Redis become the session's receipt, which
 * is verified in full against the session's image id (every segment proof, the chain, the
 * journal digest, the assumptions) before it is written to {@code receipts/stark/{session}}.
 * Once the server has recorded it done, the job's intermediates are all removed.
 */
public final class FinalizeTask implements TaskHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Intermediates redis;
    private final ObjectStore objects;
    private final VerifierPolicy policy;

    public FinalizeTask(Intermediates redis, ObjectStore objects, ProofSettings settings) {
        this.redis = redis;
        this.objects = objects;
        this.policy = settings.policy();
    }

    @Override
    public JsonNode run(WorkClient.Claim claim, BooleanSupplier cancelled) throws TaskFailure {
        String job = claim.jobId();
        ClaimedReceipt resolved = Intermediate.readReceipt(redis, job, JobKeys.RESOLVED);
        byte[] journal = Intermediate.read(redis, job, JobKeys.JOURNAL);
        SegmentClaim run = resolved.claim();
        if (!run.halted()) {
            throw new TaskFailure("refused: the joined receipt does not reach the guest's HALT", false);
        }
        ReceiptClaim claimed = new ReceiptClaim(run.pre(), run.post(), run.exitCode(), Sha256.digest(journal),
                Assumption.listDigest(resolved.receipt().assumptions()));
        Receipt receipt = new Receipt(journal, resolved.receipt(), claimed);
        Digest imageId = Digest.fromHex(claim.payload().path("image_id").asText());
        long t0 = System.nanoTime();
        try {
            Verifier.verify(receipt, imageId, policy, ExpectedExitCode.SUCCESS);
        } catch (VerificationException e) {
            throw new TaskFailure("refused: the session's receipt does not verify: " + e.getMessage(), false);
        }
        long verifyMs = (System.nanoTime() - t0) / 1_000_000;
        byte[] bytes = ReceiptCodec.encode(receipt);
        try {
            objects.put(ObjectNamespace.STARK_RECEIPT.key(job), bytes);
            objects.put(ObjectNamespace.JOURNAL.key(job), journal);
        } catch (StorageException e) {
            throw new TaskFailure("object store: " + e.getMessage(), true);
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("segments", receipt.inner().segments().size());
        out.put("receipt_bytes", bytes.length);
        out.put("verify_ms", verifyMs);
        return out;
    }

    @Override
    public void committed(WorkClient.Claim claim) {
        redis.deleteJob(claim.jobId());
    }
}
