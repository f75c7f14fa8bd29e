package dev.bentoj.zkvm.field;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Fp4 = F_p[X]/(X^4 − 11) against a BigInteger polynomial reference. */
class ExtTest {

    private static final BigInteger P = BigInteger.valueOf(BabyBear.P);
    private static final BigInteger W = BigInteger.valueOf(11);
    private static final int SAMPLES = 20_000;

    // ------------------------------------------------------------ reference (canonical coords)

    private static BigInteger[] ref(Ext a) {
        int[] c = a.toCanonical();
        return new BigInteger[] {BigInteger.valueOf(c[0]), BigInteger.valueOf(c[1]),
                BigInteger.valueOf(c[2]), BigInteger.valueOf(c[3])};
    }

    private static Ext ext(BigInteger[] c) {
        return Ext.fromCanonical(c[0].intValueExact(), c[1].intValueExact(),
                c[2].intValueExact(), c[3].intValueExact());
    }

    /** Schoolbook product of degree ≤ 6, then X^(4+k) = 11·X^k. */
    private static BigInteger[] refMul(BigInteger[] a, BigInteger[] b) {
        BigInteger[] prod = new BigInteger[7];
        java.util.Arrays.fill(prod, BigInteger.ZERO);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                prod[i + j] = prod[i + j].add(a[i].multiply(b[j]));
            }
        }
        BigInteger[] r = new BigInteger[4];
        for (int k = 0; k < 4; k++) {
            BigInteger high = k + 4 < 7 ? prod[k + 4] : BigInteger.ZERO;
            r[k] = prod[k].add(W.multiply(high)).mod(P);
        }
        return r;
    }

    private static BigInteger[] refPow(BigInteger[] a, BigInteger e) {
        BigInteger[] result = {BigInteger.ONE, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO};
        for (int i = e.bitLength() - 1; i >= 0; i--) {
            result = refMul(result, result);
            if (e.testBit(i)) {
                result = refMul(result, a);
            }
        }
        return result;
    }

    /** a^(p^4 − 2): the inverse by Lagrange, independent of the norm trick. */
    private static BigInteger[] refInv(BigInteger[] a) {
        return refPow(a, P.pow(4).subtract(BigInteger.TWO));
    }

    private static Ext random(SplittableRandom rnd) {
        // Some coordinates at the edges 0, 1, p − 1 to exercise the reductions.
        int[] c = new int[4];
        for (int k = 0; k < 4; k++) {
            int pick = rnd.nextInt(8);
            c[k] = pick == 0 ? 0 : pick == 1 ? 1 : pick == 2 ? BabyBear.P - 1 : rnd.nextInt(BabyBear.P);
        }
        return Ext.fromCanonical(c);
    }

    // ------------------------------------------------------------ tests

    @Test
    void productMatchesPolynomialReference() {
        SplittableRandom rnd = new SplittableRandom(41);
        for (int i = 0; i < SAMPLES; i++) {
            Ext a = random(rnd);
            Ext b = random(rnd);
            assertEquals(ext(refMul(ref(a), ref(b))), a.mul(b), () -> a + " · " + b);
            assertEquals(a.mul(a), a.square());
        }
    }

    @Test
    void xToTheFourthIsEleven() {
        Ext x = Ext.fromCanonical(0, 1, 0, 0);
        assertEquals(Ext.fromCanonical(11, 0, 0, 0), x.pow(4));
        assertEquals(Ext.fromCanonical(0, 0, 0, 1), x.pow(3));
    }

    @Test
    void inverseMatchesLagrangeInverse() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < 500; i++) {
            Ext a = random(rnd);
            if (a.isZero()) {
                continue;
            }
            Ext inv = a.inv();
            assertEquals(ext(refInv(ref(a))), inv, () -> "inverse of " + a);
            assertEquals(Ext.ONE, a.mul(inv));
        }
        assertEquals(Ext.ONE, Ext.ONE.inv());
        assertEquals(Ext.fromCanonical((int) BigInteger.valueOf(11).modInverse(P).longValue(), 0, 0, 0),
                Ext.fromCanonical(11, 0, 0, 0).inv());
    }

    @Test
    void powerMatchesReference() {
        SplittableRandom rnd = new SplittableRandom(43);
        for (int i = 0; i < 500; i++) {
            Ext a = random(rnd);
            long e = rnd.nextLong() >>> (1 + rnd.nextInt(63));   // non-negative, all sizes
            assertEquals(ext(refPow(ref(a), BigInteger.valueOf(e))), a.pow(e), () -> a + "^" + e);
        }
        Ext a = random(rnd);
        assertEquals(Ext.ONE, a.pow(0));
        assertEquals(Ext.ONE, Ext.ZERO.pow(0));
        assertEquals(a, a.pow(1));
        assertThrows(IllegalArgumentException.class, () -> a.pow(-1));
    }

    @Test
    void groupOrderAnnihilatesNonZeroElements() {
        // a^(p^4 − 1) = 1, computed with two long exponents: p^4 − 1 = (p² − 1)(p² + 1).
        long p2 = (long) BabyBear.P * BabyBear.P;
        Ext a = Ext.fromCanonical(3, 1, 4, 1);
        assertEquals(Ext.ONE, a.pow(p2 - 1).pow(p2 + 1));
    }

    @Test
    void zeroHasNoInverse() {
        assertThrows(ArithmeticException.class, Ext.ZERO::inv);
        int[] zero = new int[4];
        int[] out = {1, 2, 3, 4};
        assertThrows(ArithmeticException.class, () -> Fp4.inv(zero, 0, out, 0));
        assertArrayEquals(new int[] {1, 2, 3, 4}, out, "output untouched on failure");
    }

    @Test
    void additionSubtractionNegationAndBaseProduct() {
        SplittableRandom rnd = new SplittableRandom(44);
        for (int i = 0; i < SAMPLES; i++) {
            Ext a = random(rnd);
            Ext b = random(rnd);
            BigInteger[] ra = ref(a);
            BigInteger[] rb = ref(b);
            BigInteger[] sum = new BigInteger[4];
            BigInteger[] diff = new BigInteger[4];
            for (int k = 0; k < 4; k++) {
                sum[k] = ra[k].add(rb[k]).mod(P);
                diff[k] = ra[k].subtract(rb[k]).mod(P);
            }
            assertEquals(ext(sum), a.add(b));
            assertEquals(ext(diff), a.sub(b));
            assertEquals(Ext.ZERO, a.add(a.neg()));
            int s = b.c0();
            assertEquals(a.mul(Ext.fromBase(s)), a.mulBase(s));
        }
    }

    @Test
    void canonicalConversionsRoundTripAndRejectOutOfRange() {
        Ext a = Ext.fromCanonical(0, 1, BabyBear.P - 1, 12345);
        assertArrayEquals(new int[] {0, 1, BabyBear.P - 1, 12345}, a.toCanonical());
        assertEquals(BabyBear.ONE, a.c1(), "coordinates are Montgomery form");
        assertThrows(IllegalArgumentException.class, () -> Ext.fromCanonical(0, 0, 0, BabyBear.P));
        assertThrows(IllegalArgumentException.class, () -> Ext.fromCanonical(-1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Ext.fromCanonical(1, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> new Ext(BabyBear.P, 0, 0, 0));
        assertTrue(Ext.ZERO.isZero());
        assertFalse(Ext.ONE.isZero());
        assertEquals(Ext.fromCanonical(1, 0, 0, 0), Ext.ONE);
        assertEquals(Ext.fromCanonical(5, 6, 7, 8), Ext.fromCanonical(5, 6, 7, 8));
        assertEquals(Ext.fromCanonical(5, 6, 7, 8).hashCode(), Ext.fromCanonical(5, 6, 7, 8).hashCode());
        assertNotEquals(Ext.fromCanonical(5, 6, 7, 8), Ext.fromCanonical(5, 6, 8, 7));
        assertEquals("Ext[0, 1, 2013265920, 12345]", a.toString());
    }

    @Test
    void arrayKernelsAgreeWithValueArithmeticIncludingAliasing() {
        SplittableRandom rnd = new SplittableRandom(45);
        int[] buf = new int[12];
        for (int i = 0; i < 2_000; i++) {
            Ext a = random(rnd);
            Ext b = random(rnd);
            System.arraycopy(a.toArray(), 0, buf, 1, 4);
            System.arraycopy(b.toArray(), 0, buf, 6, 4);
            Fp4.mul(buf, 1, buf, 6, buf, 1);   // out aliases a
            assertEquals(a.mul(b), Ext.fromArray(buf, 1));
            Fp4.add(buf, 1, buf, 6, buf, 6);   // out aliases b
            assertEquals(a.mul(b).add(b), Ext.fromArray(buf, 6));
            Fp4.sub(buf, 6, buf, 1, buf, 2);
            assertEquals(b, Ext.fromArray(buf, 2));
            Fp4.mulBase(a.toArray(), 0, b.c2(), buf, 0);
            assertEquals(a.mulBase(b.c2()), Ext.fromArray(buf, 0));
            Fp4.square(a.toArray(), 0, buf, 8);
            assertEquals(a.square(), Ext.fromArray(buf, 8));
        }
    }

    @Test
    void batchInverseMatchesSingleInverses() {
        SplittableRandom rnd = new SplittableRandom(46);
        int count = 257;
        int[] in = new int[3 + 4 * count];
        Ext[] elems = new Ext[count];
        for (int k = 0; k < count; k++) {
            Ext e;
            do {
                e = random(rnd);
            } while (e.isZero());
            elems[k] = e;
            System.arraycopy(e.toArray(), 0, in, 3 + 4 * k, 4);
        }
        int[] out = new int[4 * count];
        Fp4.batchInverse(in, 3, out, 0, count);
        for (int k = 0; k < count; k++) {
            assertEquals(elems[k].inv(), Ext.fromArray(out, 4 * k), "element " + k);
        }
        Fp4.batchInverse(in, 3, in, 3, count);   // in place
        for (int k = 0; k < count; k++) {
            assertEquals(elems[k].inv(), Ext.fromArray(in, 3 + 4 * k), "in place, element " + k);
        }
        Fp4.batchInverse(in, 0, out, 0, 0);      // empty batch is a no-op
    }

    @Test
    void batchInverseRejectsZeroAndLeavesOutputUntouched() {
        int[] in = {BabyBear.ONE, 0, 0, 0, 0, 0, 0, 0, BabyBear.ONE, 0, 0, 0};
        int[] out = new int[12];
        java.util.Arrays.fill(out, 7);
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> Fp4.batchInverse(in, 0, out, 0, 3));
        assertTrue(e.getMessage().contains("element 1"), e.getMessage());
        for (int v : out) {
            assertEquals(7, v);
        }
    }
}
