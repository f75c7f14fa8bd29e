package dev.bentoj.zkvm.exec;

/**
 * How to run a guest. {@code segmentPo2}: segments hold at most {@code 2^segmentPo2} rows;
 * {@code cycleLimit}: user cycles after which the run faults; {@code trace}: if not null,
 * receives each segment's execution trace before the segment is handed to the sink;
 * {@code pageProofs}: each segment carries the Merkle multiproof of its pages (what a prover
 * needs; it costs a page-tree update per segment, so execute-only runs leave it off).
 */
public record ExecutorOptions(int segmentPo2, long cycleLimit, TraceRecorder trace, boolean pageProofs) {
    public static final int MIN_PO2 = 12;
    public static final int MAX_PO2 = 24;
    public static final int DEFAULT_PO2 = 20;
    public static final long DEFAULT_CYCLE_LIMIT = 1L << 32;

    public ExecutorOptions {
        if (segmentPo2 < MIN_PO2 || segmentPo2 > MAX_PO2) {
            throw new IllegalArgumentException("segment po2 " + segmentPo2 + " is outside ["
                    + MIN_PO2 + ", " + MAX_PO2 + "]");
        }
        if (cycleLimit <= 0) {
            throw new IllegalArgumentException("cycle limit must be positive, was " + cycleLimit);
        }
    }

    public ExecutorOptions(int segmentPo2, long cycleLimit, TraceRecorder trace) {
        this(segmentPo2, cycleLimit, trace, false);
    }

    public static ExecutorOptions defaults() {
        return new ExecutorOptions(DEFAULT_PO2, DEFAULT_CYCLE_LIMIT, null);
    }

    public ExecutorOptions withPo2(int po2) {
        return new ExecutorOptions(po2, cycleLimit, trace, pageProofs);
    }

    public ExecutorOptions withCycleLimit(long limit) {
        return new ExecutorOptions(segmentPo2, limit, trace, pageProofs);
    }

    public ExecutorOptions withTrace(TraceRecorder recorder) {
        return new ExecutorOptions(segmentPo2, cycleLimit, recorder, pageProofs);
    }

    /** Segments carry the Merkle multiproof of their pages, for proving. */
    public ExecutorOptions withPageProofs() {
        return new ExecutorOptions(segmentPo2, cycleLimit, trace, true);
    }
}
