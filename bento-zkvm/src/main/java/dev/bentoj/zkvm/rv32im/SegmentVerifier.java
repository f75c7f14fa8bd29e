package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.stark.VerificationException;
import dev.bentoj.zkvm.stark.VerifierPolicy;

/** Verifies one segment proof and returns what it proves (rv32im-air.md §8). */
public final class SegmentVerifier {
    private final VerifierPolicy policy;

    public SegmentVerifier(VerifierPolicy policy) {
        this.policy = policy;
    }

    /** @throws VerificationException naming the first check that failed */
    public SegmentClaim verify(SegmentProof proof) throws VerificationException {
        throw new VerificationException("not yet");
    }
}
