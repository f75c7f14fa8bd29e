package dev.bentoj.zkvm.receipt;

import dev.bentoj.zkvm.rv32im.SegmentProof;

import java.util.List;
import java.util.Objects;

/** One segment's STARK proof and the public values beside it (rv32im-air.md §8). */
public record SegmentReceipt(SegmentProof proof) implements InnerReceipt {
    public SegmentReceipt {
        Objects.requireNonNull(proof, "proof");
    }

    @Override
    public List<SegmentReceipt> segments() {
        return List.of(this);
    }

    @Override
    public List<Assumption> assumptions() {
        return List.of();
    }
}
