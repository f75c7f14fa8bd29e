package dev.bentoj.zkvm.hash;

import dev.bentoj.zkvm.field.BabyBear;

/**
 * {@link HashSuite#POSEIDON2_24}: the tagged modes of {@code stark-protocol.md} §2, equal to
 * {@link Poseidon2Hasher#hashLeaf} and {@link Poseidon2Hasher#compress} but reusing one state
 * array instead of allocating per call.
 */
final class Poseidon2MerkleHasher implements MerkleHasher {
    private static final int WIDTH = 24;
    private static final int RATE = Poseidon2Hasher.RATE;
    private static final int D = Digest.SIZE;
    private static final int LEAF_TAG = BabyBear.toMont(Poseidon2Hasher.LEAF);
    private static final int NODE_TAG = BabyBear.toMont(Poseidon2Hasher.NODE);
    private static final Poseidon2 PERMUTATION = Poseidon2.T24;

    private final int[] state = new int[WIDTH];

    /**
     * s = 0, s[16] = LEAF, s[17] = length; each 16-element chunk (last zero-padded, one zero chunk
     * for length 0) overwrites s[0..16) and is permuted; the digest is s[0..8).
     */
    @Override
    public void hashLeaf(int[] values, int offset, int length, int[] out, int outOff) {
        int[] s = state;
        for (int i = 0; i < WIDTH; i++) {
            s[i] = 0;
        }
        s[16] = LEAF_TAG;
        s[17] = BabyBear.toMont(length);
        int pos = 0;
        do {
            int n = Math.min(RATE, length - pos);
            System.arraycopy(values, offset + pos, s, 0, n);
            for (int i = n; i < RATE; i++) {
                s[i] = 0;
            }
            PERMUTATION.permute(s);
            pos += n;
        } while (pos < length);
        System.arraycopy(s, 0, out, outOff, D);
    }

    /** s = left ‖ right ‖ (NODE, 0×7); permute; s[0..8). */
    @Override
    public void compress(int[] children, int offset, int[] out, int outOff) {
        int[] s = state;
        System.arraycopy(children, offset, s, 0, 2 * D);
        s[16] = NODE_TAG;
        for (int i = 17; i < WIDTH; i++) {
            s[i] = 0;
        }
        PERMUTATION.permute(s);
        System.arraycopy(s, 0, out, outOff, D);
    }

    /** Collision resistance in bits, as §5.1 counts it: 8-cell digests, 8-cell capacity, min(128, 4·log2 p) ≈ 123.6. */
    static double collisionBits() {
        return Math.min(128, 4 * (Math.log(BabyBear.P) / Math.log(2)));
    }
}
