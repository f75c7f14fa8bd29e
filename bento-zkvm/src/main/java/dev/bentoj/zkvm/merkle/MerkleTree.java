package dev.bentoj.zkvm.merkle;

import dev.bentoj.zkvm.parallel.Chunks;

import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.HashSuite;
import dev.bentoj.zkvm.hash.MerkleHasher;

import java.util.Objects;
import java.util.concurrent.ForkJoinPool;

/**
 * A Merkle commitment to the rows of a matrix ({@code spec/stark-protocol.md} §2, "hashing
 * modes") under a {@link HashSuite}: 2^h leaves, leaf = the suite's leaf hash of the row's base
 * values in order, parent = the suite's compression of (left, right). A path lists the h
 * siblings from the leaf level up; at level j, bit j of the leaf index is 0 when the current
 * node is the left child.
 *
 * <p>Every level is kept, as one flat {@code int[]} of 8 Montgomery cells per node, so paths are
 * read without rehashing and without an object per node. Building runs on a fork-join pool in
 * blocks of 2^12 leaves (each block also hashes its own subtree), then the levels above the
 * blocks, split again when wide; each task has its own {@link MerkleHasher} and each node is
 * written by exactly one task, so the tree never depends on scheduling. Immutable once built.
 */
public final class MerkleTree {

    /** Leaves per build task; each task then hashes the subtree above its block. */
    private static final int BLOCK_LEAVES = 1 << 12;
    /** Leaves gathered at once (row-major) before hashing them one by one. */
    private static final int GATHER_LEAVES = 64;
    /** Parents per task on the levels above the blocks. */
    private static final int BLOCK_NODES = 1 << 12;
    private static final int D = Digest.SIZE;

    private final int depth;
    /** levels[j] holds the 2^(depth − j) nodes of level j (0 = leaf hashes, depth = root). */
    private final int[][] levels;

    private MerkleTree(int depth, int[][] levels) {
        this.depth = depth;
        this.levels = levels;
    }

    /** Builds the tree over {@code source} with {@code suite} on the common fork-join pool. */
    public static MerkleTree commit(LeafSource source, HashSuite suite) {
        return commit(source, suite, ForkJoinPool.commonPool());
    }

    /**
     * Builds the tree over {@code source} with {@code suite} on {@code pool}; the result does not
     * depend on the pool or its parallelism.
     *
     * @throws IllegalArgumentException if the leaf count is not a power of two or the width is
     *                                  negative
     */
    public static MerkleTree commit(LeafSource source, HashSuite suite, ForkJoinPool pool) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(suite, "suite");
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
            MerkleHasher hasher = suite.newHasher();
            int gather = Math.min(GATHER_LEAVES, blockLeaves);
            int[] rows = new int[gather * width];
            int first = block * blockLeaves;
            int[] leafLevel = levels[0];
            for (int g = first; g < first + blockLeaves; g += gather) {
                source.fillLeaves(g, gather, rows);
                for (int r = 0; r < gather; r++) {
                    hasher.hashLeaf(rows, r * width, width, leafLevel, (g + r) * D);
                }
            }
            for (int j = 1; j <= blockDepth; j++) {
                compressRange(levels[j - 1], levels[j], first >> j, (first + blockLeaves) >> j,
                        hasher);
            }
        }));

        // The levels above the blocks, one level at a time.
        for (int j = blockDepth + 1; j <= depth; j++) {
            int[] children = levels[j - 1];
            int[] parents = levels[j];
            int parentCount = 1 << (depth - j);
            if (parentCount <= BLOCK_NODES) {
                compressRange(children, parents, 0, parentCount, suite.newHasher());
            } else {
                pool.invoke(new Chunks(0, parentCount / BLOCK_NODES, chunk -> compressRange(
                        children, parents, chunk * BLOCK_NODES, (chunk + 1) * BLOCK_NODES,
                        suite.newHasher())));
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
     * Checks that {@code leafValues} is leaf {@code leaf} of a {@code suite} tree of depth
     * {@code expectedDepth} with root {@code root}. Returns false on any mismatch: wrong path
     * length, index out of range, a value outside [0, p), a wrong value or sibling.
     *
     * @param leafValues the leaf's elements in Montgomery form
     * @throws NullPointerException if an argument or a path element is null (nothing else throws)
     */
    public static boolean verify(HashSuite suite, Digest root, int leaf, int[] leafValues,
                                 Digest[] path, int expectedDepth) {
        Objects.requireNonNull(suite, "suite");
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
        MerkleHasher hasher = suite.newHasher();
        int[] node = new int[2 * D]; // scratch: current node ‖ sibling, in child order
        int[] current = new int[D];
        hasher.hashLeaf(leafValues, 0, leafValues.length, current, 0);
        int index = leaf;
        for (int j = 0; j < expectedDepth; j++) {
            if ((index & 1) == 0) {
                System.arraycopy(current, 0, node, 0, D);
                path[j].copyTo(node, D);
            } else {
                path[j].copyTo(node, 0);
                System.arraycopy(current, 0, node, D, D);
            }
            hasher.compress(node, 0, current, 0);
            index >>= 1;
        }
        for (int i = 0; i < D; i++) {
            if (current[i] != root.element(i)) {
                return false;
            }
        }
        return true;
    }

    /** Parents [from, to) of {@code parents} from their children in {@code children}. */
    private static void compressRange(int[] children, int[] parents, int from, int to,
                                      MerkleHasher hasher) {
        for (int p = from; p < to; p++) {
            hasher.compress(children, 2 * p * D, parents, p * D);
        }
    }

    private static Digest digestAt(int[] level, int node) {
        int[] d = new int[D];
        System.arraycopy(level, node * D, d, 0, D);
        return new Digest(d);
    }
}
