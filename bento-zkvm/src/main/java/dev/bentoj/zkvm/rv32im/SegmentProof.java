package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.hash.Digest;

/**
 * One segment's proof as the receipt carries it (rv32im-air.md §8): the STARK proof bytes and
 * what the verifier needs beside them to recompute the public values — the boundary pcs, the
 * halt data, the touched pages (strictly increasing indices) with their 256 words before and
 * after, and the Merkle multiproof siblings that connect them to the pre- and post-state roots.
 */
public record SegmentProof(
        int po2,
        int prePc,
        int postPc,
        boolean halted,
        int exitCode,
        int digestPtr,
        int[] pageIndices,
        int[][] pagesBefore,
        int[][] pagesAfter,
        Digest[] siblings,
        byte[] stark) {
}
