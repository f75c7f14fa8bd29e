package dev.bentoj.zkvm.field;

import java.util.Arrays;

/**
 * Hot-path arithmetic in K = Fp4 = F_p[X]/(X^4 − 11) on caller-supplied {@code int} arrays, with
 * no allocation per operation (see {@code spec/stark-protocol.md} §1).
 *
 * <p><b>Layout.</b> Every method here uses the <i>interleaved</i> layout: the element at offset
 * {@code i} of an array is {@code a[i] + a[i+1]·X + a[i+2]·X² + a[i+3]·X³}, four consecutive
 * Montgomery-form ints; the k-th element of a packed vector starts at offset {@code 4k}.
 * (K-valued trace columns are stored as four separate base columns elsewhere; a kernel
 * gathers them into this layout when it needs K products.) Outputs may alias inputs: each
 * method reads all its inputs before writing.
 */
public final class Fp4 {

    /** W = 11, with X^4 = W, in Montgomery form. */
    static final int W = BabyBear.toMont(11);

    /** −p^−1 mod 2^32, for the unsigned Montgomery reduction of {@link #reduceSum}. */
    private static final long NEG_MU = -BabyBear.MU & 0xFFFFFFFFL;

    private Fp4() {
    }

    /**
     * Montgomery-reduces a sum of two Montgomery products, x = a·b + c·d with all factors in
     * [0, p): returns x·2^−32 mod p in [0, p). Valid for 0 ≤ x &lt; 2p², which keeps
     * x + t·p below 2^64 (unsigned) and the quotient below 2p.
     */
    static int reduceSum(long x) {
        long t = ((int) x * NEG_MU) & 0xFFFFFFFFL;
        long u = (x + t * BabyBear.P) >>> 32;
        return (int) (u >= BabyBear.P ? u - BabyBear.P : u);
    }

    /** out[oi..oi+4) = a[ai..ai+4) · b[bi..bi+4). */
    public static void mul(int[] a, int ai, int[] b, int bi, int[] out, int oi) {
        long a0 = a[ai];
        long a1 = a[ai + 1];
        long a2 = a[ai + 2];
        long a3 = a[ai + 3];
        long b0 = b[bi];
        long b1 = b[bi + 1];
        long b2 = b[bi + 2];
        long b3 = b[bi + 3];
        // 11·b_k, so that every term below is one product < p² and pairs stay < 2p².
        long w1 = BabyBear.mul((int) b1, W);
        long w2 = BabyBear.mul((int) b2, W);
        long w3 = BabyBear.mul((int) b3, W);
        int c0 = BabyBear.add(reduceSum(a0 * b0 + a1 * w3), reduceSum(a2 * w2 + a3 * w1));
        int c1 = BabyBear.add(reduceSum(a0 * b1 + a1 * b0), reduceSum(a2 * w3 + a3 * w2));
        int c2 = BabyBear.add(reduceSum(a0 * b2 + a1 * b1), reduceSum(a2 * b0 + a3 * w3));
        int c3 = BabyBear.add(reduceSum(a0 * b3 + a1 * b2), reduceSum(a2 * b1 + a3 * b0));
        out[oi] = c0;
        out[oi + 1] = c1;
        out[oi + 2] = c2;
        out[oi + 3] = c3;
    }

    /** out[oi..oi+4) = a[ai..ai+4)². */
    public static void square(int[] a, int ai, int[] out, int oi) {
        mul(a, ai, a, ai, out, oi);
    }

    /** out[oi..oi+4) = a[ai..ai+4) + b[bi..bi+4). */
    public static void add(int[] a, int ai, int[] b, int bi, int[] out, int oi) {
        int c0 = BabyBear.add(a[ai], b[bi]);
        int c1 = BabyBear.add(a[ai + 1], b[bi + 1]);
        int c2 = BabyBear.add(a[ai + 2], b[bi + 2]);
        int c3 = BabyBear.add(a[ai + 3], b[bi + 3]);
        out[oi] = c0;
        out[oi + 1] = c1;
        out[oi + 2] = c2;
        out[oi + 3] = c3;
    }

    /** out[oi..oi+4) = a[ai..ai+4) − b[bi..bi+4). */
    public static void sub(int[] a, int ai, int[] b, int bi, int[] out, int oi) {
        int c0 = BabyBear.sub(a[ai], b[bi]);
        int c1 = BabyBear.sub(a[ai + 1], b[bi + 1]);
        int c2 = BabyBear.sub(a[ai + 2], b[bi + 2]);
        int c3 = BabyBear.sub(a[ai + 3], b[bi + 3]);
        out[oi] = c0;
        out[oi + 1] = c1;
        out[oi + 2] = c2;
        out[oi + 3] = c3;
    }

    /** out[oi..oi+4) = a[ai..ai+4) · s for a base field element s (Montgomery form). */
    public static void mulBase(int[] a, int ai, int s, int[] out, int oi) {
        out[oi] = BabyBear.mul(a[ai], s);
        out[oi + 1] = BabyBear.mul(a[ai + 1], s);
        out[oi + 2] = BabyBear.mul(a[ai + 2], s);
        out[oi + 3] = BabyBear.mul(a[ai + 3], s);
    }

    /**
     * Returns the norm N(a) = a·a(−X)·(b0 − b2X²) ∈ F_p of spec §1 after writing the
     * "adjugate" a(−X)·(b0 − b2·X²) to {@code out[oi..oi+4)}, so that a^−1 = adjugate·N^−1.
     * N is zero exactly when a is.
     */
    private static int normAndAdjugate(int[] a, int ai, int[] out, int oi) {
        int a0 = a[ai];
        int a1 = a[ai + 1];
        int a2 = a[ai + 2];
        int a3 = a[ai + 3];
        // a(X)·a(−X) = b0 + b2·X², with X^4 = 11.
        int b0 = BabyBear.add(BabyBear.square(a0), BabyBear.mul(W,
                BabyBear.sub(BabyBear.square(a2), BabyBear.add(BabyBear.mul(a1, a3), BabyBear.mul(a1, a3)))));
        int a0a2 = BabyBear.mul(a0, a2);
        int b2 = BabyBear.sub(BabyBear.sub(BabyBear.add(a0a2, a0a2), BabyBear.square(a1)),
                BabyBear.mul(W, BabyBear.square(a3)));
        int norm = BabyBear.sub(BabyBear.square(b0), BabyBear.mul(W, BabyBear.square(b2)));
        // (a0 − a1X + a2X² − a3X³)·(b0 − b2X²)
        int d0 = BabyBear.sub(BabyBear.mul(a0, b0), BabyBear.mul(W, BabyBear.mul(a2, b2)));
        int d1 = BabyBear.sub(BabyBear.mul(W, BabyBear.mul(a3, b2)), BabyBear.mul(a1, b0));
        int d2 = BabyBear.sub(BabyBear.mul(a2, b0), BabyBear.mul(a0, b2));
        int d3 = BabyBear.sub(BabyBear.mul(a1, b2), BabyBear.mul(a3, b0));
        out[oi] = d0;
        out[oi + 1] = d1;
        out[oi + 2] = d2;
        out[oi + 3] = d3;
        return norm;
    }

    /**
     * out[oi..oi+4) = a[ai..ai+4)^−1, with one base field inversion (the norm trick of §1).
     *
     * @throws ArithmeticException if the element is zero (then {@code out} is left untouched)
     */
    public static void inv(int[] a, int ai, int[] out, int oi) {
        if ((a[ai] | a[ai + 1] | a[ai + 2] | a[ai + 3]) == 0) {
            throw new ArithmeticException("zero has no inverse in Fp4");
        }
        int normInv = BabyBear.inv(normAndAdjugate(a, ai, out, oi));
        mulBase(out, oi, normInv, out, oi);
    }

    /**
     * Writes the inverse of each of the {@code count} elements at {@code in[inOff + 4k]} to
     * {@code out[outOff + 4k]}, with one K inversion and 3(count − 1) K products (Montgomery's
     * trick). {@code out} may be {@code in} at the same offset. Allocates one scratch element,
     * plus a copy of the input when it aliases the output.
     *
     * @throws ArithmeticException if any element is zero (then {@code out} is left untouched)
     */
    public static void batchInverse(int[] in, int inOff, int[] out, int outOff, int count) {
        if (count < 0 || inOff < 0 || outOff < 0 || inOff + 4L * count > in.length
                || outOff + 4L * count > out.length) {
            throw new IllegalArgumentException("batchInverse: " + count + " elements at offsets "
                    + inOff + " and " + outOff + " do not fit arrays of length " + in.length
                    + " and " + out.length);
        }
        for (int k = 0; k < count; k++) {
            int i = inOff + 4 * k;
            if ((in[i] | in[i + 1] | in[i + 2] | in[i + 3]) == 0) {
                throw new ArithmeticException("batchInverse: element " + k + " is zero");
            }
        }
        if (count == 0) {
            return;
        }
        int[] src = in;
        int srcOff = inOff;
        if (in == out) {
            src = Arrays.copyOfRange(in, inOff, inOff + 4 * count);
            srcOff = 0;
        }
        // out[k] = src[0]·…·src[k]
        System.arraycopy(src, srcOff, out, outOff, 4);
        for (int k = 1; k < count; k++) {
            mul(out, outOff + 4 * (k - 1), src, srcOff + 4 * k, out, outOff + 4 * k);
        }
        int[] acc = new int[4];
        inv(out, outOff + 4 * (count - 1), acc, 0); // (src[0]·…·src[count−1])^−1
        for (int k = count - 1; k > 0; k--) {
            int o = outOff + 4 * k;
            mul(acc, 0, out, o - 4, out, o);            // src[k]^−1
            mul(acc, 0, src, srcOff + 4 * k, acc, 0);   // (src[0]·…·src[k−1])^−1
        }
        System.arraycopy(acc, 0, out, outOff, 4);
    }
}
