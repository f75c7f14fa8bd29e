package dev.bentoj.zkvm.hash;

/**
 * The two hashes of a Merkle commitment under one {@link HashSuite}, writing digests as 8
 * Montgomery-form cells into caller-supplied arrays so that building a tree allocates nothing
 * per node. An instance owns scratch state: one per thread or task, never shared.
 */
public interface MerkleHasher {

    /** Hashes the leaf {@code values[offset..offset+length)} (Montgomery form) into {@code out[outOff..outOff+8)}. */
    void hashLeaf(int[] values, int offset, int length, int[] out, int outOff);

    /**
     * Compresses the children {@code children[offset..offset+8)} (left) and
     * {@code children[offset+8..offset+16)} (right) into {@code out[outOff..outOff+8)}.
     */
    void compress(int[] children, int offset, int[] out, int outOff);
}
