package dev.bentoj.zkvm.field;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BabyBearTest {

    private static final BigInteger BIG_P = BigInteger.valueOf(BabyBear.P);
    private static final int[] EDGES = {0, 1, 2, BabyBear.P - 2, BabyBear.P - 1};
    private static final int RANDOM_PAIRS = 200_000;

    /** Canonical operands: the edges crossed with themselves, then random pairs (fixed seed). */
    private static int[][] operandPairs() {
        SplittableRandom rnd = new SplittableRandom(0xBABEBEA7L);
        int[][] pairs = new int[EDGES.length * EDGES.length + RANDOM_PAIRS][];
        int k = 0;
        for (int a : EDGES) {
            for (int b : EDGES) {
                pairs[k++] = new int[] {a, b};
            }
        }
        while (k < pairs.length) {
            pairs[k++] = new int[] {rnd.nextInt(BabyBear.P), rnd.nextInt(BabyBear.P)};
        }
        return pairs;
    }

    private static int canonical(BigInteger x) {
        return x.mod(BIG_P).intValueExact();
    }

    private static BigInteger big(long x) {
        return BigInteger.valueOf(x);
    }

    @Test
    void montgomeryConstantsMatchTheirDefinitions() {
        BigInteger r = BigInteger.ONE.shiftLeft(32);
        assertEquals(2013265921, BabyBear.P);
        assertEquals(BigInteger.ONE, big(BabyBear.MU).multiply(BIG_P).mod(r), "MU·P ≡ 1 mod 2^32");
        assertEquals(canonical(r), BabyBear.ONE, "ONE = 2^32 mod p");
        assertEquals(canonical(r.multiply(r)), BabyBear.R2, "R2 = 2^64 mod p");
        assertEquals(0x0FFFFFFE, BabyBear.ONE);
        assertEquals(0x45DDDDE3, BabyBear.R2);
        assertEquals(BabyBear.ONE, BabyBear.toMont(1));
        assertEquals(0, BabyBear.ZERO);
        assertEquals(31, BabyBear.fromMont(BabyBear.GENERATOR));
    }

    @Test
    void montgomeryConversionRoundTripsAndStaysInRange() {
        for (int[] pair : operandPairs()) {
            int m = BabyBear.toMont(pair[0]);
            assertTrue(m >= 0 && m < BabyBear.P);
            assertEquals(canonical(big(pair[0]).shiftLeft(32)), m);
            assertEquals(pair[0], BabyBear.fromMont(m));
        }
    }

    @Test
    void addSubNegMulSquareAgreeWithBigInteger() {
        for (int[] pair : operandPairs()) {
            int a = pair[0];
            int b = pair[1];
            int ma = BabyBear.toMont(a);
            int mb = BabyBear.toMont(b);
            assertEquals(canonical(big(a).add(big(b))), BabyBear.fromMont(BabyBear.add(ma, mb)));
            assertEquals(canonical(big(a).subtract(big(b))), BabyBear.fromMont(BabyBear.sub(ma, mb)));
            assertEquals(canonical(big(a).negate()), BabyBear.fromMont(BabyBear.neg(ma)));
            assertEquals(canonical(big(a).multiply(big(b))), BabyBear.fromMont(BabyBear.mul(ma, mb)));
            assertEquals(canonical(big(a).multiply(big(a))), BabyBear.fromMont(BabyBear.square(ma)));
            int sum = BabyBear.add(ma, mb);
            int product = BabyBear.mul(ma, mb);
            assertTrue(sum >= 0 && sum < BabyBear.P && product >= 0 && product < BabyBear.P);
        }
    }

    @Test
    void inverseAgreesWithBigIntegerAndMultipliesToOne() {
        int[][] pairs = operandPairs();
        for (int i = 0; i < pairs.length; i += 10) {
            int a = pairs[i][0];
            if (a == 0) {
                continue;
            }
            int ma = BabyBear.toMont(a);
            int inv = BabyBear.inv(ma);
            assertEquals(big(a).modInverse(BIG_P).intValueExact(), BabyBear.fromMont(inv));
            assertEquals(BabyBear.ONE, BabyBear.mul(ma, inv));
        }
        assertEquals(BabyBear.ONE, BabyBear.inv(BabyBear.ONE));
        assertEquals(BabyBear.toMont(BabyBear.P - 1), BabyBear.inv(BabyBear.toMont(BabyBear.P - 1)));
    }

    @Test
    void inverseOfZeroIsRejected() {
        assertThrows(ArithmeticException.class, () -> BabyBear.inv(BabyBear.ZERO));
    }

    @Test
    void powAgreesWithBigInteger() {
        SplittableRandom rnd = new SplittableRandom(7);
        long[] exponents = {0, 1, 2, 7, BabyBear.P - 2, BabyBear.P - 1, BabyBear.P, Long.MAX_VALUE};
        for (int a : EDGES) {
            for (long e : exponents) {
                assertEquals(big(a).modPow(big(e), BIG_P).intValueExact(),
                        BabyBear.fromMont(BabyBear.pow(BabyBear.toMont(a), e)), a + "^" + e);
            }
        }
        for (int i = 0; i < 20_000; i++) {
            int a = rnd.nextInt(BabyBear.P);
            long e = rnd.nextLong(Long.MAX_VALUE);
            assertEquals(big(a).modPow(big(e), BIG_P).intValueExact(),
                    BabyBear.fromMont(BabyBear.pow(BabyBear.toMont(a), e)));
        }
        assertThrows(IllegalArgumentException.class, () -> BabyBear.pow(BabyBear.ONE, -1));
    }

    @Test
    void sevenIsAPermutationExponentInvertedBy1725656503() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 1_000; i++) {
            int x = BabyBear.toMont(rnd.nextInt(BabyBear.P));
            assertEquals(x, BabyBear.pow(BabyBear.pow(x, 7), 1725656503L));
        }
    }

    @Test
    void batchInverseMatchesSingleInverses() {
        SplittableRandom rnd = new SplittableRandom(3);
        int[] in = new int[1000];
        for (int i = 0; i < in.length; i++) {
            in[i] = BabyBear.toMont(1 + rnd.nextInt(BabyBear.P - 1));
        }
        in[0] = BabyBear.ONE;
        in[1] = BabyBear.toMont(BabyBear.P - 1);
        int[] out = new int[in.length];
        BabyBear.batchInverse(in, out);
        for (int i = 0; i < in.length; i++) {
            assertEquals(BabyBear.inv(in[i]), out[i], "element " + i);
        }
        int[] inPlace = in.clone();
        BabyBear.batchInverse(inPlace, inPlace);
        assertArrayEquals(out, inPlace);

        int[] single = {BabyBear.toMont(5)};
        BabyBear.batchInverse(single, single);
        assertEquals(BabyBear.inv(BabyBear.toMont(5)), single[0]);
        BabyBear.batchInverse(new int[0], new int[0]);
    }

    @Test
    void batchInverseRejectsZeroAndLeavesOutputUntouched() {
        int[] in = {BabyBear.ONE, BabyBear.toMont(2), BabyBear.ZERO, BabyBear.toMont(4)};
        int[] out = {9, 9, 9, 9};
        assertThrows(ArithmeticException.class, () -> BabyBear.batchInverse(in, out));
        assertArrayEquals(new int[] {9, 9, 9, 9}, out);
    }

    @Test
    void rootsOfUnityMatchTheSpecification() {
        assertEquals(0x1A427A41, BabyBear.fromMont(BabyBear.rootOfUnity(27)));
        assertEquals(BabyBear.fromMont(BabyBear.pow(BabyBear.toMont(31), 15)),
                BabyBear.fromMont(BabyBear.rootOfUnity(27)));
        assertEquals(BabyBear.P - 1, BabyBear.fromMont(BabyBear.rootOfUnity(1)));
        assertEquals(0x67055C21, BabyBear.fromMont(BabyBear.rootOfUnity(2)));
        assertEquals(0x5EE99486, BabyBear.fromMont(BabyBear.rootOfUnity(3)));
        assertEquals(0x0BB4C4E4, BabyBear.fromMont(BabyBear.rootOfUnity(4)));
        assertEquals(0x0BA067A3, BabyBear.fromMont(BabyBear.rootOfUnity(20)));
        assertEquals(0x21FD55BC, BabyBear.fromMont(BabyBear.rootOfUnity(22)));
        assertEquals(BabyBear.ONE, BabyBear.rootOfUnity(0));
    }

    @Test
    void everyRootOfUnityIsPrimitive() {
        for (int k = 1; k <= 27; k++) {
            int w = BabyBear.rootOfUnity(k);
            assertEquals(BabyBear.ONE, BabyBear.pow(w, 1L << k), "ω_" + k + "^(2^" + k + ")");
            assertNotEquals(BabyBear.ONE, BabyBear.pow(w, 1L << (k - 1)), "ω_" + k + " is primitive");
        }
        assertThrows(IllegalArgumentException.class, () -> BabyBear.rootOfUnity(28));
        assertThrows(IllegalArgumentException.class, () -> BabyBear.rootOfUnity(-1));
    }

    @Test
    void generatorThirtyOneGeneratesTheMultiplicativeGroup() {
        // p − 1 = 2^27·3·5: g generates iff g^((p−1)/r) ≠ 1 for r = 2, 3, 5
        for (int r : new int[] {2, 3, 5}) {
            assertNotEquals(BabyBear.ONE, BabyBear.pow(BabyBear.GENERATOR, (BabyBear.P - 1L) / r));
        }
        assertEquals(BabyBear.ONE, BabyBear.pow(BabyBear.GENERATOR, BabyBear.P - 1L));
    }

    @Test
    void elevenIsTheSmallestNonResidue() {
        int minusOne = BabyBear.toMont(BabyBear.P - 1);
        long half = (BabyBear.P - 1L) / 2;
        for (int x : new int[] {2, 3, 5, 7}) {
            assertEquals(BabyBear.ONE, BabyBear.pow(BabyBear.toMont(x), half), x + " is a square");
        }
        assertEquals(minusOne, BabyBear.pow(BabyBear.toMont(11), half));
    }

    @Test
    void reduceAcceptsAnyNonNegativeLong() {
        long[] values = {0, 1, BabyBear.P - 1, BabyBear.P, BabyBear.P + 1L, 1L << 32,
            (long) BabyBear.P * BabyBear.P, Long.MAX_VALUE};
        for (long v : values) {
            assertEquals(big(v).mod(BIG_P).intValueExact(), BabyBear.fromMont(BabyBear.reduce(v)));
        }
        assertThrows(IllegalArgumentException.class, () -> BabyBear.reduce(-1));
    }

    @Test
    void fromCanonicalCheckedRejectsValuesOutsideTheField() {
        assertEquals(BabyBear.toMont(BabyBear.P - 1), BabyBear.fromCanonicalChecked(BabyBear.P - 1));
        assertEquals(BabyBear.ZERO, BabyBear.fromCanonicalChecked(0));
        assertThrows(IllegalArgumentException.class, () -> BabyBear.fromCanonicalChecked(BabyBear.P));
        assertThrows(IllegalArgumentException.class, () -> BabyBear.fromCanonicalChecked(-1));
        assertThrows(IllegalArgumentException.class,
                () -> BabyBear.fromCanonicalChecked(Integer.MAX_VALUE));
    }
}
