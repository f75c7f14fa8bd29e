package dev.bentoj.zkvm.hash;

import dev.bentoj.zkvm.field.BabyBear;

import java.util.Objects;

/**
 * The v1 hashing modes over Poseidon2-24 ({@code spec/stark-protocol.md} §2): tagged leaf
 * hashing and 2-to-1 compression. Cells 0..15 are the rate, 16..23 the capacity, and the tag
 * in cell 16 separates the domains. Stateless, hence thread-safe.
 */
public final class Poseidon2Hasher {

    /** Domain tag of Merkle leaves. */
    public static final int LEAF = 1;
    /** Domain tag of Merkle nodes ({@link #compress}). */
    public static final int NODE = 2;
    /** Domain tag of the Fiat–Shamir transcript sponge. */
    public static final int TRANSCRIPT = 3;
    /** Domain tag of the image id. */
    public static final int IMAGE = 4;
    /** Domain tag of a segment's page list digest (rv32im public values). */
    public static final int PAGE_LIST = 5;

    /** Number of elements absorbed per permutation. */
    public static final int RATE = 16;

    /** The one instance. */
    public static final Poseidon2Hasher INSTANCE = new Poseidon2Hasher();

    private static final int WIDTH = 24;
    private static final int TAG_CELL = 16;
    private static final int LENGTH_CELL = 17;

    private final Poseidon2 permutation = Poseidon2.T24;

    private Poseidon2Hasher() {
    }

    /** Hashes {@code elems[off..off+len)} (Montgomery form) as a Merkle leaf: tag {@link #LEAF}. */
    public Digest hashLeaf(int[] elems, int off, int len) {
        return hashTagged(LEAF, elems, off, len);
    }

    /**
     * Hashes {@code elems[off..off+len)} (Montgomery form) with a domain tag: state = 0,
     * s[16] = tag, s[17] = len; each 16-element chunk (the last one zero-padded, one zero chunk
     * when len = 0) overwrites s[0..16) and is followed by a permutation; the digest is s[0..8).
     *
     * @param tag a leaf-style tag such as {@link #LEAF} or {@link #IMAGE}; {@link #NODE} and
     *            {@link #TRANSCRIPT} are reserved for their own constructions and rejected
     * @throws IllegalArgumentException for a reserved or out-of-range tag
     */
    public Digest hashTagged(int tag, int[] elems, int off, int len) {
        if (tag <= 0 || tag >= BabyBear.P || tag == NODE || tag == TRANSCRIPT) {
            throw new IllegalArgumentException("tag " + tag + " cannot be used for tagged "
                    + "hashing: use LEAF, IMAGE or another tag not reserved by the protocol");
        }
        Objects.checkFromIndexSize(off, len, elems.length);
        int[] s = new int[WIDTH];
        s[TAG_CELL] = BabyBear.toMont(tag);
        s[LENGTH_CELL] = BabyBear.toMont(len);
        int end = off + len;
        int pos = off;
        do {
            int n = Math.min(RATE, end - pos);
            System.arraycopy(elems, pos, s, 0, n);
            for (int i = n; i < RATE; i++) {
                s[i] = 0;
            }
            permutation.permute(s);
            pos += n;
        } while (pos < end);
        return digestOf(s);
    }

    /** 2-to-1 compression for Merkle nodes: s = left ‖ right ‖ (NODE, 0×7); permute; s[0..8). */
    public Digest compress(Digest left, Digest right) {
        int[] s = new int[WIDTH];
        left.copyTo(s, 0);
        right.copyTo(s, Digest.SIZE);
        s[TAG_CELL] = BabyBear.toMont(NODE);
        permutation.permute(s);
        return digestOf(s);
    }

    private static Digest digestOf(int[] state) {
        int[] d = new int[Digest.SIZE];
        System.arraycopy(state, 0, d, 0, Digest.SIZE);
        return new Digest(d);
    }
}
