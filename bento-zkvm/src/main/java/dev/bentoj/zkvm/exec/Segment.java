package dev.bentoj.zkvm.exec;

import dev.bentoj.zkvm.hash.Digest;

import java.util.Arrays;

/**
 * What one segment's prover needs, and enough to re-execute it: the state before (pc and the
 * contents of every page the segment touches, the register page included), the state after,
 * the slice of input it consumed and, when the executor ran with page proofs, the Merkle
 * multiproof siblings connecting the listed pages to the memory roots (null otherwise). Pages
 * are listed in increasing index order; a page the
 * guest never wrote before appears as zeros. {@code committed} holds the journal bytes the
 * segment's COMMITs wrote, {@code journal[journalStart, journalEnd)}: with them a segment can
 * be replayed (and proven) before the session's execution has ended.
 *
 * <p>Row accounting follows the AIR: one row per executed instruction, host-write rows for the
 * bytes READ copies, 64 page-out rows per listed page, padding up to {@code 2^po2}.
 */
public record Segment(
        int index,
        int po2,
        int prePc,
        int postPc,
        int[] pageIndices,
        int[][] pagesBefore,
        int[][] pagesAfter,
        long userCycles,
        int hostWriteRows,
        long inputStart,
        byte[] inputConsumed,
        long journalStart,
        long journalEnd,
        boolean halted,
        int exitCode,
        Digest[] siblings,
        byte[] committed) {

    /** Page-out rows the AIR needs per listed page (256 words, four per row). */
    public static final int PAGE_OUT_ROWS = 64;

    /** Rows used before padding. */
    public long usedRows() {
        return userCycles + hostWriteRows + (long) PAGE_OUT_ROWS * pageIndices.length;
    }

    /** Rows of the segment's trace, padding included. */
    public long totalRows() {
        return 1L << po2;
    }

    /** Same execution, compared by content (arrays included). */
    public boolean sameAs(Segment o) {
        return index == o.index && po2 == o.po2 && prePc == o.prePc && postPc == o.postPc
                && Arrays.equals(pageIndices, o.pageIndices)
                && Arrays.deepEquals(pagesBefore, o.pagesBefore)
                && Arrays.deepEquals(pagesAfter, o.pagesAfter)
                && userCycles == o.userCycles && hostWriteRows == o.hostWriteRows
                && inputStart == o.inputStart && Arrays.equals(inputConsumed, o.inputConsumed)
                && journalStart == o.journalStart && journalEnd == o.journalEnd
                && halted == o.halted && exitCode == o.exitCode
                && Arrays.equals(committed, o.committed);
        // The siblings are not compared: a replay has no memory tree and passes them through.
    }
}
