package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.air.Expr;
import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;
import dev.bentoj.zkvm.field.Fp4;
import dev.bentoj.zkvm.parallel.Chunks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds the auxiliary trace (§4): per group G the fraction column h_G = Σ_{j∈G} m_j/φ_j, then
 * the running sum acc (acc_0 = Σ_G h_G(0), acc_i = acc_{i−1} + Σ_G h_G(i)). K-columns are stored
 * as four base columns each, natural row order.
 *
 * <p>Blocks of rows in parallel, one group at a time within a block, with one batch inversion
 * per group and block; the acc columns first collect Σ_G h_G(i), then a sequential pass turns
 * them into prefix sums.
 */
final class LogUpWitness {
    private static final long NONE = Long.MAX_VALUE;

    private LogUpWitness() {
    }

    /**
     * @throws IllegalStateException if a denominator vanishes (negligible probability: prove
     *                               again), naming the first such interaction and its first row
     */
    static int[][] build(AirLayout layout, int[][] pre, int[][] main, int[] pub, Ext alpha, Ext[] betaPowers) {
        int n = main[0].length;
        int groups = layout.groupCount();
        int[][] aux = new int[4 * (groups + 1)][n];
        List<Expr> roots = new ArrayList<>();
        LogUpTerms terms = new LogUpTerms(layout, alpha, betaPowers, roots);
        BlockProgram program = BlockProgram.compile(roots, pre.length, pub);
        int[][] columns = StarkProver.concat(pre, main);
        int block = Math.min(BlockProgram.BLOCK, n);
        AtomicLong firstZero = new AtomicLong(NONE);
        Chunks.forBlocks(n, 12, (from, to) -> {
            Fractions fractions = new Fractions(terms, aux, block, firstZero);
            BlockProgram.Evaluator evaluator = program.evaluator();
            LogUpTerms.Block values = terms.block(fractions, block);
            int[] next = new int[block];
            for (int start = from; start < to; start += block) {
                for (int i = 0; i < block; i++) {
                    next[i] = (start + i + 1) & (n - 1);
                }
                fractions.from = start;
                evaluator.run(columns, start, block, next, values);
            }
        });
        if (firstZero.get() != NONE) {
            throw new IllegalStateException("zero denominator in "
                    + layout.air().interactions().get((int) (firstZero.get() >>> 32)).name()
                    + " at position " + (int) firstZero.get());
        }
        int acc = 4 * groups;
        for (int c = 0; c < 4; c++) {
            int[] col = aux[acc + c];
            for (int i = 1; i < n; i++) {
                col[i] = BabyBear.add(col[i - 1], col[i]);
            }
        }
        return aux;
    }

    /**
     * Writes h_G of a block into its aux columns and adds it to the row sums in the acc columns;
     * a group with a vanishing denominator is skipped and recorded as interaction·2^32 + row.
     */
    private static final class Fractions implements LogUpTerms.GroupSink {
        private final LogUpTerms terms;
        private final int[][] aux;
        private final int[] inverses;
        private final AtomicLong firstZero;
        int from;

        Fractions(LogUpTerms terms, int[][] aux, int rows, AtomicLong firstZero) {
            this.terms = terms;
            this.aux = aux;
            this.inverses = new int[4 * terms.maxMembers() * rows];
            this.firstZero = firstZero;
        }

        @Override
        public void accept(int g, int[] phi, int[] mult, int rows) {
            int[] members = terms.members(g);
            if (recordZero(members, phi, rows)) {
                return;
            }
            Fp4.batchInverse(phi, 0, inverses, 0, members.length * rows);
            int h = 4 * g;
            int acc = aux.length - 4;
            for (int c = 0; c < 4; c++) {
                int[] hc = aux[h + c];
                int[] accC = aux[acc + c];
                for (int i = 0; i < rows; i++) {
                    int v = 0;
                    for (int s = 0; s < members.length; s++) {
                        v = BabyBear.add(v, BabyBear.mul(inverses[4 * (s * rows + i) + c], mult[s * rows + i]));
                    }
                    hc[from + i] = v;
                    accC[from + i] = BabyBear.add(accC[from + i], v);
                }
            }
        }

        private boolean recordZero(int[] members, int[] phi, int rows) {
            boolean found = false;
            for (int s = 0; s < members.length; s++) {
                for (int i = 0; i < rows; i++) {
                    int o = 4 * (s * rows + i);
                    if ((phi[o] | phi[o + 1] | phi[o + 2] | phi[o + 3]) == 0) {
                        long at = ((long) members[s] << 32) | (from + i);
                        firstZero.accumulateAndGet(at, Math::min);
                        found = true;
                        break;
                    }
                }
            }
            return found;
        }
    }
}
