package dev.bentoj.zkvm.hash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bentoj.zkvm.field.BabyBear;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class Poseidon2Test {

    private static final Poseidon2Hasher HASHER = Poseidon2Hasher.INSTANCE;

    private static int[] mont(int... canonical) {
        int[] out = new int[canonical.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = BabyBear.toMont(canonical[i]);
        }
        return out;
    }

    private static int[] canonical(int[] mont) {
        int[] out = new int[mont.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = BabyBear.fromMont(mont[i]);
        }
        return out;
    }

    /** 0, 1, …, n−1 in Montgomery form. */
    private static int[] range(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = BabyBear.toMont(i);
        }
        return out;
    }

    @Nested
    class RoundConstants {

        @Test
        void grainLfsrReproducesTheHorizenLabsWidth24Constants() {
            assertEquals(0x0fa20c37, BabyBear.fromMont(Poseidon2Constants.EXTERNAL_24[0]));
            assertEquals(0x1da78ec2, BabyBear.fromMont(Poseidon2Constants.INTERNAL_24[0]));
            assertEquals(8 * 24, Poseidon2Constants.EXTERNAL_24.length);
            assertEquals(21, Poseidon2Constants.INTERNAL_24.length);
        }

        @Test
        void grainLfsrReproducesTheHorizenLabsWidth16Constants() {
            assertEquals(0x69cbb6af, BabyBear.fromMont(Poseidon2Constants.EXTERNAL_16[0]));
            assertEquals(0x5a8053c0, BabyBear.fromMont(Poseidon2Constants.INTERNAL_16[0]));
            assertEquals(8 * 16, Poseidon2Constants.EXTERNAL_16.length);
            assertEquals(13, Poseidon2Constants.INTERNAL_16.length);
        }

        @Test
        void constantsAreSplitInGenerationOrder() {
            // generation order: 4 external rows, R_P internal values, 4 external rows
            int[] rc = Poseidon2Constants.grainRoundConstants(24, 8, 21);
            assertEquals(8 * 24 + 21, rc.length);
            int[] external = canonical(Poseidon2Constants.EXTERNAL_24);
            int[] internal = canonical(Poseidon2Constants.INTERNAL_24);
            assertArrayEquals(Arrays.copyOfRange(rc, 0, 96), Arrays.copyOfRange(external, 0, 96));
            assertArrayEquals(Arrays.copyOfRange(rc, 96, 117), internal);
            assertArrayEquals(Arrays.copyOfRange(rc, 117, 213), Arrays.copyOfRange(external, 96, 192));
            for (int c : rc) {
                assertEquals(true, c >= 0 && c < BabyBear.P);
            }
        }

        @Test
        void internalDiagonalsAreTheSpecifiedValues() {
            assertEquals(0x0a632d94, BabyBear.fromMont(Poseidon2Constants.DIAG_16[0]));
            assertEquals(0x5231c802, BabyBear.fromMont(Poseidon2Constants.DIAG_16[15]));
            assertEquals(0x409133f0, BabyBear.fromMont(Poseidon2Constants.DIAG_24[0]));
            assertEquals(0x36c0e388, BabyBear.fromMont(Poseidon2Constants.DIAG_24[23]));
        }
    }

    @Nested
    class Permutation {

        @Test
        void width24MatchesHorizenLabsKnownAnswer() {
            int[] state = range(24);
            Poseidon2.T24.permute(state);
            int[] expected = {
                0x2ed3e23d, 0x12921fb0, 0x0e659e79, 0x61d81dc9, 0x32bae33b, 0x62486ae3,
                0x1e681b60, 0x24b91325, 0x2a2ef5b9, 0x50e8593e, 0x5bc818ec, 0x10691997,
                0x35a14520, 0x2ba6a3c5, 0x279d47ec, 0x55014e81, 0x5953a67f, 0x2f403111,
                0x6b8828ff, 0x1801301f, 0x2749207a, 0x3dc9cf21, 0x3c985ba2, 0x57a99864,
            };
            assertArrayEquals(expected, canonical(state));
        }

        @Test
        void width16MatchesPlonky3HorizenLabsRangeKnownAnswer() {
            int[] state = range(16);
            Poseidon2.T16.permute(state);
            int[] expected = {
                896560466, 771677727, 128113032, 1378976435, 160019712, 1452738514,
                682850273, 223500421, 501450187, 1804685789, 1671399593, 1788755219,
                1736880027, 1352180784, 1928489698, 1128802977,
            };
            assertArrayEquals(expected, canonical(state));
        }

        @Test
        void width16OfZeroesMatchesPlonky3HorizenLabsKnownAnswer() {
            int[] state = new int[16];
            Poseidon2.T16.permute(state);
            assertEquals(1337856655, BabyBear.fromMont(state[0]));
            assertEquals(1843094405, BabyBear.fromMont(state[1]));
        }

        @Test
        void outputIsReducedForExtremeInputs() {
            int[] state = new int[24];
            Arrays.fill(state, BabyBear.toMont(BabyBear.P - 1));
            for (int round = 0; round < 100; round++) {
                Poseidon2.T24.permute(state);
                for (int v : state) {
                    assertEquals(true, v >= 0 && v < BabyBear.P, "cell " + v + " out of range");
                }
            }
        }

        @Test
        void permuteRejectsAStateOfTheWrongWidth() {
            assertThrows(IllegalArgumentException.class, () -> Poseidon2.T24.permute(new int[16]));
            assertThrows(IllegalArgumentException.class, () -> Poseidon2.T16.permute(new int[24]));
            assertEquals(24, Poseidon2.T24.width());
            assertEquals(16, Poseidon2.T16.width());
        }
    }

    @Nested
    class Hashing {

        @Test
        void hashLeafOfSixteenElementsMatchesTheSpecVector() {
            Digest d = HASHER.hashLeaf(range(16), 0, 16);
            assertArrayEquals(new int[] {1409604539, 1439777534, 672523843, 1451514766,
                594369957, 1019845261, 454792386, 121666652}, d.toCanonical());
        }

        @Test
        void hashLeafOfThirtyTwoElementsMatchesTheSpecVector() {
            Digest d = HASHER.hashLeaf(range(32), 0, 32);
            assertArrayEquals(new int[] {1731068545, 1560823523, 362662779, 1448813976,
                514001154, 1034797645, 295789115, 1594612105}, d.toCanonical());
        }

        @Test
        void compressMatchesTheSpecVector() {
            Digest left = HASHER.hashLeaf(range(16), 0, 16);
            Digest right = HASHER.hashLeaf(range(32), 0, 32);
            assertArrayEquals(new int[] {573227133, 1428076543, 1727287716, 1729448336,
                1959422622, 1170262543, 396902081, 1551379184},
                    HASHER.compress(left, right).toCanonical());
            assertNotEquals(HASHER.compress(left, right), HASHER.compress(right, left));
        }

        @Test
        void emptyLeafHashesOneZeroChunkWithTagAndLength() {
            int[] state = new int[24];
            state[16] = BabyBear.toMont(Poseidon2Hasher.LEAF);
            Poseidon2.T24.permute(state);
            assertArrayEquals(Arrays.copyOf(state, 8), HASHER.hashLeaf(new int[0], 0, 0).elements());
        }

        @Test
        void lengthInTheCapacityKeepsZeroPaddingUnambiguous() {
            int[] elems = range(17);
            elems[15] = 0;
            elems[16] = 0;
            Digest fifteen = HASHER.hashLeaf(elems, 0, 15);
            Digest sixteen = HASHER.hashLeaf(elems, 0, 16);
            Digest seventeen = HASHER.hashLeaf(elems, 0, 17);
            assertNotEquals(fifteen, sixteen);
            assertNotEquals(sixteen, seventeen);
        }

        @Test
        void leafCannotPoseAsNode() {
            Digest a = HASHER.hashLeaf(range(3), 0, 3);
            Digest b = HASHER.hashLeaf(range(5), 0, 5);
            int[] children = new int[16];
            a.copyTo(children, 0);
            b.copyTo(children, 8);
            assertNotEquals(HASHER.compress(a, b), HASHER.hashLeaf(children, 0, 16));
        }

        @Test
        void hashLeafReadsOnlyTheGivenSlice() {
            int[] big = range(40);
            int[] slice = Arrays.copyOfRange(big, 5, 26);
            assertEquals(HASHER.hashLeaf(slice, 0, slice.length), HASHER.hashLeaf(big, 5, 21));
            assertThrows(IndexOutOfBoundsException.class, () -> HASHER.hashLeaf(big, 30, 11));
            assertThrows(IndexOutOfBoundsException.class, () -> HASHER.hashLeaf(big, -1, 2));
        }

        @Test
        void imageTagSeparatesImageIdsFromLeaves() {
            int[] elems = range(20);
            assertEquals(HASHER.hashLeaf(elems, 0, 20),
                    HASHER.hashTagged(Poseidon2Hasher.LEAF, elems, 0, 20));
            assertNotEquals(HASHER.hashLeaf(elems, 0, 20),
                    HASHER.hashTagged(Poseidon2Hasher.IMAGE, elems, 0, 20));
        }

        @Test
        void hashTaggedRejectsTheNodeAndTranscriptTags() {
            int[] elems = range(4);
            assertThrows(IllegalArgumentException.class,
                    () -> HASHER.hashTagged(Poseidon2Hasher.NODE, elems, 0, 4));
            assertThrows(IllegalArgumentException.class,
                    () -> HASHER.hashTagged(Poseidon2Hasher.TRANSCRIPT, elems, 0, 4));
            assertThrows(IllegalArgumentException.class, () -> HASHER.hashTagged(0, elems, 0, 4));
            assertThrows(IllegalArgumentException.class,
                    () -> HASHER.hashTagged(BabyBear.P, elems, 0, 4));
        }

        @Test
        void concurrentHashingGivesTheSameDigests() throws Exception {
            int[] elems = range(100);
            Digest expected = HASHER.hashLeaf(elems, 0, 100);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    results.add(pool.submit(() -> {
                        for (int i = 0; i < 500; i++) {
                            if (!HASHER.hashLeaf(elems, 0, 100).equals(expected)) {
                                return false;
                            }
                        }
                        return true;
                    }));
                }
                for (Future<Boolean> r : results) {
                    assertEquals(true, r.get());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Nested
    class DigestEncoding {

        private final Digest sample = HASHER.hashLeaf(range(16), 0, 16);

        @Test
        void bytesAreCanonicalLittleEndianWords() {
            Digest d = Digest.fromCanonical(1, 0x01020304, 0, 0, 0, 0, 0, BabyBear.P - 1);
            byte[] b = d.toBytes();
            assertEquals(32, b.length);
            assertArrayEquals(new byte[] {1, 0, 0, 0, 4, 3, 2, 1}, Arrays.copyOf(b, 8));
            assertArrayEquals(new byte[] {0, 0, 0, 0x78}, Arrays.copyOfRange(b, 28, 32)); // p − 1
            assertEquals("0100000004030201", d.toHex().substring(0, 16));
        }

        @Test
        void bytesAndHexRoundTrip() {
            assertEquals(sample, Digest.fromBytes(sample.toBytes()));
            assertEquals(sample, Digest.fromHex(sample.toHex()));
            assertEquals(64, sample.toHex().length());
            assertEquals(sample.toHex(), sample.toHex().toLowerCase());
            assertEquals("0".repeat(64), Digest.ZERO.toHex());
            assertEquals(Digest.ZERO, Digest.fromHex("0".repeat(64)));
        }

        @Test
        void nonCanonicalWordsAreRejected() {
            byte[] b = sample.toBytes();
            // word 3 = p (0x78000001), the smallest non-canonical value
            b[12] = 0x01;
            b[13] = 0x00;
            b[14] = 0x00;
            b[15] = 0x78;
            assertThrows(IllegalArgumentException.class, () -> Digest.fromBytes(b));
            b[15] = (byte) 0xff;
            assertThrows(IllegalArgumentException.class, () -> Digest.fromBytes(b));
            String pHex = "01000078" + "00".repeat(28);
            assertThrows(IllegalArgumentException.class, () -> Digest.fromHex(pHex));
            assertThrows(IllegalArgumentException.class,
                    () -> Digest.fromCanonical(0, 0, 0, 0, 0, 0, 0, BabyBear.P));
            assertThrows(IllegalArgumentException.class,
                    () -> new Digest(new int[] {0, 0, 0, 0, 0, 0, -1, 0}));
        }

        @Test
        void malformedHexIsRejected() {
            String hex = sample.toHex();
            assertThrows(IllegalArgumentException.class, () -> Digest.fromHex(hex.toUpperCase()));
            assertThrows(IllegalArgumentException.class, () -> Digest.fromHex("0x" + hex.substring(2)));
            assertThrows(IllegalArgumentException.class, () -> Digest.fromHex(hex.substring(1)));
            assertThrows(IllegalArgumentException.class, () -> Digest.fromHex(hex + "0"));
            assertThrows(IllegalArgumentException.class, () -> Digest.fromHex(" " + hex.substring(1)));
            assertThrows(IllegalArgumentException.class, () -> Digest.fromHex(""));
        }

        @Test
        void wrongLengthsAreRejected() {
            assertThrows(IllegalArgumentException.class, () -> Digest.fromBytes(new byte[31]));
            assertThrows(IllegalArgumentException.class, () -> Digest.fromBytes(new byte[33]));
            assertThrows(IllegalArgumentException.class, () -> new Digest(new int[7]));
        }

        @Test
        void digestIsImmutableAndComparedByContent() {
            int[] elems = sample.elements();
            Digest copy = new Digest(elems);
            elems[0] = 0;
            assertEquals(sample, copy);
            assertEquals(sample.hashCode(), copy.hashCode());
            copy.elements()[0] = 0;
            assertEquals(sample, copy);
            assertNotEquals(sample, Digest.ZERO);
        }
    }
}
