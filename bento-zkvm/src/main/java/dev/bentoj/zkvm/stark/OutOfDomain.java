package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;
import dev.bentoj.zkvm.transcript.Transcript;

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
     * Values at {@code point} of polynomials given by their values on H (natural order), by the
     * barycentric formula f(ζ) = (ζ^n − 1)/n · Σ_i f_i·ω^i/(ζ − ω^i), with one shared batch
     * inversion.
     */
    static Ext[] evaluateTrace(int[][] columns, int logN, Ext point) {
        if (columns.length == 0) {
            return new Ext[0];
        }
        int n = 1 << logN;
        int w = BabyBear.rootOfUnity(logN);
        Ext[] denominators = new Ext[n];
        int[] powers = new int[n];
        int x = BabyBear.ONE;
        for (int i = 0; i < n; i++) {
            powers[i] = x;
            denominators[i] = point.sub(Ext.fromBase(x));
            x = BabyBear.mul(x, w);
        }
        Ext[] inv = ExtBatch.inverse(denominators, "barycentric weights");
        Ext scale = point.pow(n).sub(Ext.ONE).mulBase(BabyBear.inv(BabyBear.toMont(n)));
        int[][] weights = new int[4][n];
        for (int i = 0; i < n; i++) {
            Ext wi = inv[i].mulBase(powers[i]).mul(scale);
            weights[0][i] = wi.c0();
            weights[1][i] = wi.c1();
            weights[2][i] = wi.c2();
            weights[3][i] = wi.c3();
        }
        Ext[] out = new Ext[columns.length];
        java.util.stream.IntStream.range(0, columns.length).parallel().forEach(c -> {
            int[] f = columns[c];
            int s0 = 0;
            int s1 = 0;
            int s2 = 0;
            int s3 = 0;
            for (int i = 0; i < n; i++) {
                int v = f[i];
                s0 = BabyBear.add(s0, BabyBear.mul(v, weights[0][i]));
                s1 = BabyBear.add(s1, BabyBear.mul(v, weights[1][i]));
                s2 = BabyBear.add(s2, BabyBear.mul(v, weights[2][i]));
                s3 = BabyBear.add(s3, BabyBear.mul(v, weights[3][i]));
            }
            out[c] = new Ext(s0, s1, s2, s3);
        });
        return out;
    }

    /** Values at {@code point} of base polynomials given by coefficients (Horner). */
    static Ext[] evaluateCoefficients(int[][] coefficients, Ext point) {
        Ext[] out = new Ext[coefficients.length];
        for (int c = 0; c < coefficients.length; c++) {
            int[] co = coefficients[c];
            Ext acc = Ext.ZERO;
            for (int j = co.length - 1; j >= 0; j--) {
                acc = acc.mul(point).add(Ext.fromBase(co[j]));
            }
            out[c] = acc;
        }
        return out;
    }
}
