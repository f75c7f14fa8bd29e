package dev.bentoj.zkvm.receipt;

import java.util.List;

/**
 * Segment receipts in execution order plus the resolved assumptions. Its claim joins theirs:
 * pre-state from the first segment, post-state, exit code and journal digest from the last. Its
 * size and verification time grow with the number of segments: it is not succinct.
 */
public record CompositeReceipt(List<SegmentReceipt> segments, List<Assumption> assumptions) implements InnerReceipt {
    public CompositeReceipt {
        segments = List.copyOf(segments);
        assumptions = List.copyOf(assumptions);
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a composite receipt has at least one segment");
        }
    }
}
