package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.parallel.Chunks;

import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.air.Constraint;
import dev.bentoj.zkvm.air.ConstraintKind;
import dev.bentoj.zkvm.air.Expr;
import dev.bentoj.zkvm.air.Interaction;
import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;

import java.util.List;

/**
 * P3: the quotient Q(x) = Σ_i α^(c−1−i)·s_i(x)·C_i(x) / (x^n − 1) on every point of the LDE
 * domain D = 31·⟨ω_D⟩ (bit-reversed order). The next row of physical row r is the physical
 * index of natural index bitrev(r) + β.
 */
final class Composition {
    private Composition() {
    }

    static int[][] quotient(AirLayout layout, int logN, int logBlowup, int[][] preLde, int[][] mainLde,
                            int[][] auxLde, int[] pub, Ext alphaL, Ext[] betaPowers, Ext logUpSum, Ext alpha) {
        int logD = logN + logBlowup;
        int size = 1 << logD;
        int n = 1 << logN;
        int beta = 1 << logBlowup;
        int[] xs = Domains.cosetPointsBitReversed(logD);
        int lastPoint = BabyBear.pow(BabyBear.rootOfUnity(logN), n - 1);
        int[] xMinusOne = new int[size];
        int[] xMinusLast = new int[size];
        int[] zh = new int[size];
        for (int r = 0; r < size; r++) {
            xMinusOne[r] = BabyBear.sub(xs[r], BabyBear.ONE);
            xMinusLast[r] = BabyBear.sub(xs[r], lastPoint);
            zh[r] = BabyBear.sub(BabyBear.pow(xs[r], n), BabyBear.ONE);
        }
        int[] invXMinusOne = new int[size];
        int[] invXMinusLast = new int[size];
        int[] invZh = new int[size];
        BabyBear.batchInverse(xMinusOne, invXMinusOne);
        BabyBear.batchInverse(xMinusLast, invXMinusLast);
        BabyBear.batchInverse(zh, invZh);

        // Σ_i α^(c−1−i)·s_i·C_i, grouped by selector: the same value as the verifier's Horner fold,
        // with 4 base multiplications per base-field constraint instead of a K product.
        int c = layout.constraintCount();
        Ext[] alphaPow = new Ext[c];
        Ext a = Ext.ONE;
        for (int i = c - 1; i >= 0; i--) {
            alphaPow[i] = a;
            a = a.mul(alpha);
        }
        ConstraintKind[] kinds = new ConstraintFolder(layout).kinds();
        List<Constraint> constraints = layout.air().constraints();
        int userCount = constraints.size();
        int[][] alphaCoords = new int[4][userCount];
        int[] kindIndex = new int[userCount];
        for (int i = 0; i < userCount; i++) {
            alphaCoords[0][i] = alphaPow[i].c0();
            alphaCoords[1][i] = alphaPow[i].c1();
            alphaCoords[2][i] = alphaPow[i].c2();
            alphaCoords[3][i] = alphaPow[i].c3();
            kindIndex[i] = kinds[i].ordinal();
        }
        Expr[] exprs = constraints.stream().map(Constraint::expr).toArray(Expr[]::new);
        List<Interaction> interactions = layout.air().interactions();
        int groups = layout.groupCount();
        int[][] out = new int[4][size];
        int rowMask = size - 1;
        Chunks.forBlocks(size, 12, (from, to) -> {
            LdeRow row = new LdeRow(preLde, mainLde, pub);
            Ext[] phi = new Ext[interactions.size()];
            Ext[] mult = new Ext[interactions.size()];
            Ext[] h = new Ext[groups];
            Ext[] hNext = new Ext[groups];
            int[] acc = new int[4 * ConstraintKind.values().length];
            for (int r = from; r < to; r++) {
                row.row = r;
                row.next = Integer.reverse((Integer.reverse(r) >>> (32 - logD)) + beta & rowMask) >>> (32 - logD);
                java.util.Arrays.fill(acc, 0);
                for (int i = 0; i < userCount; i++) {
                    int v = exprs[i].evalBase(row);
                    if (v != 0) {
                        int k = 4 * kindIndex[i];
                        acc[k] = BabyBear.add(acc[k], BabyBear.mul(v, alphaCoords[0][i]));
                        acc[k + 1] = BabyBear.add(acc[k + 1], BabyBear.mul(v, alphaCoords[1][i]));
                        acc[k + 2] = BabyBear.add(acc[k + 2], BabyBear.mul(v, alphaCoords[2][i]));
                        acc[k + 3] = BabyBear.add(acc[k + 3], BabyBear.mul(v, alphaCoords[3][i]));
                    }
                }
                Ext[] byKind = new Ext[4];
                for (ConstraintKind kind : ConstraintKind.values()) {
                    int k = 4 * kind.ordinal();
                    byKind[kind.ordinal()] = new Ext(acc[k], acc[k + 1], acc[k + 2], acc[k + 3]);
                }
                if (groups > 0) {
                    for (int j = 0; j < interactions.size(); j++) {
                        Interaction x = interactions.get(j);
                        Ext[] tuple = new Ext[x.values().size()];
                        for (int k = 0; k < tuple.length; k++) {
                            tuple[k] = Ext.fromBase(x.values().get(k).evalBase(row));
                        }
                        phi[j] = LogUp.denominator(alphaL, betaPowers, tuple, x.bus());
                        mult[j] = Ext.fromBase(x.multiplicity().evalBase(row));
                    }
                    for (int g = 0; g < groups; g++) {
                        h[g] = ext(auxLde, 4 * g, row.row);
                        hNext[g] = ext(auxLde, 4 * g, row.next);
                    }
                    Ext[] lu = LogUp.constraintValues(layout, phi, mult, h, hNext, ext(auxLde, 4 * groups, row.row),
                            ext(auxLde, 4 * groups, row.next), logUpSum);
                    for (int i = 0; i < lu.length; i++) {
                        int k = kinds[userCount + i].ordinal();
                        byKind[k] = byKind[k].add(lu[i].mul(alphaPow[userCount + i]));
                    }
                }
                int sFirst = BabyBear.mul(zh[r], invXMinusOne[r]);
                int sLast = BabyBear.mul(zh[r], invXMinusLast[r]);
                Ext total = byKind[ConstraintKind.ALL.ordinal()]
                        .add(byKind[ConstraintKind.FIRST.ordinal()].mulBase(sFirst))
                        .add(byKind[ConstraintKind.LAST.ordinal()].mulBase(sLast))
                        .add(byKind[ConstraintKind.TRANSITION.ordinal()].mulBase(xMinusLast[r]));
                Ext qv = total.mulBase(invZh[r]);
                out[0][r] = qv.c0();
                out[1][r] = qv.c1();
                out[2][r] = qv.c2();
                out[3][r] = qv.c3();
            }
        });
        return out;
    }

    static Ext ext(int[][] cols, int at, int row) {
        return new Ext(cols[at][row], cols[at + 1][row], cols[at + 2][row], cols[at + 3][row]);
    }

    /** A row of the LDE (current and next physical rows) for expression evaluation. */
    static final class LdeRow implements Expr.BaseRow {
        private final int[][] pre;
        private final int[][] main;
        private final int[] pub;
        int row;
        int next;

        LdeRow(int[][] pre, int[][] main, int[] pub) {
            this.pre = pre;
            this.main = main;
            this.pub = pub;
        }

        public int column(boolean preprocessed, int index, boolean nxt) {
            return (preprocessed ? pre : main)[index][nxt ? next : row];
        }

        public int publicValue(int index) {
            return pub[index];
        }
    }
}
