package dev.bentoj.zkvm.ntt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bentoj.zkvm.field.BabyBear;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** NTT and coset LDE against naive O(n²) transforms and against each other. */
class NttTest {

    /** A pool wider than the machine, so that the split-column paths run even on 2 cores. */
    private static final ForkJoinPool WIDE = new ForkJoinPool(4);
    private static final ForkJoinPool SINGLE = new ForkJoinPool(1);

    @AfterAll
    static void shutDownPools() {
        WIDE.shutdown();
        SINGLE.shutdown();
    }

    private static int[] randomColumn(SplittableRandom rnd, int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = BabyBear.toMont(rnd.nextInt(BabyBear.P));
        }
        return a;
    }

    private static int bitrev(int i, int log) {
        return log == 0 ? 0 : Integer.reverse(i) >>> (32 - log);
    }

    /** Σ_j c_j·x^j by Horner. */
    private static int evaluate(int[] coefficients, int x) {
        int acc = 0;
        for (int j = coefficients.length - 1; j >= 0; j--) {
            acc = BabyBear.add(BabyBear.mul(acc, x), coefficients[j]);
        }
        return acc;
    }

    /** Coefficients of the interpolant of values on ⟨ω_n⟩ (natural order), O(n²). */
    private static int[] naiveInterpolate(int[] values) {
        int n = values.length;
        int log = Integer.numberOfTrailingZeros(n);
        int omegaInv = BabyBear.inv(BabyBear.rootOfUnity(log));
        int nInv = BabyBear.inv(BabyBear.toMont(n));
        int[] c = new int[n];
        for (int j = 0; j < n; j++) {
            int step = BabyBear.pow(omegaInv, j);
            int x = BabyBear.ONE;
            int acc = 0;
            for (int i = 0; i < n; i++) {
                acc = BabyBear.add(acc, BabyBear.mul(values[i], x));
                x = BabyBear.mul(x, step);
            }
            c[j] = BabyBear.mul(acc, nInv);
        }
        return c;
    }

    @Test
    void forwardDifEvaluatesAtBitReversedPowers() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int log = 0; log <= 8; log++) {
            int n = 1 << log;
            int[] coefficients = randomColumn(rnd, n);
            int[] a = coefficients.clone();
            Ntt.forwardDif(a);
            int omega = BabyBear.rootOfUnity(log);
            for (int i = 0; i < n; i++) {
                int x = BabyBear.pow(omega, bitrev(i, log));
                assertEquals(evaluate(coefficients, x), a[i], "size 2^" + log + ", row " + i);
            }
        }
    }

    @Test
    void inverseDitRecoversNaiveCoefficients() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int log = 0; log <= 8; log++) {
            int[] values = randomColumn(rnd, 1 << log);
            int[] a = values.clone();
            Ntt.bitReverse(a);
            Ntt.inverseDit(a);
            assertArrayEquals(naiveInterpolate(values), a, "size 2^" + log);
        }
    }

    @Test
    void inverseUndoesForwardUpTo2To16() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int log = 0; log <= 16; log++) {
            int[] original = randomColumn(rnd, 1 << log);
            int[] a = original.clone();
            Ntt.forwardDif(a);
            Ntt.inverseDit(a);
            assertArrayEquals(original, a, "size 2^" + log);
        }
    }

    @Test
    void splitColumnTransformsEqualSingleThreadedOnes() {
        SplittableRandom rnd = new SplittableRandom(4);
        for (int log = 16; log <= 18; log++) {
            int[] original = randomColumn(rnd, 1 << log);
            int[] seq = original.clone();
            int[] par = original.clone();
            Ntt.forwardDif(seq);
            Ntt.forwardDif(par, WIDE);
            assertArrayEquals(seq, par, "forward, size 2^" + log);
            Ntt.inverseDit(seq);
            Ntt.inverseDit(par, WIDE);
            assertArrayEquals(seq, par, "inverse, size 2^" + log);
            assertArrayEquals(original, par, "round trip, size 2^" + log);
        }
    }

    @Test
    void bitReverseSwapsMirroredIndicesAndIsAnInvolution() {
        for (int log = 0; log <= 10; log++) {
            int n = 1 << log;
            int[] a = new int[n];
            for (int i = 0; i < n; i++) {
                a[i] = i;
            }
            Ntt.bitReverse(a);
            for (int i = 0; i < n; i++) {
                assertEquals(bitrev(i, log), a[i]);
            }
            Ntt.bitReverse(a);
            for (int i = 0; i < n; i++) {
                assertEquals(i, a[i]);
            }
        }
    }

    @Test
    void bitReverseCopyAgreesWithInPlaceBitReverse() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int log = 0; log <= 13; log++) {
            int[] src = randomColumn(rnd, 1 << log);
            int[] expected = src.clone();
            Ntt.bitReverse(expected);
            int[] dst = new int[(1 << log) + 3];   // longer than needed: the tail stays 0
            Ntt.bitReverseCopy(src, dst, log);
            assertArrayEquals(expected, java.util.Arrays.copyOf(dst, 1 << log), "size 2^" + log);
            assertEquals(0, dst[1 << log]);
        }
    }

    @Test
    void rejectsSizesThatAreNotPowersOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> Ntt.forwardDif(new int[3]));
        assertThrows(IllegalArgumentException.class, () -> Ntt.inverseDit(new int[0]));
        assertThrows(IllegalArgumentException.class, () -> Ntt.bitReverse(new int[6]));
        assertThrows(IllegalArgumentException.class,
                () -> Lde.extend(new int[][] {new int[4], new int[8]}, 1));
        assertThrows(IllegalArgumentException.class,
                () -> Lde.extend(new int[][] {new int[1 << 4]}, 24));
    }

    @Test
    void cosetPointsAreShiftTimesBitReversedPowers() {
        for (int log = 0; log <= 6; log++) {
            int[] x = Lde.cosetPoints(log, Lde.SHIFT);
            int omega = BabyBear.rootOfUnity(log);
            for (int r = 0; r < x.length; r++) {
                assertEquals(BabyBear.mul(BabyBear.toMont(31), BabyBear.pow(omega, bitrev(r, log))), x[r]);
            }
        }
    }

    @Test
    void ldeEqualsNaiveEvaluationOnTheShiftedDomain() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int logN = 0; logN <= 6; logN++) {
            for (int logBlowup = 0; logBlowup <= 3; logBlowup++) {
                int n = 1 << logN;
                int[][] trace = {randomColumn(rnd, n), randomColumn(rnd, n), randomColumn(rnd, n)};
                int[][] lde = Lde.extend(trace, logBlowup);
                int[] x = Lde.cosetPoints(logN + logBlowup, Lde.SHIFT);
                for (int c = 0; c < trace.length; c++) {
                    int[] coefficients = naiveInterpolate(trace[c]);
                    assertEquals(n << logBlowup, lde[c].length);
                    for (int r = 0; r < lde[c].length; r++) {
                        assertEquals(evaluate(coefficients, x[r]), lde[c][r],
                                "n = 2^" + logN + ", β = 2^" + logBlowup + ", column " + c + ", row " + r);
                    }
                }
            }
        }
    }

    @Test
    void coefficientsMatchNaiveInterpolationAndLeaveInputsAlone() {
        SplittableRandom rnd = new SplittableRandom(6);
        int[][] trace = {randomColumn(rnd, 64), randomColumn(rnd, 64)};
        int[][] copy = {trace[0].clone(), trace[1].clone()};
        int[][] coefficients = Lde.coefficients(trace);
        Lde.extend(trace, 2);
        for (int c = 0; c < trace.length; c++) {
            assertArrayEquals(naiveInterpolate(trace[c]), coefficients[c]);
            assertArrayEquals(copy[c], trace[c], "input untouched");
        }
    }

    @Test
    void interpolateCosetOfAnLdeHasZeroHighCoefficients() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int logN = 0; logN <= 12; logN += 3) {
            int n = 1 << logN;
            int[][] trace = {randomColumn(rnd, n)};
            int[] expected = Lde.coefficients(trace)[0];
            int logBlowup = 2;
            int[] lde = Lde.extend(trace, logBlowup)[0];
            int[] coefficients = Lde.interpolateCoset(lde, Lde.SHIFT);
            for (int j = 0; j < n << logBlowup; j++) {
                assertEquals(j < n ? expected[j] : 0, coefficients[j], "n = 2^" + logN + ", j = " + j);
            }
        }
    }

    @Test
    void interpolateCosetUndoesEvaluationOnAnyShift() {
        SplittableRandom rnd = new SplittableRandom(8);
        int log = 5;
        int[] coefficients = randomColumn(rnd, 1 << log);
        int shift = BabyBear.toMont(12345);
        int[] x = Lde.cosetPoints(log, shift);
        int[] values = new int[x.length];
        for (int r = 0; r < x.length; r++) {
            values[r] = evaluate(coefficients, x[r]);
        }
        assertArrayEquals(coefficients, Lde.interpolateCoset(values, shift));
    }

    @Test
    void extendCoefficientsEqualsExtendOfTheSamePolynomial() {
        SplittableRandom rnd = new SplittableRandom(9);
        int[][] trace = {randomColumn(rnd, 256), randomColumn(rnd, 256)};
        assertArrayEquals(Lde.extend(trace, 3), Lde.extendCoefficients(Lde.coefficients(trace), 3));
    }

    @Test
    void extendIntoReusedBuffersEqualsExtend() {
        SplittableRandom rnd = new SplittableRandom(12);
        int[][] trace = {randomColumn(rnd, 512), randomColumn(rnd, 512), randomColumn(rnd, 512)};
        int[][] out = new int[3][2048];
        java.util.Arrays.fill(out[1], 99);   // stale contents are overwritten
        Lde.extendInto(trace, 2, out, WIDE);
        assertArrayEquals(Lde.extend(trace, 2), out);
        assertThrows(IllegalArgumentException.class,
                () -> Lde.extendInto(trace, 2, new int[][] {new int[2048], new int[2048], new int[1024]}, WIDE));
        assertThrows(IllegalArgumentException.class, () -> Lde.extendInto(trace, 0, trace, WIDE));
    }

    @Test
    void ldeDoesNotDependOnThreadsOrColumnCount() {
        SplittableRandom rnd = new SplittableRandom(10);
        int[] column = randomColumn(rnd, 1 << 16);
        int[] other = randomColumn(rnd, 1 << 16);
        int[][] single = Lde.extend(new int[][] {column}, 2, SINGLE);
        int[][] split = Lde.extend(new int[][] {column}, 2, WIDE);   // one column split 4 ways
        int[][] many = Lde.extend(new int[][] {other, column, other, column, other}, 2, WIDE);
        assertArrayEquals(single[0], split[0]);
        assertArrayEquals(single[0], many[1]);
        assertArrayEquals(single[0], many[3]);
        assertArrayEquals(Lde.coefficients(new int[][] {column}, SINGLE)[0],
                Lde.coefficients(new int[][] {column}, WIDE)[0]);
        int[] coefficients = Lde.interpolateCoset(single[0], Lde.SHIFT);
        int[] expected = Lde.coefficients(new int[][] {column}, SINGLE)[0];
        for (int j = 0; j < coefficients.length; j++) {
            assertEquals(j < column.length ? expected[j] : 0, coefficients[j], "j = " + j);
        }
    }
}
