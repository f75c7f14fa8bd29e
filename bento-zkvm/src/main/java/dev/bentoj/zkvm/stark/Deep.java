package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;
import dev.bentoj.zkvm.field.Fp4;
import dev.bentoj.zkvm.parallel.Chunks;

/**
 * P8: F(x) = Σ_e γ^e·(f_e(x) − v_e)/(x − p_e) on D, grouped per point: the trace columns
 * (pre, main, aux) at z and at zω, the quotient columns at z, γ powers in the order of the
 * out-of-domain values. Bit-reversed K-codeword of degree < n.
 *
 * <p>The trace's weights at zω are γ^w times its weights at z (w trace columns), so one sum
 * S(x) = Σ_{e<w} γ^e·f_e(x) serves both points: F = (S + Σ_q γ^(2w+q)·q(x) − c_z)/(x − z)
 * + (γ^w·S − c_zω)/(x − zω), with c the γ-weighted openings. Blocks of rows run in parallel,
 * column by column, with one batch inversion per block and point.
 */
final class Deep {
    private static final int BLOCK = 256;

    private Deep() {
    }

    static int[][] codeword(int[][] traceLde, int[][] quotientLde, Ext[] ood, Ext z, Ext zNext, Ext gamma, int logD) {
        int size = 1 << logD;
        int w = traceLde.length;
        int qw = quotientLde.length;
        Ext[] gammaPow = new Ext[ood.length];
        Ext g = Ext.ONE;
        for (int e = 0; e < ood.length; e++) {
            gammaPow[e] = g;
            g = g.mul(gamma);
        }
        int[][] traceWeights = new int[w][];
        int[][] quotientWeights = new int[qw][];
        Ext constZ = Ext.ZERO;
        Ext constZNext = Ext.ZERO;
        for (int e = 0; e < w; e++) {
            traceWeights[e] = gammaPow[e].toArray();
            constZ = constZ.add(gammaPow[e].mul(ood[e]));
            constZNext = constZNext.add(gammaPow[w + e].mul(ood[w + e]));
        }
        for (int e = 0; e < qw; e++) {
            quotientWeights[e] = gammaPow[2 * w + e].toArray();
            constZ = constZ.add(gammaPow[2 * w + e].mul(ood[2 * w + e]));
        }
        int[] cz = constZ.toArray();
        int[] czn = constZNext.toArray();
        int[] gammaW = gammaPow[w].toArray();
        int[] zc = z.toArray();
        int[] znc = zNext.toArray();
        int[] xs = Domains.cosetPointsBitReversed(logD);
        int[][] out = new int[4][size];
        int block = Math.min(BLOCK, size);
        Chunks.forBlocks(size, 12, (from, to) -> {
            ExtSums trace = new ExtSums(block);
            ExtSums quotient = new ExtSums(block);
            int[] toZ = new int[4 * block];
            int[] toZNext = new int[4 * block];
            int[] a = new int[4];
            int[] b = new int[4];
            for (int start = from; start < to; start += block) {
                trace.clear(block);
                quotient.clear(block);
                for (int e = 0; e < w; e++) {
                    trace.addScaled(traceLde[e], start, block, traceWeights[e]);
                }
                for (int e = 0; e < qw; e++) {
                    quotient.addScaled(quotientLde[e], start, block, quotientWeights[e]);
                }
                for (int i = 0; i < block; i++) {
                    int x = xs[start + i];
                    for (int c = 0; c < 4; c++) {
                        toZ[4 * i + c] = BabyBear.sub(c == 0 ? x : 0, zc[c]);
                        toZNext[4 * i + c] = BabyBear.sub(c == 0 ? x : 0, znc[c]);
                    }
                }
                // z and zω lie outside D (OutOfDomain.drawPoint): no denominator vanishes.
                Fp4.batchInverse(toZ, 0, toZ, 0, block);
                Fp4.batchInverse(toZNext, 0, toZNext, 0, block);
                for (int i = 0; i < block; i++) {
                    for (int c = 0; c < 4; c++) {
                        int s = trace.get(i, c);
                        a[c] = BabyBear.sub(BabyBear.add(s, quotient.get(i, c)), cz[c]);
                        b[c] = s;
                    }
                    Fp4.mul(b, 0, gammaW, 0, b, 0);
                    Fp4.sub(b, 0, czn, 0, b, 0);
                    Fp4.mul(a, 0, toZ, 4 * i, a, 0);
                    Fp4.mul(b, 0, toZNext, 4 * i, b, 0);
                    for (int c = 0; c < 4; c++) {
                        out[c][start + i] = BabyBear.add(a[c], b[c]);
                    }
                }
            }
        });
        return out;
    }
}
