package dev.bentoj.zkvm.hash;

import dev.bentoj.zkvm.field.BabyBear;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HashSuiteTest {
    private static int[] montRange(int n) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = BabyBear.toMont(i);
        }
        return v;
    }

    private static int[] randomRow(SplittableRandom rnd, int width) {
        int[] v = new int[width];
        for (int i = 0; i < width; i++) {
            v[i] = rnd.nextInt(BabyBear.P);
        }
        return v;
    }

    @Test
    void idsAreTheProofHeaderBytes() {
        assertEquals(1, HashSuite.POSEIDON2_24.id());
        assertEquals(2, HashSuite.SHA256.id());
        for (HashSuite s : HashSuite.values()) {
            assertSame(s, HashSuite.ofId(s.id()));
        }
        for (int unknown : new int[] {0, 3, 255, -1}) {
            assertThrows(IllegalArgumentException.class, () -> HashSuite.ofId(unknown));
        }
    }

    /** Computed with Python's hashlib: SHA-256(0x01 ‖ u32 LE values), SHA-256(0x02 ‖ left ‖ right), words mod p. */
    @Test
    void sha256MatchesIndependentVectors() {
        Digest h16 = HashSuite.SHA256.hashLeaf(montRange(16));
        Digest h32 = HashSuite.SHA256.hashLeaf(montRange(32));
        assertArrayEquals(new int[] {1833515682, 421695665, 1894132569, 292296600, 830397976, 1598417723,
            1843161449, 1515605231}, h16.toCanonical());
        assertArrayEquals(new int[] {90735886, 835793004, 1756796723, 986608483, 988637708, 1506402763,
            1340828464, 718910942}, h32.toCanonical());
        assertArrayEquals(new int[] {946386090, 512614718, 182122468, 409314439, 563033003, 1776245204,
            1785930222, 1286104283}, HashSuite.SHA256.compress(h16, h32).toCanonical());
        assertArrayEquals(new int[] {789771595, 1297368371, 1127145018, 1807209099, 1577738448, 763740976,
            1021496535, 574981494}, HashSuite.SHA256.hashLeaf(new int[0]).toCanonical());
    }

    /** One hasher, reused across widths (its buffer grows, then serves narrower rows and nodes), equals the reference. */
    @ParameterizedTest
    @EnumSource(HashSuite.class)
    void aReusedHasherEqualsTheReference(HashSuite suite) {
        SplittableRandom rnd = new SplittableRandom(suite.id());
        MerkleHasher hasher = suite.newHasher();
        int[] out = new int[Digest.SIZE + 3];
        for (int width : new int[] {206, 0, 1, 15, 16, 17, 64, 330, 8}) {
            int[] row = randomRow(rnd, width);
            int[] padded = new int[width + 7]; // cells around the row are ignored
            Arrays.fill(padded, 1);
            System.arraycopy(row, 0, padded, 2, width);
            hasher.hashLeaf(padded, 2, width, out, 3);
            assertArrayEquals(ReferenceHashes.leaf(suite, row).elements(),
                    Arrays.copyOfRange(out, 3, 3 + Digest.SIZE), "width " + width);

            Digest left = new Digest(randomRow(rnd, Digest.SIZE));
            Digest right = new Digest(randomRow(rnd, Digest.SIZE));
            int[] children = new int[2 + 2 * Digest.SIZE];
            left.copyTo(children, 2);
            right.copyTo(children, 2 + Digest.SIZE);
            hasher.compress(children, 2, out, 0);
            assertArrayEquals(ReferenceHashes.node(suite, left, right).elements(),
                    Arrays.copyOf(out, Digest.SIZE), "node after width " + width);
        }
    }

    @Test
    void collisionBoundsAreThoseOfSection51() {
        assertEquals(123.63, HashSuite.POSEIDON2_24.collisionBits(), 0.01);
        // SHA-256 words reduced mod p lose a little to the bias of the reduction.
        assertEquals(123.48, HashSuite.SHA256.collisionBits(), 0.01);
    }
}
