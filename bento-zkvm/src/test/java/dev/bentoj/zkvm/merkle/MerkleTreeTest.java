package dev.bentoj.zkvm.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.HashSuite;
import dev.bentoj.zkvm.hash.ReferenceHashes;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MerkleTreeTest {

    private static final HashSuite POSEIDON2 = HashSuite.POSEIDON2_24;

    /** Columns of random Montgomery elements. */
    private static int[][] randomColumns(int width, int rows, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] cols = new int[width][rows];
        for (int[] col : cols) {
            for (int i = 0; i < rows; i++) {
                col[i] = rnd.nextInt(BabyBear.P);
            }
        }
        return cols;
    }

    private static int[] row(int[][] cols, int i) {
        int[] r = new int[cols.length];
        for (int c = 0; c < cols.length; c++) {
            r[c] = cols[c][i];
        }
        return r;
    }

    /** The tree by its definition, recursively, with the reference hashes. */
    private static Digest naiveRoot(HashSuite suite, int[][] cols, int from, int count) {
        if (count == 1) {
            return ReferenceHashes.leaf(suite, row(cols, from));
        }
        int half = count / 2;
        return ReferenceHashes.node(suite, naiveRoot(suite, cols, from, half),
                naiveRoot(suite, cols, from + half, half));
    }

    @ParameterizedTest
    @EnumSource(HashSuite.class)
    void rootMatchesTheRecursiveDefinition(HashSuite suite) {
        for (int width : new int[] {1, 8, 16, 17, 33}) {
            for (int logRows = 0; logRows <= 5; logRows++) {
                int[][] cols = randomColumns(width, 1 << logRows, 31L * width + logRows);
                MerkleTree tree = MerkleTree.commit(LeafSource.ofColumns(cols), suite);
                assertEquals(naiveRoot(suite, cols, 0, 1 << logRows), tree.root(),
                        "width " + width + ", 2^" + logRows + " rows");
                assertEquals(logRows, tree.depth());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(HashSuite.class)
    void emptyLeavesHashAlike(HashSuite suite) {
        LeafSource empty = new LeafSource() {
            public int leafCount() {
                return 2;
            }

            public int leafWidth() {
                return 0;
            }

            public void fillLeaves(int first, int count, int[] dst) {
            }
        };
        Digest leaf = ReferenceHashes.leaf(suite, new int[0]);
        assertEquals(ReferenceHashes.node(suite, leaf, leaf), MerkleTree.commit(empty, suite).root());
        assertEquals(leaf, suite.hashLeaf(new int[0]));
    }

    @Test
    void leafHashMatchesTheSpecVectors() {
        int[] range = new int[32];
        for (int i = 0; i < 32; i++) {
            range[i] = BabyBear.toMont(i);
        }
        Digest h16 = POSEIDON2.hashLeaf(Arrays.copyOf(range, 16));
        Digest h32 = POSEIDON2.hashLeaf(range);
        assertArrayEquals(new int[] {1409604539, 1439777534, 672523843, 1451514766, 594369957,
            1019845261, 454792386, 121666652}, h16.toCanonical());
        assertArrayEquals(new int[] {1731068545, 1560823523, 362662779, 1448813976, 514001154,
            1034797645, 295789115, 1594612105}, h32.toCanonical());
        // two equal 32-wide leaves: the root is compress(h32, h32)
        LeafSource vectorLeaves = new LeafSource() {
            public int leafCount() {
                return 2;
            }

            public int leafWidth() {
                return 32;
            }

            public void fillLeaves(int first, int count, int[] dst) {
                for (int k = 0; k < count; k++) {
                    System.arraycopy(range, 0, dst, 32 * k, 32);
                }
            }
        };
        assertEquals(POSEIDON2.compress(h32, h32), MerkleTree.commit(vectorLeaves, POSEIDON2).root());
        assertArrayEquals(new int[] {573227133, 1428076543, 1727287716, 1729448336, 1959422622,
            1170262543, 396902081, 1551379184}, POSEIDON2.compress(h16, h32).toCanonical());
    }

    @ParameterizedTest
    @EnumSource(HashSuite.class)
    void everyPathVerifies(HashSuite suite) {
        int[][] cols = randomColumns(20, 64, 7);
        MerkleTree tree = MerkleTree.commit(LeafSource.ofColumns(cols), suite);
        Digest root = tree.root();
        for (int i = 0; i < 64; i++) {
            Digest[] path = tree.path(i);
            assertEquals(6, path.length);
            assertTrue(MerkleTree.verify(suite, root, i, row(cols, i), path, 6), "leaf " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(HashSuite.class)
    void singleLeafTreeHasAnEmptyPath(HashSuite suite) {
        int[][] cols = randomColumns(3, 1, 9);
        MerkleTree tree = MerkleTree.commit(LeafSource.ofColumns(cols), suite);
        assertEquals(suite.hashLeaf(row(cols, 0)), tree.root());
        assertEquals(0, tree.path(0).length);
        assertTrue(MerkleTree.verify(suite, tree.root(), 0, row(cols, 0), new Digest[0], 0));
        assertFalse(MerkleTree.verify(suite, tree.root(), 1, row(cols, 0), new Digest[0], 0));
    }

    @ParameterizedTest
    @EnumSource(HashSuite.class)
    void tamperedOpeningsFail(HashSuite suite) {
        int[][] cols = randomColumns(9, 32, 11);
        MerkleTree tree = MerkleTree.commit(LeafSource.ofColumns(cols), suite);
        Digest root = tree.root();
        int leaf = 13;
        int[] values = row(cols, leaf);
        Digest[] path = tree.path(leaf);
        assertTrue(MerkleTree.verify(suite, root, leaf, values, path, 5));

        for (int c = 0; c < values.length; c++) {
            int[] flipped = values.clone();
            flipped[c] = BabyBear.add(flipped[c], BabyBear.ONE);
            assertFalse(MerkleTree.verify(suite, root, leaf, flipped, path, 5), "value " + c);
        }
        assertFalse(MerkleTree.verify(suite, root, leaf, Arrays.copyOf(values, 8), path, 5), "short row");
        assertFalse(MerkleTree.verify(suite, root, leaf, Arrays.copyOf(values, 10), path, 5), "long row");
        int[] unreduced = values.clone();
        unreduced[0] = BabyBear.P;
        assertFalse(MerkleTree.verify(suite, root, leaf, unreduced, path, 5), "value ≥ p");

        for (int j = 0; j < path.length; j++) {
            Digest[] tampered = path.clone();
            int[] e = tampered[j].elements();
            e[j % 8] = BabyBear.add(e[j % 8], BabyBear.ONE);
            tampered[j] = new Digest(e);
            assertFalse(MerkleTree.verify(suite, root, leaf, values, tampered, 5), "sibling " + j);
        }
        Digest[] swapped = path.clone();
        swapped[0] = path[1];
        swapped[1] = path[0];
        assertFalse(MerkleTree.verify(suite, root, leaf, values, swapped, 5), "swapped siblings");

        for (int other : new int[] {leaf ^ 1, leaf ^ 2, leaf ^ 16, 0, 31}) {
            assertFalse(MerkleTree.verify(suite, root, other, values, path, 5), "index " + other);
        }
        assertFalse(MerkleTree.verify(suite, root, leaf + 32, values, path, 5), "index past the end");
        assertFalse(MerkleTree.verify(suite, root, -1, values, path, 5), "negative index");

        assertFalse(MerkleTree.verify(suite, root, leaf, values, Arrays.copyOf(path, 4), 5), "short path");
        Digest[] longer = Arrays.copyOf(path, 6);
        longer[5] = root;
        assertFalse(MerkleTree.verify(suite, root, leaf, values, longer, 5), "long path");
        assertFalse(MerkleTree.verify(suite, root, leaf, values, Arrays.copyOf(path, 4), 4),
                "short path at its own depth");
        assertFalse(MerkleTree.verify(suite, root, leaf, values, path, 6), "wrong expected depth");
        assertFalse(MerkleTree.verify(suite, root, leaf, values, path, -1));
        assertFalse(MerkleTree.verify(suite, root, leaf, values, path, 99));

        Digest otherRoot = MerkleTree.commit(LeafSource.ofColumns(randomColumns(9, 32, 12)), suite).root();
        assertFalse(MerkleTree.verify(suite, otherRoot, leaf, values, path, 5), "another tree's root");
    }

    @ParameterizedTest
    @EnumSource(HashSuite.class)
    void leafCannotPoseAsNode(HashSuite suite) {
        // an inner node's two children, offered as a 16-element leaf one level up, do not verify
        int[][] cols = randomColumns(4, 8, 13);
        MerkleTree tree = MerkleTree.commit(LeafSource.ofColumns(cols), suite);
        Digest[] path0 = tree.path(0);
        int[] children = new int[16];
        suite.hashLeaf(row(cols, 0)).copyTo(children, 0);
        path0[0].copyTo(children, 8);
        Digest[] upper = Arrays.copyOfRange(path0, 1, 3);
        assertFalse(MerkleTree.verify(suite, tree.root(), 0, children, upper, 2));
    }

    @Test
    void nullArgumentsThrow() {
        Digest[] empty = new Digest[0];
        assertThrows(NullPointerException.class, () -> MerkleTree.verify(null, Digest.ZERO, 0, new int[1], empty, 0));
        assertThrows(NullPointerException.class, () -> MerkleTree.verify(POSEIDON2, null, 0, new int[1], empty, 0));
        assertThrows(NullPointerException.class, () -> MerkleTree.verify(POSEIDON2, Digest.ZERO, 0, null, empty, 0));
        assertThrows(NullPointerException.class, () -> MerkleTree.verify(POSEIDON2, Digest.ZERO, 0, new int[1], null, 0));
    }

    @Test
    void pathRejectsIndicesOutsideTheTree() {
        MerkleTree tree = MerkleTree.commit(LeafSource.ofColumns(randomColumns(2, 4, 1)), POSEIDON2);
        assertThrows(IndexOutOfBoundsException.class, () -> tree.path(4));
        assertThrows(IndexOutOfBoundsException.class, () -> tree.path(-1));
    }

    @Test
    void columnLeavesAreRowsBackToBack() {
        int[][] cols = randomColumns(5, 16, 3);
        int[] leaves = new int[3 * 5];
        LeafSource.ofColumns(cols).fillLeaves(7, 3, leaves);
        for (int k = 0; k < 3; k++) {
            assertArrayEquals(row(cols, 7 + k), Arrays.copyOfRange(leaves, 5 * k, 5 * k + 5));
        }
    }

    @Test
    void badMatrixShapesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> LeafSource.ofColumns(new int[0][]));
        assertThrows(IllegalArgumentException.class, () -> LeafSource.ofColumns(new int[2][3]));
        assertThrows(IllegalArgumentException.class,
                () -> LeafSource.ofColumns(new int[][] {new int[4], new int[8]}));
        assertThrows(IllegalArgumentException.class, () -> LeafSource.ofFriLayer(new int[3][8], 2));
        assertThrows(IllegalArgumentException.class, () -> LeafSource.ofFriLayer(new int[4][8], 3));
        assertThrows(IllegalArgumentException.class, () -> LeafSource.ofFriLayer(new int[4][4], 8));
    }

    @ParameterizedTest
    @EnumSource(HashSuite.class)
    void friLayerLeavesAreBlocksOfValuesCoordinateByCoordinate(HashSuite suite) {
        int size = 64;
        int arity = 8;
        int[][] coords = randomColumns(4, size, 17);
        // the same leaves laid out by hand as a matrix: row g, cell 4u + j = coordinate j of value g·k + u
        int[][] byHand = new int[4 * arity][size / arity];
        for (int g = 0; g < size / arity; g++) {
            for (int u = 0; u < arity; u++) {
                for (int j = 0; j < 4; j++) {
                    byHand[4 * u + j][g] = coords[j][g * arity + u];
                }
            }
        }
        LeafSource fri = LeafSource.ofFriLayer(coords, arity);
        assertEquals(size / arity, fri.leafCount());
        assertEquals(4 * arity, fri.leafWidth());
        int[] leaves = new int[2 * 4 * arity];
        fri.fillLeaves(3, 2, leaves);
        assertArrayEquals(row(byHand, 3), Arrays.copyOf(leaves, 4 * arity));
        assertArrayEquals(row(byHand, 4), Arrays.copyOfRange(leaves, 4 * arity, 8 * arity));
        MerkleTree tree = MerkleTree.commit(fri, suite);
        assertEquals(MerkleTree.commit(LeafSource.ofColumns(byHand), suite).root(), tree.root());
        assertEquals(3, tree.depth());
        assertTrue(MerkleTree.verify(suite, tree.root(), 5, row(byHand, 5), tree.path(5), 3));
    }

    @ParameterizedTest
    @EnumSource(HashSuite.class)
    void parallelBuildEqualsSingleThreadedBuild(HashSuite suite) {
        int rows = 1 << 16;
        int[][] cols = randomColumns(5, rows, 23);
        ForkJoinPool one = new ForkJoinPool(1);
        ForkJoinPool four = new ForkJoinPool(4);
        try {
            MerkleTree serial = MerkleTree.commit(LeafSource.ofColumns(cols), suite, one);
            MerkleTree parallel = MerkleTree.commit(LeafSource.ofColumns(cols), suite, four);
            assertEquals(serial.root(), parallel.root());
            assertEquals(16, parallel.depth());
            SplittableRandom rnd = new SplittableRandom(5);
            for (int k = 0; k < 64; k++) {
                int i = rnd.nextInt(rows);
                assertArrayEquals(serial.path(i), parallel.path(i));
                assertTrue(MerkleTree.verify(suite, parallel.root(), i, row(cols, i), parallel.path(i), 16));
            }
            // the blocks and the levels above them meet correctly: compare with a naive top
            assertEquals(naiveRootLevelByLevel(suite, cols), serial.root());
        } finally {
            one.shutdown();
            four.shutdown();
        }
    }

    /** Root recomputed naively from leaf hashes (sequential, reference hashes). */
    private static Digest naiveRootLevelByLevel(HashSuite suite, int[][] cols) {
        int n = cols[0].length;
        Digest[] level = new Digest[n];
        for (int i = 0; i < n; i++) {
            level[i] = ReferenceHashes.leaf(suite, row(cols, i));
        }
        while (level.length > 1) {
            Digest[] up = new Digest[level.length / 2];
            for (int i = 0; i < up.length; i++) {
                up[i] = ReferenceHashes.node(suite, level[2 * i], level[2 * i + 1]);
            }
            level = up;
        }
        return level[0];
    }
}
