package dev.bentoj.zkvm.ntt;

import dev.bentoj.zkvm.parallel.Chunks;

import dev.bentoj.zkvm.field.BabyBear;

import java.util.Objects;
import java.util.concurrent.ForkJoinPool;

/**
 * The coset low-degree extension of {@code spec/stark-protocol.md} §3.3 P1, over many columns
 * at once, and the interpolations the prover runs backwards (quotient split, FRI final
 * polynomial).
 *
 * <p>A trace column of length n holds the values of a polynomial f (degree &lt; n) on
 * H = ⟨ω_n⟩ in natural order. Its extension by β = 2^logBlowup is the column of length βn
 * holding f on D = 31·⟨ω_D⟩, |D| = βn, in bit-reversed order: physical row r holds
 * f(31·ω_D^bitrev(r)) ({@link #cosetPoints} lists these points).
 *
 * <p>How: bit-reverse, inverse DIT → coefficients c_j; then, instead of one size-βn forward
 * DIF of the zero-padded c_j·31^j, one size-n DIF per block: rows c·n … c·n + n − 1 are f on the
 * coset 31·ω_D^bitrev(c)·H in bit-reversed order (spec §8), i.e. the DIF of
 * c_j·(31·ω_D^bitrev(c))^j. The values are the same as the zero-padded transform's, with fewer
 * butterflies and the n^−1 folded into that scaling.
 *
 * <p>Columns run in parallel on a {@link ForkJoinPool}; with fewer columns than threads, each
 * long column is split across the pool instead. The output never depends on the scheduling.
 */
public final class Lde {

    /** The coset shift of the LDE domain: the generator 31, Montgomery form. */
    public static final int SHIFT = BabyBear.GENERATOR;

    private Lde() {
    }

    /** {@link #extend(int[][], int, ForkJoinPool)} on the common pool. */
    public static int[][] extend(int[][] columns, int logBlowup) {
        return extend(columns, logBlowup, ForkJoinPool.commonPool());
    }

    /**
     * Returns the LDE of each column (new arrays; the inputs are left unchanged): length β·n,
     * row r = f(31·ω_D^bitrev(r)) with β = 2^logBlowup.
     *
     * @throws IllegalArgumentException if the columns differ in length, the length is not a
     *                                  power of two, or log n + logBlowup exceeds 27
     */
    public static int[][] extend(int[][] columns, int logBlowup, ForkJoinPool pool) {
        int logN = commonLogSize(columns);
        checkBlowup(logN, logBlowup);
        int[][] out = new int[columns.length][];
        for (int c = 0; c < columns.length; c++) {
            out[c] = new int[1 << (logN + logBlowup)];
        }
        extendInto(columns, logBlowup, out, pool);
        return out;
    }

    /**
     * {@link #extend} into caller-owned arrays, e.g. buffers reused from one segment to the
     * next: {@code out[c]} (length β·n) is overwritten with the LDE of {@code columns[c]}.
     *
     * @throws IllegalArgumentException as {@link #extend}, or if an output has the wrong length
     */
    public static void extendInto(int[][] columns, int logBlowup, int[][] out, ForkJoinPool pool) {
        int logN = commonLogSize(columns);
        checkBlowup(logN, logBlowup);
        if (out.length != columns.length) {
            throw new IllegalArgumentException(columns.length + " columns but " + out.length + " outputs");
        }
        for (int c = 0; c < out.length; c++) {
            if (out[c].length != 1 << (logN + logBlowup) || out[c] == columns[c]) {
                throw new IllegalArgumentException("output " + c + " has length " + out[c].length
                        + " or is its input: the LDE of 2^" + logN + " rows by 2^" + logBlowup
                        + " needs a separate array of " + (1 << (logN + logBlowup)));
            }
        }
        Plan plan = new Plan(logN, logBlowup, pool);
        run(columns.length, pool, c -> {
            int[] col = out[c];
            Ntt.bitReverseCopy(columns[c], col, logN);
            Ntt.inverseDitUnscaled(col, 0, logN, plan.innerPool(columns.length));
            plan.extendCoefficients(col, columns.length);
        });
    }

    /** {@link #extendCoefficients(int[][], int, ForkJoinPool)} on the common pool. */
    public static int[][] extendCoefficients(int[][] coefficients, int logBlowup) {
        return extendCoefficients(coefficients, logBlowup, ForkJoinPool.commonPool());
    }

    /**
     * Like {@link #extend} for columns that already hold coefficients (natural order, length n,
     * degree &lt; n), e.g. the quotient chunks Q_i of P4: returns their values on D, bit-reversed.
     *
     * @throws IllegalArgumentException as {@link #extend}
     */
    public static int[][] extendCoefficients(int[][] coefficients, int logBlowup, ForkJoinPool pool) {
        int logN = commonLogSize(coefficients);
        // The plan folds n^−1 into its scaling; coefficients need it undone: scale by n first.
        Plan plan = new Plan(logN, logBlowup, pool);
        int nMont = BabyBear.toMont(plan.size());
        int[][] out = new int[coefficients.length][];
        run(coefficients.length, pool, c -> {
            int[] col = new int[plan.size() << logBlowup];
            for (int j = 0; j < plan.size(); j++) {
                col[j] = Ntt.mul(coefficients[c][j], nMont);
            }
            plan.extendCoefficients(col, coefficients.length);
            out[c] = col;
        });
        return out;
    }

    /** {@link #coefficients(int[][], ForkJoinPool)} on the common pool. */
    public static int[][] coefficients(int[][] columns) {
        return coefficients(columns, ForkJoinPool.commonPool());
    }

    /**
     * Returns, for each column of values on H = ⟨ω_n⟩ in natural order, the coefficients of its
     * interpolant (natural order, length n; new arrays).
     *
     * @throws IllegalArgumentException if the columns differ in length or it is not a power of
     *                                  two up to 2^27
     */
    public static int[][] coefficients(int[][] columns, ForkJoinPool pool) {
        int logN = commonLogSize(columns);
        int[][] out = new int[columns.length][];
        ForkJoinPool inner = columns.length >= pool.getParallelism() ? null : pool;
        run(columns.length, pool, c -> {
            int[] col = new int[columns[c].length];
            Ntt.bitReverseCopy(columns[c], col, logN);
            if (inner == null) {
                Ntt.inverseDit(col);
            } else {
                Ntt.inverseDit(col, inner);
            }
            out[c] = col;
        });
        return out;
    }

    /**
     * Returns the coefficients (natural order, new array) of the polynomial g, deg g &lt; m, whose
     * values on shift·⟨ω_m⟩ are given in bit-reversed order: {@code values[i] =
     * g(shift·ω_m^bitrev(i))}, m = values.length. Inverse DIT, then c_j ×= shift^−j. With
     * shift = {@link #SHIFT} this undoes {@link #extend} up to the zero high coefficients.
     * Inputs of 2^16 values or more are split across the common pool.
     *
     * @param shift the coset shift, Montgomery form, non-zero
     * @throws IllegalArgumentException unless the length is a power of two up to 2^27
     * @throws ArithmeticException      if shift is zero
     */
    public static int[] interpolateCoset(int[] values, int shift) {
        int[] c = values.clone();
        int log = Ntt.logSize(c.length);
        ForkJoinPool pool = ForkJoinPool.commonPool();
        Ntt.inverseDitUnscaled(c, 0, log, pool);
        // c_j ·= n^−1 · shift^−j
        int step = BabyBear.inv(shift);
        int s = Ntt.inverseOfSize(log);
        for (int j = 0; j < c.length; j++) {
            c[j] = Ntt.mul(c[j], s);
            s = Ntt.mul(s, step);
        }
        return c;
    }

    /**
     * Returns x_r = shift·ω^bitrev(r) for every physical row r of a bit-reversed codeword of
     * length 2^logSize on the coset shift·⟨ω⟩ (Montgomery form).
     *
     * @param shift the coset shift, Montgomery form (the LDE's is {@link #SHIFT})
     * @throws IllegalArgumentException unless 0 ≤ logSize ≤ 27
     */
    public static int[] cosetPoints(int logSize, int shift) {
        int n = 1 << logSize;
        int[] natural = powers(shift, BabyBear.rootOfUnity(logSize), n);
        Ntt.bitReverse(natural, 0, logSize);
        return natural;
    }

    /** {start·step^j : j < count}. */
    private static int[] powers(int start, int step, int count) {
        int[] p = new int[count];
        int x = start;
        for (int j = 0; j < count; j++) {
            p[j] = x;
            x = Ntt.mul(x, step);
        }
        return p;
    }

    private static void checkBlowup(int logN, int logBlowup) {
        if (logBlowup < 0 || logN + logBlowup > Ntt.MAX_LOG_SIZE) {
            throw new IllegalArgumentException("cannot extend 2^" + logN + " rows by 2^" + logBlowup
                    + ": the LDE domain must have at most 2^" + Ntt.MAX_LOG_SIZE
                    + " points and logBlowup must be ≥ 0");
        }
    }

    /** Common log2 length of the columns, checked. */
    private static int commonLogSize(int[][] columns) {
        Objects.requireNonNull(columns, "columns");
        if (columns.length == 0) {
            return 0;
        }
        int n = columns[0].length;
        for (int c = 1; c < columns.length; c++) {
            if (columns[c].length != n) {
                throw new IllegalArgumentException("column " + c + " has length "
                        + columns[c].length + ", column 0 has " + n + ": all must be equal");
            }
        }
        return Ntt.logSize(n);
    }

    /** Runs body(c) for c < count on the pool (or inline for one column). */
    private static void run(int count, ForkJoinPool pool, java.util.function.IntConsumer body) {
        if (count == 1) {
            body.accept(0);
        } else if (count > 1) {
            pool.invoke(new Chunks(0, count, body));
        }
    }

    /**
     * Per (log n, log β) scaling tables: row c holds n^−1·(31·ω_D^bitrev(c))^j for j &lt; n,
     * the factor that turns the unscaled inverse transform's output into the coefficients of
     * f(31·ω_D^bitrev(c)·X).
     */
    private static final class Plan {
        private final int logN;
        private final int logBlowup;
        private final ForkJoinPool pool;
        private final int[][] cosetScale;

        Plan(int logN, int logBlowup, ForkJoinPool pool) {
            Objects.requireNonNull(pool, "pool");
            checkBlowup(logN, logBlowup);
            this.logN = logN;
            this.logBlowup = logBlowup;
            this.pool = pool;
            int blocks = 1 << logBlowup;
            int n = 1 << logN;
            int omegaD = BabyBear.rootOfUnity(logN + logBlowup);
            int nInv = Ntt.inverseOfSize(logN);
            cosetScale = new int[blocks][];
            run(blocks, pool, c -> {
                int rev = logBlowup == 0 ? 0 : Integer.reverse(c) >>> (32 - logBlowup);
                int shift = Ntt.mul(SHIFT, BabyBear.pow(omegaD, rev));
                cosetScale[c] = powers(nInv, shift, n);
            });
        }

        int size() {
            return 1 << logN;
        }

        /** Pool to split one column across, or null when columns alone keep the pool busy. */
        ForkJoinPool innerPool(int columns) {
            return columns >= pool.getParallelism() ? null : pool;
        }

        /**
         * Given unscaled coefficients (n·c_j) in col[0..n), fills all βn rows of col with the
         * extension, block by block; block 0 is done last since it overwrites the input.
         */
        void extendCoefficients(int[] col, int columns) {
            int n = 1 << logN;
            ForkJoinPool inner = innerPool(columns);
            for (int c = (1 << logBlowup) - 1; c >= 0; c--) {
                int[] scale = cosetScale[c];
                int base = c * n;
                if (inner == null || n < Ntt.PARALLEL_MIN) {
                    scaleInto(col, scale, base, 0, n);
                } else {
                    inner.invoke(new Chunks(0, n / Ntt.BLOCK,
                            k -> scaleInto(col, scale, base, k * Ntt.BLOCK, Ntt.BLOCK)));
                }
                Ntt.forwardDif(col, base, logN, inner);
            }
        }

        /** col[base + j] = col[j]·scale[j] for j in [from, from + count). */
        private static void scaleInto(int[] col, int[] scale, int base, int from, int count) {
            for (int j = from; j < from + count; j++) {
                col[base + j] = Ntt.mul(col[j], scale[j]);
            }
        }
    }
}
