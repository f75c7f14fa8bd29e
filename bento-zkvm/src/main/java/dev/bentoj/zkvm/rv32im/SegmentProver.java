package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.exec.Segment;
import dev.bentoj.zkvm.stark.StarkParameters;

/** Proves one segment of RV32IM execution (rv32im-air.md). */
public final class SegmentProver {
    private final StarkParameters.Preset preset;
    private final boolean insecure;

    public SegmentProver(StarkParameters.Preset preset) {
        this(preset, false);
    }

    private SegmentProver(StarkParameters.Preset preset, boolean insecure) {
        this.preset = preset;
        this.insecure = insecure;
    }

    /** Fast, insecure parameters: only {@code VerifierPolicy.insecureForTests()} accepts the proofs. */
    public static SegmentProver insecureForTests() {
        return new SegmentProver(StarkParameters.Preset.P96_B4, true);
    }

    /**
     * Proves {@code segment}; {@code journal} is the session's whole journal (a replayed COMMIT
     * takes its bytes from it).
     *
     * @throws IllegalArgumentException if the segment's po2 is outside the AIR's range
     */
    public SegmentProof prove(Segment segment, byte[] journal) {
        throw new UnsupportedOperationException("not yet");
    }
}
