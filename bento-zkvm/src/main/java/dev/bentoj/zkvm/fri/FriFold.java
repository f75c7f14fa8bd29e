package dev.bentoj.zkvm.fri;

import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;

/**
 * One FRI fold of a block, shared by prover and verifier (§3.5). A block of layer i holds the
 * values at x_g·ζ^bitrev(u), u < k, ζ = ω_k; its fold is P_g(β), P_g the polynomial of degree
 * < k through those points: (1/k)·Σ_j (β/x_g)^j·Σ_t w_t·ζ^(−jt), w_t the value at x_g·ζ^t.
 */
public final class FriFold {
    private FriFold() {
    }

    /** x_g = h·ω_M^bitrev_{log M − a}(g): the first point of block g of a layer of size 2^logM. */
    public static int blockPoint(int shift, int logLayerSize, int logArity, int g) {
        int bits = logLayerSize - logArity;
        int rev = bits == 0 ? 0 : Integer.reverse(g) >>> (32 - bits);
        return BabyBear.mul(shift, BabyBear.pow(BabyBear.rootOfUnity(logLayerSize), rev));
    }

    public static Ext fold(Ext[] block, Ext beta, int xg, int logArity) {
        int k = 1 << logArity;
        int zetaInv = BabyBear.inv(BabyBear.rootOfUnity(logArity));
        // w_t = block[bitrev(t)]
        Ext[] w = new Ext[k];
        for (int t = 0; t < k; t++) {
            int rev = logArity == 0 ? 0 : Integer.reverse(t) >>> (32 - logArity);
            w[t] = block[rev];
        }
        Ext ratio = beta.mulBase(BabyBear.inv(xg));
        Ext ratioPow = Ext.ONE;
        Ext result = Ext.ZERO;
        for (int j = 0; j < k; j++) {
            int step = BabyBear.pow(zetaInv, j);
            int root = BabyBear.ONE;
            Ext inner = Ext.ZERO;
            for (int t = 0; t < k; t++) {
                inner = inner.add(w[t].mulBase(root));
                root = BabyBear.mul(root, step);
            }
            result = result.add(ratioPow.mul(inner));
            ratioPow = ratioPow.mul(ratio);
        }
        return result.mulBase(BabyBear.inv(BabyBear.toMont(k)));
    }

    /** h_{i+1} = h_i^(2^a_i). */
    public static int nextShift(int shift, int logArity) {
        int h = shift;
        for (int i = 0; i < logArity; i++) {
            h = BabyBear.square(h);
        }
        return h;
    }

    /** Horner evaluation of a K-polynomial (coefficients low to high) at a base point. */
    public static Ext evaluate(Ext[] coefficients, int x) {
        Ext acc = Ext.ZERO;
        for (int i = coefficients.length - 1; i >= 0; i--) {
            acc = acc.mulBase(x).add(coefficients[i]);
        }
        return acc;
    }
}
