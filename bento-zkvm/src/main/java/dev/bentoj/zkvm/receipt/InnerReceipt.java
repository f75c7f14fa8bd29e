package dev.bentoj.zkvm.receipt;

import java.util.List;

/**
 * The proof part of a receipt: what a Prove task produces ({@link SegmentReceipt}) or what Join,
 * Resolve and Finalize produce ({@link CompositeReceipt}). Later stages add the succinct and
 * Groth16 kinds.
 */
public sealed interface InnerReceipt permits SegmentReceipt, CompositeReceipt {
    /** The segment receipts, in execution order; never empty. */
    List<SegmentReceipt> segments();

    /** The resolved assumptions, each with its own receipt. */
    List<Assumption> assumptions();
}
