package dev.bentoj.zkvm.merkle;

import dev.bentoj.zkvm.parallel.Chunks;

import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.Poseidon2;
import dev.bentoj.zkvm.hash.Poseidon2Hasher;

import java.util.Objects;
import java.util.concurrent.ForkJoinPool;

/**
 * A Merkle commitment to the rows of a matrix ({@code spec/stark-protocol.md} §2, "hashing
 * modes"): 2^h leaves, leaf = {@code hashLeaf} of the row's base values in order (tag LEAF, the
 * row length in the capacity), parent = {@code compress(left, right)} (tag NODE). A path lists
 * the h siblings from the leaf level up; at level j, bit j of the leaf index is 0 when the
 * current node is the left child.
 *
 * <p>Every level is kept, as one flat {@code int[]} of 8 Montgomery cells per node, so paths are
 * read without rehashing and without an object per node. Building runs on a fork-join pool in
 * blocks of 2^12 leaves (each block also hashes its own subtree), then the levels above the
 * blocks, split again when wide; each node is written by exactly one task, so the tree never
 * depends on scheduling. Immutable once built.
 */
public final class MerkleTree {

    /** Leaves per build task; each task then hashes the subtree above its block. */
    private static final int BLOCK_LEAVES = 1 << 12;
    /** Parents per task on the levels above the blocks. */
    private static final int BLOCK_NODES = 1 << 12;
    private static final int WIDTH = 24;
    private static final int RATE = Poseidon2Hasher.RATE;
    private static final int D = Digest.SIZE;
    private static final int LEAF_TAG = BabyBear.toMont(Poseidon2Hasher.LEAF);
    private static final int NODE_TAG = BabyBear.toMont(Poseidon2Hasher.NODE);
    private static final Poseidon2 PERMUTATION = Poseidon2.T24;

    private final int depth;
    /** levels[j] holds the 2^(depth − j) nodes of level j (0 = leaf hashes, depth = root). */
    private final int[][] levels;

    private MerkleTree(int depth, int[][] levels) {
        this.depth = depth;
        this.levels = levels;
    }

    /** Builds the tree over {@code source} on the common fork-join pool. */
    public static MerkleTree commit(LeafSource source) {
        return commit(source, ForkJoinPool.commonPool());
    }

    /**
     * Builds the tree over {@code source} on {@code pool}; the result does not depend on the
     * pool or its parallelism.
     *
     * @throws IllegalArgumentException if the leaf count is not a power of two or the width is
     *                                  negative
     */
    public static MerkleTree commit(LeafSource source, ForkJoinPool pool) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(pool, "pool");
        int leafCount = source.leafCount();
        int width = source.leafWidth();
        if (leafCount < 1 || Integer.bitCount(leafCount) != 1) {
            throw new IllegalArgumentException(
                    "a Merkle tree needs a power-of-two number of leaves, got " + leafCount);
        }
        if (width < 0) {
            throw new IllegalArgumentException("negative leaf width " + width);
        }
        int depth = Integer.numberOfTrailingZeros(leafCount);
        int[][] levels = new int[depth + 1][];
        for (int j = 0; j <= depth; j++) {
            levels[j] = new int[D << (depth - j)];
        }

        // Leaves and the subtree of each block: levels 0..blockDepth.
        int blockLeaves = Math.min(leafCount, BLOCK_LEAVES);
        int blockDepth = Integer.numberOfTrailingZeros(blockLeaves);
        pool.invoke(new Chunks(0, leafCount / blockLeaves, block -> {
            int[] state = new int[WIDTH];
            int[] row = new int[width];
            int first = block * blockLeaves;
            int[] leafLevel = levels[0];
            for (int i = first; i < first + blockLeaves; i++) {
                source.fillLeaf(i, row);
                hashLeafInto(row, width, state, leafLevel, i * D);
            }
            for (int j = 1; j <= blockDepth; j++) {
                compressRange(levels[j - 1], levels[j], first >> j, (first + blockLeaves) >> j,
                        state);
            }
        }));

        // The levels above the blocks, one level at a time.
        for (int j = blockDepth + 1; j <= depth; j++) {
            int[] children = levels[j - 1];
            int[] parents = levels[j];
            int parentCount = 1 << (depth - j);
            if (parentCount <= BLOCK_NODES) {
                compressRange(children, parents, 0, parentCount, new int[WIDTH]);
            } else {
                pool.invoke(new Chunks(0, parentCount / BLOCK_NODES, chunk -> compressRange(
                        children, parents, chunk * BLOCK_NODES, (chunk + 1) * BLOCK_NODES,
                        new int[WIDTH])));
            }
        }
        return new MerkleTree(depth, levels);
    }

    /** The root, the digest committed to in the transcript. */
    public Digest root() {
        return digestAt(levels[depth], 0);
    }

    /** The height h: 2^h leaves, paths of h siblings. */
    public int depth() {
        return depth;
    }

    /** The number of leaves, 2^{@link #depth()}. */
    public int leafCount() {
        return 1 << depth;
    }

    /**
     * The authentication path of a leaf: its {@link #depth()} siblings from the leaf level up.
     *
     * @throws IndexOutOfBoundsException unless 0 ≤ leaf &lt; {@link #leafCount()}
     */
    public Digest[] path(int leaf) {
        Objects.checkIndex(leaf, leafCount());
        Digest[] path = new Digest[depth];
        int index = leaf;
        for (int j = 0; j < depth; j++) {
            path[j] = digestAt(levels[j], index ^ 1);
            index >>= 1;
        }
        return path;
    }

    /**
     * Checks that {@code leafValues} is leaf {@code leaf} of a tree of depth
     * {@code expectedDepth} with root {@code root}. Returns false on any mismatch: wrong path
     * length, index out of range, a value outside [0, p), a wrong value or sibling.
     *
     * @param leafValues the leaf's elements in Montgomery form
     * @throws NullPointerException if an argument or a path element is null (nothing else throws)
     */
    public static boolean verify(Digest root, int leaf, int[] leafValues, Digest[] path,
                                 int expectedDepth) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(leafValues, "leafValues");
        Objects.requireNonNull(path, "path");
        for (int j = 0; j < path.length; j++) {
            Objects.requireNonNull(path[j], "path element");
        }
        if (expectedDepth < 0 || expectedDepth > 30 || path.length != expectedDepth
                || leaf < 0 || leaf >= 1 << expectedDepth) {
            return false;
        }
        for (int v : leafValues) {
            if (v < 0 || v >= BabyBear.P) {
                return false;
            }
        }
        int[] state = new int[WIDTH];
        int[] node = new int[2 * D]; // scratch: current node ‖ sibling, in child order
        int[] current = new int[D];
        hashLeafInto(leafValues, leafValues.length, state, current, 0);
        int index = leaf;
        for (int j = 0; j < expectedDepth; j++) {
            if ((index & 1) == 0) {
                System.arraycopy(current, 0, node, 0, D);
                path[j].copyTo(node, D);
            } else {
                path[j].copyTo(node, 0);
                System.arraycopy(current, 0, node, D, D);
            }
            compressInto(node, 0, D, state, current, 0);
            index >>= 1;
        }
        for (int i = 0; i < D; i++) {
            if (current[i] != root.element(i)) {
                return false;
            }
        }
        return true;
    }

    /** The leaf hash of {@code values} (Montgomery form): {@code hashLeaf} of §2. */
    public static Digest leafHash(int[] values) {
        int[] out = new int[D];
        hashLeafInto(values, values.length, new int[WIDTH], out, 0);
        return new Digest(out);
    }

    /**
     * {@code hashLeaf} of §2 into {@code out[outOff..outOff+8)}, reusing {@code state}: s = 0,
     * s[16] = LEAF, s[17] = length; each 16-element chunk (last zero-padded, one zero chunk for
     * length 0) overwrites s[0..16) and is permuted. Equals {@link Poseidon2Hasher#hashLeaf}.
     */
    private static void hashLeafInto(int[] values, int length, int[] state, int[] out, int outOff) {
        for (int i = 0; i < WIDTH; i++) {
            state[i] = 0;
        }
        state[16] = LEAF_TAG;
        state[17] = BabyBear.toMont(length);
        int pos = 0;
        do {
            int n = Math.min(RATE, length - pos);
            System.arraycopy(values, pos, state, 0, n);
            for (int i = n; i < RATE; i++) {
                state[i] = 0;
            }
            PERMUTATION.permute(state);
            pos += n;
        } while (pos < length);
        System.arraycopy(state, 0, out, outOff, D);
    }

    /** {@code compress} of §2: s = left ‖ right ‖ (NODE, 0×7); permute; s[0..8). */
    private static void compressInto(int[] src, int leftOff, int rightOff, int[] state, int[] dst,
                                     int dstOff) {
        System.arraycopy(src, leftOff, state, 0, D);
        System.arraycopy(src, rightOff, state, D, D);
        state[16] = NODE_TAG;
        for (int i = 17; i < WIDTH; i++) {
            state[i] = 0;
        }
        PERMUTATION.permute(state);
        System.arraycopy(state, 0, dst, dstOff, D);
    }

    /** Parents [from, to) of {@code parents} from their children in {@code children}. */
    private static void compressRange(int[] children, int[] parents, int from, int to, int[] state) {
        for (int p = from; p < to; p++) {
            compressInto(children, 2 * p * D, (2 * p + 1) * D, state, parents, p * D);
        }
    }

    private static Digest digestAt(int[] level, int node) {
        int[] d = new int[D];
        System.arraycopy(level, node * D, d, 0, D);
        return new Digest(d);
    }

}
