package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.parallel.Chunks;

import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;

/**
 * P8: F(x) = Σ_e γ^e·(f_e(x) − v_e)/(x − p_e) on D, grouped per point: the trace columns
 * (pre, main, aux) at z and at zω, the quotient columns at z, γ powers in the order of the
 * out-of-domain values. Bit-reversed K-codeword of degree < n.
 */
final class Deep {
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
        // Columns and their γ powers, per point.
        int[][] colsZ = StarkProver.concat(traceLde, quotientLde);
        Ext[] powZ = new Ext[w + qw];
        Ext[] powZNext = new Ext[w];
        Ext constZ = Ext.ZERO;
        Ext constZNext = Ext.ZERO;
        for (int e = 0; e < w; e++) {
            powZ[e] = gammaPow[e];
            constZ = constZ.add(gammaPow[e].mul(ood[e]));
            powZNext[e] = gammaPow[w + e];
            constZNext = constZNext.add(gammaPow[w + e].mul(ood[w + e]));
        }
        for (int e = 0; e < qw; e++) {
            powZ[w + e] = gammaPow[2 * w + e];
            constZ = constZ.add(gammaPow[2 * w + e].mul(ood[2 * w + e]));
        }
        int[] xs = Domains.cosetPointsBitReversed(logD);
        Ext[] dz = new Ext[size];
        Ext[] dzn = new Ext[size];
        for (int r = 0; r < size; r++) {
            dz[r] = Ext.fromBase(xs[r]).sub(z);
            dzn[r] = Ext.fromBase(xs[r]).sub(zNext);
        }
        Ext[] invZ = ExtBatch.inverse(dz, "DEEP denominators at z");
        Ext[] invZNext = ExtBatch.inverse(dzn, "DEEP denominators at zω");
        int[][] out = new int[4][size];
        Ext cZ = constZ;
        Ext cZN = constZNext;
        Chunks.forBlocks(size, 12, (from, to) -> {
            for (int r = from; r < to; r++) {
                Ext a = combine(colsZ, powZ, r).sub(cZ).mul(invZ[r]);
                Ext b = combine(traceLde, powZNext, r).sub(cZN).mul(invZNext[r]);
                Ext f = a.add(b);
                out[0][r] = f.c0();
                out[1][r] = f.c1();
                out[2][r] = f.c2();
                out[3][r] = f.c3();
            }
        });
        return out;
    }

    /** Σ_e pow_e·cols_e[r] (base values, K weights). */
    static Ext combine(int[][] cols, Ext[] pow, int r) {
        int s0 = 0;
        int s1 = 0;
        int s2 = 0;
        int s3 = 0;
        for (int e = 0; e < pow.length; e++) {
            int v = cols[e][r];
            Ext p = pow[e];
            s0 = BabyBear.add(s0, BabyBear.mul(v, p.c0()));
            s1 = BabyBear.add(s1, BabyBear.mul(v, p.c1()));
            s2 = BabyBear.add(s2, BabyBear.mul(v, p.c2()));
            s3 = BabyBear.add(s3, BabyBear.mul(v, p.c3()));
        }
        return new Ext(s0, s1, s2, s3);
    }
}
