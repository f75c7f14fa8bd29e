package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.parallel.Chunks;

import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.air.Expr;
import dev.bentoj.zkvm.air.Interaction;
import dev.bentoj.zkvm.field.Ext;

import java.util.List;

/**
 * Builds the auxiliary trace (§4): per group G the fraction column h_G = Σ_{j∈G} m_j/φ_j, then
 * the running sum acc (acc_0 = Σ_G h_G(0), acc_i = acc_{i−1} + Σ_G h_G(i)). K-columns are stored
 * as four base columns each, natural row order.
 */
final class LogUpWitness {
    private LogUpWitness() {
    }

    static int[][] build(AirLayout layout, int[][] pre, int[][] main, int[] pub, Ext alpha, Ext[] betaPowers) {
        int n = main[0].length;
        List<Interaction> interactions = layout.air().interactions();
        int groups = layout.groupCount();
        int[][] aux = new int[4 * (groups + 1)][n];
        Ext[][] phi = new Ext[interactions.size()][n];
        int[][] mult = new int[interactions.size()][n];
        Chunks.forBlocks(n, 12, (from, to) -> {
            RowView r = new RowView(pre, main, pub, n);
            for (int i = from; i < to; i++) {
                r.row = i;
                for (int j = 0; j < interactions.size(); j++) {
                    Interaction x = interactions.get(j);
                    Ext[] values = new Ext[x.values().size()];
                    for (int k = 0; k < values.length; k++) {
                        values[k] = Ext.fromBase(x.values().get(k).evalBase(r));
                    }
                    phi[j][i] = LogUp.denominator(alpha, betaPowers, values, x.bus());
                    mult[j][i] = x.multiplicity().evalBase(r);
                }
            }
        });
        for (int j = 0; j < interactions.size(); j++) {
            Ext[] inv = ExtBatch.inverse(phi[j], interactions.get(j).name());
            phi[j] = inv;
        }
        Ext acc = Ext.ZERO;
        for (int i = 0; i < n; i++) {
            for (int g = 0; g < groups; g++) {
                Ext h = Ext.ZERO;
                for (int j : layout.group(g)) {
                    h = h.add(phi[j][i].mulBase(mult[j][i]));
                }
                put(aux, 4 * g, i, h);
                acc = acc.add(h);
            }
            put(aux, 4 * groups, i, acc);
        }
        return aux;
    }

    private static void put(int[][] cols, int at, int row, Ext v) {
        cols[at][row] = v.c0();
        cols[at + 1][row] = v.c1();
        cols[at + 2][row] = v.c2();
        cols[at + 3][row] = v.c3();
    }

    /** A trace row for expression evaluation; the next row wraps around. */
    static final class RowView implements Expr.BaseRow {
        private final int[][] pre;
        private final int[][] main;
        private final int[] pub;
        private final int n;
        int row;

        RowView(int[][] pre, int[][] main, int[] pub, int n) {
            this.pre = pre;
            this.main = main;
            this.pub = pub;
            this.n = n;
        }

        public int column(boolean preprocessed, int index, boolean next) {
            return (preprocessed ? pre : main)[index][next ? (row + 1) % n : row];
        }

        public int publicValue(int index) {
            return pub[index];
        }
    }
}
