package dev.bentoj.zkvm.prove;

import dev.bentoj.zkvm.exec.ExecutionResult;
import dev.bentoj.zkvm.exec.Executor;
import dev.bentoj.zkvm.exec.ExecutorOptions;
import dev.bentoj.zkvm.exec.Segment;
import dev.bentoj.zkvm.hash.Sha256;
import dev.bentoj.zkvm.image.MemoryImage;
import dev.bentoj.zkvm.image.MemoryTree;
import dev.bentoj.zkvm.image.SystemState;
import dev.bentoj.zkvm.receipt.Assumption;
import dev.bentoj.zkvm.receipt.CompositeReceipt;
import dev.bentoj.zkvm.receipt.Receipt;
import dev.bentoj.zkvm.receipt.ReceiptClaim;
import dev.bentoj.zkvm.receipt.ReceiptCodec;
import dev.bentoj.zkvm.receipt.SegmentReceipt;
import dev.bentoj.zkvm.rv32im.SegmentProver;

import java.util.ArrayList;
import java.util.List;

/**
 * Proves a guest in this process, no cluster: executes it, proves its segments one after the
 * other (each proof already uses every core) and assembles the receipt. The receipt is not
 * verified here; {@code Verifier} does that.
 */
public final class LocalProver {
    private final SegmentProver prover;
    private final ExecutorOptions options;

    /**
     * @throws IllegalArgumentException if the segment po2 is outside the range the RV32IM AIR
     *                                  proves: better said before executing than after
     */
    public LocalProver(SegmentProver prover, ExecutorOptions options) {
        if (options.segmentPo2() < ReceiptCodec.MIN_SEGMENT_PO2 || options.segmentPo2() > ReceiptCodec.MAX_SEGMENT_PO2) {
            throw new IllegalArgumentException("segment po2 " + options.segmentPo2() + " cannot be proven: the RV32IM AIR "
                    + "proves po2 " + ReceiptCodec.MIN_SEGMENT_PO2 + " to " + ReceiptCodec.MAX_SEGMENT_PO2);
        }
        this.prover = prover;
        this.options = options;
    }

    /**
     * Executes {@code image} on {@code input} and proves the run.
     *
     * @throws dev.bentoj.zkvm.exec.GuestFault if the guest faults: a faulting run has no receipt
     */
    public LocalProof prove(MemoryImage image, byte[] input) {
        List<Segment> segments = new ArrayList<>();
        long t0 = System.nanoTime();
        ExecutionResult result = new Executor(image, input, options.withPageProofs()).run(segments::add);
        long t1 = System.nanoTime();
        // The prover takes the whole journal (a replayed COMMIT reads from it), so proving starts
        // once execution has ended.
        byte[] journal = result.journal();
        List<SegmentReceipt> receipts = new ArrayList<>(segments.size());
        for (Segment s : segments) {
            receipts.add(new SegmentReceipt(prover.prove(s, journal)));
        }
        long t2 = System.nanoTime();
        Receipt receipt = new Receipt(journal, new CompositeReceipt(receipts, List.of()), claim(image, segments, result.exitCode(), journal));
        return new LocalProof(receipt, result, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
    }

    /** The claim the segments prove, from the execution: each segment's pages after update the memory tree. */
    private static ReceiptClaim claim(MemoryImage image, List<Segment> segments, int exitCode, byte[] journal) {
        MemoryTree memory = image.tree();
        SystemState pre = new SystemState(image.entry(), memory.root());
        for (Segment s : segments) {
            memory.setPages(s.pageIndices(), s.pagesAfter());
        }
        SystemState post = new SystemState(segments.get(segments.size() - 1).postPc(), memory.root());
        return new ReceiptClaim(pre, post, exitCode, Sha256.digest(journal), Assumption.listDigest(List.of()));
    }
}
