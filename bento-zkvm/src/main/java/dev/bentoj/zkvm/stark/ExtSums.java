package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.field.BabyBear;

/**
 * Per-row sums of products over K = Fp4 (Montgomery form), accumulated in 64 bits and reduced
 * once per sum: a product costs one multiplication instead of a Montgomery reduction. The sum
 * of the raw products reduces to the sum of the Montgomery products, so the values are exact.
 */
final class ExtSums {
    /** The largest multiple of p below 2^62: subtracted whenever a sum reaches 2^62. */
    private static final long FOLD = (long) BabyBear.P * ((1L << 62) / BabyBear.P);

    /** Row i, coordinate c at 4i + c; each below 2^62 + 2p between updates. */
    private final long[] sums;

    ExtSums(int rows) {
        sums = new long[4 * rows];
    }

    void clear(int rows) {
        java.util.Arrays.fill(sums, 0, 4 * rows, 0L);
    }

    /** Row i += v[vo + i]·k for i &lt; rows, with k = (k0, k1, k2, k3) ∈ K and v base values. */
    void addScaled(int[] v, int vo, int rows, int[] k) {
        long k0 = k[0];
        long k1 = k[1];
        long k2 = k[2];
        long k3 = k[3];
        long[] s = sums;
        for (int i = 0; i < rows; i++) {
            long x = v[vo + i];
            int o = 4 * i;
            s[o] = add(s[o], x * k0);
            s[o + 1] = add(s[o + 1], x * k1);
            s[o + 2] = add(s[o + 2], x * k2);
            s[o + 3] = add(s[o + 3], x * k3);
        }
    }

    /**
     * Row i += x·k for x = (x0, x1, x2, x3) ∈ K and k given by {@link #twisted}: the products
     * of {@link dev.bentoj.zkvm.field.Fp4#mul}, two per fold.
     */
    void addProduct(int i, long x0, long x1, long x2, long x3, int[] k) {
        long[] s = sums;
        int o = 4 * i;
        s[o] = fold(fold(s[o] + x0 * k[0] + x1 * k[6]) + x2 * k[5] + x3 * k[4]);
        s[o + 1] = fold(fold(s[o + 1] + x0 * k[1] + x1 * k[0]) + x2 * k[6] + x3 * k[5]);
        s[o + 2] = fold(fold(s[o + 2] + x0 * k[2] + x1 * k[1]) + x2 * k[0] + x3 * k[6]);
        s[o + 3] = fold(fold(s[o + 3] + x0 * k[3] + x1 * k[2]) + x2 * k[1] + x3 * k[0]);
    }

    /** Coordinate c of row i, reduced (Montgomery form). */
    int get(int i, int c) {
        return reduce(sums[4 * i + c]);
    }

    /** A folded sum plus one product of two values in [0, p): folded again, branch-free. */
    static long add(long sum, long product) {
        long s = sum + product; // below 2^63
        return s - (FOLD & -(s >>> 62));
    }

    /** The Montgomery-form field element a folded sum of raw products stands for. */
    static int reduce(long sum) {
        return BabyBear.mul((int) (sum % BabyBear.P), 1);
    }

    /** (k0, k1, k2, k3, 11·k1, 11·k2, 11·k3): a constant factor for {@link #addProduct}. */
    static int[] twisted(int[] k) {
        int w = BabyBear.toMont(11);
        return new int[] {k[0], k[1], k[2], k[3], BabyBear.mul(k[1], w), BabyBear.mul(k[2], w), BabyBear.mul(k[3], w)};
    }

    /**
     * Brings a sum below 2^62 + 2p. Valid for sums below 2^64 read unsigned, which holds after
     * adding up to two products (each below p² &lt; 0.88·2^62) to a folded sum.
     */
    private static long fold(long s) {
        return s - (s >>> 62) * FOLD;
    }
}
