package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.air.PublicInteraction;
import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;

import java.util.List;

/**
 * LogUp arithmetic shared by prover and verifier (§4): fingerprints
 * fp(t, b) = Σ_{j<W} β^j·v_j + β^W·b, the fraction constraints of each group and the running
 * sum's constraints, and the public term S_pub.
 */
final class LogUp {
    private LogUp() {
    }

    /** β^0..β^W. */
    static Ext[] betaPowers(Ext beta, int width) {
        Ext[] pw = new Ext[width + 1];
        pw[0] = Ext.ONE;
        for (int i = 1; i <= width; i++) {
            pw[i] = pw[i - 1].mul(beta);
        }
        return pw;
    }

    /** α − fp(values, bus); short tuples are zero-padded. */
    static Ext denominator(Ext alpha, Ext[] betaPowers, Ext[] values, int bus) {
        int w = betaPowers.length - 1;
        Ext fp = betaPowers[w].mulBase(BabyBear.toMont(bus));
        for (int j = 0; j < values.length; j++) {
            fp = fp.add(betaPowers[j].mul(values[j]));
        }
        return alpha.sub(fp);
    }

    /**
     * The LogUp constraint values at one point, in layout order: one per group
     * (h·Πφ − Σ m_j·Π_{l≠j}φ_l), then the running sum's FIRST (acc − Σh), TRANSITION
     * (acc' − acc − Σh') and LAST (acc − Σ).
     */
    static Ext[] constraintValues(AirLayout layout, Ext[] phi, Ext[] mult, Ext[] h, Ext[] hNext,
                                  Ext acc, Ext accNext, Ext claimedSum) {
        int groups = layout.groupCount();
        Ext[] out = new Ext[groups + 3];
        Ext sumH = Ext.ZERO;
        Ext sumHNext = Ext.ZERO;
        for (int g = 0; g < groups; g++) {
            int[] members = layout.group(g);
            Ext prod = Ext.ONE;
            for (int j : members) {
                prod = prod.mul(phi[j]);
            }
            Ext numer = Ext.ZERO;
            for (int j : members) {
                Ext others = mult[j];
                for (int l : members) {
                    if (l != j) {
                        others = others.mul(phi[l]);
                    }
                }
                numer = numer.add(others);
            }
            out[g] = h[g].mul(prod).sub(numer);
            sumH = sumH.add(h[g]);
            sumHNext = sumHNext.add(hNext[g]);
        }
        out[groups] = acc.sub(sumH);
        out[groups + 1] = accNext.sub(acc).sub(sumHNext);
        out[groups + 2] = acc.sub(claimedSum);
        return out;
    }

    /** S_pub = Σ m/(α − fp(t, b)) over the verifier's own terms; a zero denominator is rejected. */
    static Ext publicSum(List<PublicInteraction> terms, Ext alpha, Ext[] betaPowers) throws VerificationException {
        Ext sum = Ext.ZERO;
        for (PublicInteraction t : terms) {
            int[] v = t.values();
            if (v.length > betaPowers.length - 1) {
                throw new VerificationException("public LogUp tuple wider than the AIR's buses");
            }
            Ext[] values = new Ext[v.length];
            for (int i = 0; i < v.length; i++) {
                values[i] = Ext.fromBase(BabyBear.toMont(v[i]));
            }
            Ext d = denominator(alpha, betaPowers, values, t.bus());
            if (d.isZero()) {
                throw new VerificationException("a public LogUp term has a zero denominator");
            }
            long m = t.multiplicity() % BabyBear.P;
            int mm = BabyBear.toMont((int) (m < 0 ? m + BabyBear.P : m));
            sum = sum.add(d.inv().mulBase(mm));
        }
        return sum;
    }
}
