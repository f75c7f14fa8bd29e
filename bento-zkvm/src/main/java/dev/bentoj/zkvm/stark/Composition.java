package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.air.Constraint;
import dev.bentoj.zkvm.air.ConstraintKind;
import dev.bentoj.zkvm.air.Expr;
import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;
import dev.bentoj.zkvm.field.Fp4;
import dev.bentoj.zkvm.parallel.Chunks;

import java.util.ArrayList;
import java.util.List;

/**
 * P3: the quotient Q(x) = Σ_i α^(c−1−i)·s_i(x)·C_i(x) / (x^n − 1) on every point of the LDE
 * domain D = 31·⟨ω_D⟩ (bit-reversed order). The next row of physical row r is the physical
 * index of natural index bitrev(r) + β.
 *
 * <p>Evaluated block by block ({@link BlockProgram}): constraint values are summed per selector
 * kind with their α powers, then s_FIRST/Z_H = 1/(x − 1), s_LAST/Z_H = 1/(x − ω^(n−1)) and
 * s_TRANSITION/Z_H = (x − ω^(n−1))/Z_H are applied once per row: the same value as the
 * verifier's Horner fold, term by term.
 */
final class Composition {
    private static final int ALL = ConstraintKind.ALL.ordinal();
    private static final int FIRST = ConstraintKind.FIRST.ordinal();
    private static final int LAST = ConstraintKind.LAST.ordinal();
    private static final int TRANSITION = ConstraintKind.TRANSITION.ordinal();

    private final int logD;
    private final int logN;
    private final int beta;
    private final int[][] columns;
    private final int[][] aux;
    private final int groups;
    private final int userCount;
    private final int[] kind;
    /** α^(c−1−i) of constraint i, as {@link ExtSums#twisted} factors; the user's also plain. */
    private final int[][] alphaTwisted;
    private final int[][] alphaPlain;
    private final int[] claimedSum;
    private final BlockProgram program;
    private final LogUpTerms logUp;
    private final int[] xs;
    private final int lastPoint;
    /** 1/Z_H on coset block c of D (rows c·n … c·n + n − 1), where x^n is constant. */
    private final int[] zhInverse;

    private Composition(AirLayout layout, int logN, int logBlowup, int[][] preLde, int[][] mainLde, int[][] auxLde,
                        int[] pub, Ext alphaL, Ext[] betaPowers, Ext logUpSum, Ext alpha) {
        this.logN = logN;
        this.logD = logN + logBlowup;
        this.beta = 1 << logBlowup;
        this.columns = StarkProver.concat(preLde, mainLde);
        this.aux = auxLde;
        this.groups = layout.groupCount();
        List<Constraint> constraints = layout.air().constraints();
        this.userCount = constraints.size();
        ConstraintKind[] kinds = new ConstraintFolder(layout).kinds();
        this.kind = new int[kinds.length];
        this.alphaTwisted = new int[kinds.length][];
        this.alphaPlain = new int[kinds.length][];
        Ext a = Ext.ONE;
        for (int i = kinds.length - 1; i >= 0; i--) {
            kind[i] = kinds[i].ordinal();
            alphaPlain[i] = a.toArray();
            alphaTwisted[i] = ExtSums.twisted(alphaPlain[i]);
            a = a.mul(alpha);
        }
        this.claimedSum = logUpSum == null ? null : logUpSum.toArray();
        List<Expr> roots = new ArrayList<>();
        for (Constraint c : constraints) {
            roots.add(c.expr());
        }
        this.logUp = layout.hasLookups() ? new LogUpTerms(layout, alphaL, betaPowers, roots) : null;
        this.program = BlockProgram.compile(roots, preLde.length, pub);
        this.xs = Domains.cosetPointsBitReversed(logD);
        int n = 1 << logN;
        this.lastPoint = BabyBear.pow(BabyBear.rootOfUnity(logN), n - 1);
        this.zhInverse = new int[beta];
        for (int c = 0; c < beta; c++) {
            zhInverse[c] = BabyBear.inv(BabyBear.sub(BabyBear.pow(xs[c << logN], n), BabyBear.ONE));
        }
    }

    static int[][] quotient(AirLayout layout, int logN, int logBlowup, int[][] preLde, int[][] mainLde,
                            int[][] auxLde, int[] pub, Ext alphaL, Ext[] betaPowers, Ext logUpSum, Ext alpha) {
        Composition q = new Composition(layout, logN, logBlowup, preLde, mainLde, auxLde, pub, alphaL, betaPowers,
                logUpSum, alpha);
        int size = 1 << q.logD;
        int[][] out = new int[4][size];
        int block = Math.min(BlockProgram.BLOCK, size);
        Chunks.forBlocks(size, 12, (from, to) -> {
            Rows rows = q.new Rows(block);
            for (int r = from; r < to; r += block) {
                rows.quotient(r, out);
            }
        });
        return out;
    }

    /** One task's buffers for blocks of {@code len} rows. */
    private final class Rows implements BlockProgram.Sink, LogUpTerms.GroupSink {
        private final int len;
        private final BlockProgram.Evaluator evaluator = program.evaluator();
        private final ExtSums[] sums = new ExtSums[ConstraintKind.values().length];
        private final LogUpTerms.Block logUpBlock;
        private final int[] next;
        private final int[] sumH;
        private final int[] sumHNext;
        private final int[] xMinusOne;
        private final int[] xMinusLast;
        private final int[] invXMinusOne;
        private final int[] invXMinusLast;
        private final int[] t = new int[4];
        private final int[] u = new int[4];
        private final int[] v = new int[4];
        private final int[] acc = new int[4];
        private final int[] accNext = new int[4];
        private int from;

        Rows(int len) {
            this.len = len;
            for (int k = 0; k < sums.length; k++) {
                sums[k] = new ExtSums(len);
            }
            logUpBlock = logUp == null ? null : logUp.block(this, len);
            next = new int[len];
            sumH = new int[4 * len];
            sumHNext = new int[4 * len];
            xMinusOne = new int[len];
            xMinusLast = new int[len];
            invXMinusOne = new int[len];
            invXMinusLast = new int[len];
        }

        void quotient(int from, int[][] out) {
            this.from = from;
            int mask = (1 << logD) - 1;
            int unused = 32 - logD;
            for (int i = 0; i < len; i++) {
                next[i] = Integer.reverse((Integer.reverse(from + i) >>> unused) + beta & mask) >>> unused;
            }
            for (ExtSums s : sums) {
                s.clear(len);
            }
            java.util.Arrays.fill(sumH, 0);
            java.util.Arrays.fill(sumHNext, 0);
            evaluator.run(columns, from, len, next, this);
            if (logUp != null) {
                runningSum();
            }
            combine(out);
        }

        @Override
        public void accept(int root, int[] values, int offset) {
            if (root < userCount) {
                sums[kind[root]].addScaled(values, offset, len, alphaPlain[root]);
            } else {
                logUpBlock.accept(root, values, offset);
            }
        }

        /** Group g: h·Πφ − Σ_j m_j·Π_{l≠j}φ_l, with Σh and Σh' for the running sum. */
        @Override
        public void accept(int g, int[] phi, int[] mult, int rows) {
            int members = logUp.members(g).length;
            int[] alphaG = alphaTwisted[userCount + g];
            int h = 4 * g;
            for (int i = 0; i < rows; i++) {
                int r = from + i;
                // t = φ_0·…·φ_s, u = Σ_{j≤s} m_j·Π_{l≤s, l≠j}φ_l, member by member
                int o = 4 * i;
                if (members == 1) {
                    System.arraycopy(phi, o, t, 0, 4);
                    u[0] = mult[i];
                    u[1] = 0;
                    u[2] = 0;
                    u[3] = 0;
                } else {
                    int p = 4 * (rows + i);
                    int m0 = mult[i];
                    int m1 = mult[rows + i];
                    for (int c = 0; c < 4; c++) {
                        u[c] = BabyBear.add(BabyBear.mul(phi[p + c], m0), BabyBear.mul(phi[o + c], m1));
                    }
                    Fp4.mul(phi, o, phi, p, t, 0);
                }
                for (int s = 2; s < members; s++) {
                    int p = 4 * (s * rows + i);
                    int m = mult[s * rows + i];
                    Fp4.mul(u, 0, phi, p, u, 0);
                    for (int c = 0; c < 4; c++) {
                        u[c] = BabyBear.add(u[c], BabyBear.mul(t[c], m));
                    }
                    Fp4.mul(t, 0, phi, p, t, 0);
                }
                for (int c = 0; c < 4; c++) {
                    v[c] = aux[h + c][r];
                }
                Fp4.mul(v, 0, t, 0, t, 0);
                sums[ALL].addProduct(i, BabyBear.sub(t[0], u[0]), BabyBear.sub(t[1], u[1]),
                        BabyBear.sub(t[2], u[2]), BabyBear.sub(t[3], u[3]), alphaG);
                int nx = next[i];
                for (int c = 0; c < 4; c++) {
                    sumH[o + c] = BabyBear.add(sumH[o + c], v[c]);
                    sumHNext[o + c] = BabyBear.add(sumHNext[o + c], aux[h + c][nx]);
                }
            }
        }

        /** acc − Σh on the first row, acc' − acc − Σh' on transitions, acc − Σ on the last row. */
        private void runningSum() {
            int a = 4 * groups;
            int[] alphaFirst = alphaTwisted[userCount + groups];
            int[] alphaTransition = alphaTwisted[userCount + groups + 1];
            int[] alphaLast = alphaTwisted[userCount + groups + 2];
            for (int i = 0; i < len; i++) {
                int r = from + i;
                int nx = next[i];
                int o = 4 * i;
                for (int c = 0; c < 4; c++) {
                    acc[c] = aux[a + c][r];
                    accNext[c] = aux[a + c][nx];
                }
                sums[FIRST].addProduct(i, BabyBear.sub(acc[0], sumH[o]), BabyBear.sub(acc[1], sumH[o + 1]),
                        BabyBear.sub(acc[2], sumH[o + 2]), BabyBear.sub(acc[3], sumH[o + 3]), alphaFirst);
                sums[TRANSITION].addProduct(i,
                        BabyBear.sub(BabyBear.sub(accNext[0], acc[0]), sumHNext[o]),
                        BabyBear.sub(BabyBear.sub(accNext[1], acc[1]), sumHNext[o + 1]),
                        BabyBear.sub(BabyBear.sub(accNext[2], acc[2]), sumHNext[o + 2]),
                        BabyBear.sub(BabyBear.sub(accNext[3], acc[3]), sumHNext[o + 3]), alphaTransition);
                sums[LAST].addProduct(i, BabyBear.sub(acc[0], claimedSum[0]), BabyBear.sub(acc[1], claimedSum[1]),
                        BabyBear.sub(acc[2], claimedSum[2]), BabyBear.sub(acc[3], claimedSum[3]), alphaLast);
            }
        }

        /** Q = ALL/Z_H + FIRST/(x − 1) + LAST/(x − ω^(n−1)) + TRANSITION·(x − ω^(n−1))/Z_H. */
        private void combine(int[][] out) {
            for (int i = 0; i < len; i++) {
                int x = xs[from + i];
                xMinusOne[i] = BabyBear.sub(x, BabyBear.ONE);
                xMinusLast[i] = BabyBear.sub(x, lastPoint);
            }
            BabyBear.batchInverse(xMinusOne, invXMinusOne);
            BabyBear.batchInverse(xMinusLast, invXMinusLast);
            for (int i = 0; i < len; i++) {
                int zhInv = zhInverse[(from + i) >>> logN];
                int transition = BabyBear.mul(xMinusLast[i], zhInv);
                for (int c = 0; c < 4; c++) {
                    int v = BabyBear.add(
                            BabyBear.add(BabyBear.mul(sums[ALL].get(i, c), zhInv),
                                    BabyBear.mul(sums[FIRST].get(i, c), invXMinusOne[i])),
                            BabyBear.add(BabyBear.mul(sums[LAST].get(i, c), invXMinusLast[i]),
                                    BabyBear.mul(sums[TRANSITION].get(i, c), transition)));
                    out[c][from + i] = v;
                }
            }
        }
    }
}
