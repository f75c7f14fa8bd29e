package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;
import dev.bentoj.zkvm.field.Fp4;
import dev.bentoj.zkvm.parallel.Chunks;
import dev.bentoj.zkvm.transcript.Transcript;

import java.util.concurrent.ForkJoinPool;

/** The out-of-domain point and the openings there (P5, P6). */
final class OutOfDomain {
    private OutOfDomain() {
    }

    /** z = sampleExt(), drawn again while z ∈ H (z^n = 1) or z ∈ D ((z/31)^|D| = 1). */
    static Ext drawPoint(Transcript t, int logN, int logD) {
        int shiftInv = BabyBear.inv(Domains.SHIFT);
        while (true) {
            Ext z = t.sampleExt();
            boolean inH = z.pow(1L << logN).equals(Ext.ONE);
            boolean inD = z.mulBase(shiftInv).pow(1L << logD).equals(Ext.ONE);
            if (!inH && !inD) {
                return z;
            }
        }
    }

    /**
     * Values at z and at zω (ω = ω_n) of polynomials given by their values on H (natural
     * order): {at z, at zω}. Barycentric: f(z) = Σ_i f_i·W_i with W_i = (z^n − 1)/n·ω^i/(z − ω^i),
     * and since (zω)^n = z^n, f(zω) = Σ_i f_{i+1}·W_i: one set of weights, one pass per column.
     */
    static Ext[][] evaluateTrace(int[][] columns, int logN, Ext z) {
        int n = 1 << logN;
        int[] weights = barycentricWeights(logN, z);
        Ext[][] out = new Ext[2][columns.length];
        Chunks.run(ForkJoinPool.commonPool(), columns.length, c -> {
            int[] f = columns[c];
            long z0 = 0;
            long z1 = 0;
            long z2 = 0;
            long z3 = 0;
            long n0 = 0;
            long n1 = 0;
            long n2 = 0;
            long n3 = 0;
            for (int i = 0; i < n; i++) {
                long v = f[i];
                long vNext = f[(i + 1) & (n - 1)];
                int o = 4 * i;
                z0 = ExtSums.add(z0, v * weights[o]);
                z1 = ExtSums.add(z1, v * weights[o + 1]);
                z2 = ExtSums.add(z2, v * weights[o + 2]);
                z3 = ExtSums.add(z3, v * weights[o + 3]);
                n0 = ExtSums.add(n0, vNext * weights[o]);
                n1 = ExtSums.add(n1, vNext * weights[o + 1]);
                n2 = ExtSums.add(n2, vNext * weights[o + 2]);
                n3 = ExtSums.add(n3, vNext * weights[o + 3]);
            }
            out[0][c] = new Ext(ExtSums.reduce(z0), ExtSums.reduce(z1), ExtSums.reduce(z2), ExtSums.reduce(z3));
            out[1][c] = new Ext(ExtSums.reduce(n0), ExtSums.reduce(n1), ExtSums.reduce(n2), ExtSums.reduce(n3));
        });
        return out;
    }

    /** W_i = (z^n − 1)/n·ω^i/(z − ω^i), interleaved; blocks in parallel, one batch inversion each. */
    private static int[] barycentricWeights(int logN, Ext z) {
        int n = 1 << logN;
        int omega = BabyBear.rootOfUnity(logN);
        int[] scale = z.pow(n).sub(Ext.ONE).mulBase(BabyBear.inv(BabyBear.toMont(n))).toArray();
        int[] zc = z.toArray();
        int[] weights = new int[4 * n];
        Chunks.forBlocks(n, 12, (from, to) -> {
            int[] power = new int[to - from];
            int x = BabyBear.pow(omega, from);
            for (int i = from; i < to; i++) {
                power[i - from] = x;
                int o = 4 * i;
                weights[o] = BabyBear.sub(zc[0], x);
                weights[o + 1] = zc[1];
                weights[o + 2] = zc[2];
                weights[o + 3] = zc[3];
                x = BabyBear.mul(x, omega);
            }
            // z lies outside H (drawPoint): no denominator vanishes.
            Fp4.batchInverse(weights, 4 * from, weights, 4 * from, to - from);
            for (int i = from; i < to; i++) {
                Fp4.mulBase(weights, 4 * i, power[i - from], weights, 4 * i);
                Fp4.mul(weights, 4 * i, scale, 0, weights, 4 * i);
            }
        });
        return weights;
    }

    /**
     * Values at {@code point} of base polynomials given by coefficients (natural order, equal
     * lengths): Σ_j c_j·point^j, the powers computed once for all columns.
     */
    static Ext[] evaluateCoefficients(int[][] coefficients, Ext point) {
        Ext[] out = new Ext[coefficients.length];
        if (coefficients.length == 0) {
            return out;
        }
        int m = coefficients[0].length;
        int[] powers = new int[4 * m];
        int[] p = point.toArray();
        Chunks.forBlocks(m, 12, (from, to) -> {
            System.arraycopy(point.pow(from).toArray(), 0, powers, 4 * from, 4);
            for (int j = from + 1; j < to; j++) {
                Fp4.mul(powers, 4 * (j - 1), p, 0, powers, 4 * j);
            }
        });
        Chunks.run(ForkJoinPool.commonPool(), coefficients.length, c -> {
            int[] co = coefficients[c];
            long s0 = 0;
            long s1 = 0;
            long s2 = 0;
            long s3 = 0;
            for (int j = 0; j < m; j++) {
                long v = co[j];
                int o = 4 * j;
                s0 = ExtSums.add(s0, v * powers[o]);
                s1 = ExtSums.add(s1, v * powers[o + 1]);
                s2 = ExtSums.add(s2, v * powers[o + 2]);
                s3 = ExtSums.add(s3, v * powers[o + 3]);
            }
            out[c] = new Ext(ExtSums.reduce(s0), ExtSums.reduce(s1), ExtSums.reduce(s2), ExtSums.reduce(s3));
        });
        return out;
    }
}
