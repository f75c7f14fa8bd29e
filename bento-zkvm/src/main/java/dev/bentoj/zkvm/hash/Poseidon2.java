package dev.bentoj.zkvm.hash;

import dev.bentoj.zkvm.field.BabyBear;

/**
 * The Poseidon2 permutation over BabyBear with S-box x^7 and the HorizenLabs constants
 * ({@code spec/stark-protocol.md} §2, ePrint 2023/323).
 *
 * <p>Round structure: the external layer M_E; R_F/2 external rounds (add t constants, S-box on
 * every cell, M_E); R_P internal rounds (add one constant to cell 0, S-box on cell 0, M_I);
 * R_F/2 external rounds. Instances are immutable and safe to share between threads.
 */
public final class Poseidon2 {

    /** Width 24, R_F = 8, R_P = 21: used by v1 Merkle trees, the transcript and the image id. */
    public static final Poseidon2 T24 = new Poseidon2(24, Poseidon2Constants.FULL_ROUNDS,
            Poseidon2Constants.PARTIAL_ROUNDS_24, Poseidon2Constants.EXTERNAL_24,
            Poseidon2Constants.INTERNAL_24, Poseidon2Constants.DIAG_24);

    /** Width 16, R_F = 8, R_P = 13: specified for completeness, unused by v1 proofs. */
    public static final Poseidon2 T16 = new Poseidon2(16, Poseidon2Constants.FULL_ROUNDS,
            Poseidon2Constants.PARTIAL_ROUNDS_16, Poseidon2Constants.EXTERNAL_16,
            Poseidon2Constants.INTERNAL_16, Poseidon2Constants.DIAG_16);

    private static final int P = BabyBear.P;
    private static final int MU = BabyBear.MU;

    private final int width;
    private final int halfFullRounds;
    private final int partialRounds;
    private final int[] externalConstants; // Montgomery, row-major
    private final int[] internalConstants; // Montgomery
    private final int[] diagonal;          // Montgomery μ

    private Poseidon2(int width, int fullRounds, int partialRounds, int[] externalConstants,
                      int[] internalConstants, int[] diagonal) {
        this.width = width;
        this.halfFullRounds = fullRounds / 2;
        this.partialRounds = partialRounds;
        this.externalConstants = externalConstants;
        this.internalConstants = internalConstants;
        this.diagonal = diagonal;
    }

    /** The number of cells of the state. */
    public int width() {
        return width;
    }

    /** The external round constants, row-major (Montgomery form): for other implementations to check against. */
    public int[] externalConstants() {
        return externalConstants.clone();
    }

    /** The internal round constants (Montgomery form). */
    public int[] internalConstants() {
        return internalConstants.clone();
    }

    /** The internal layer's diagonal μ (Montgomery form). */
    public int[] diagonal() {
        return diagonal.clone();
    }

    /**
     * Applies the permutation in place. Allocates nothing.
     *
     * @param state {@link #width()} field elements in Montgomery form
     * @throws IllegalArgumentException if the state has the wrong length
     */
    public void permute(int[] state) {
        if (state.length != width) {
            throw new IllegalArgumentException(
                    "Poseidon2 state must have " + width + " cells, got " + state.length);
        }
        // Inside the permutation cells are kept in (−p, p), signed: Montgomery reduction maps
        // products of such values back into (−p, p) with no correction step, which saves a
        // compare and a conditional move per multiplication. Canonical [0, p) on the way out.
        externalLayer(state);
        int rc = 0;
        for (int r = 0; r < halfFullRounds; r++) {
            externalRound(state, rc);
            rc += width;
        }
        internalRounds(state);
        for (int r = 0; r < halfFullRounds; r++) {
            externalRound(state, rc);
            rc += width;
        }
        for (int i = 0; i < width; i++) {
            int v = state[i];
            state[i] = v < 0 ? v + P : v;
        }
    }

    private void externalRound(int[] s, int rcOffset) {
        int[] rc = externalConstants;
        for (int i = 0; i < width; i++) {
            s[i] = sbox(addConstant(s[i], rc[rcOffset + i]));
        }
        externalLayer(s);
    }

    /**
     * R_P internal rounds. The sum Σ s_j that M_I needs is carried from one round to the next
     * (accumulated while the cells are written), so each round reads the state once.
     */
    private void internalRounds(int[] s) {
        int[] mu = diagonal;
        long sum = 0;
        for (int i = 0; i < width; i++) {
            sum += s[i];
        }
        for (int r = 0; r < partialRounds; r++) {
            int old0 = s[0];
            int s0 = sbox(addConstant(old0, internalConstants[r]));
            sum += s0 - (long) old0;
            long m = sum % P;
            int total = (int) (m < 0 ? m + P : m);           // in [0, p)
            int v0 = internalCell(mu[0], s0, total);
            s[0] = v0;
            long next = v0;
            for (int i = 1; i < width; i++) {
                int v = internalCell(mu[i], s[i], total);
                s[i] = v;
                next += v;
            }
            sum = next;
        }
    }

    /** μ·x + total for x in (−p, p), μ and total in [0, p); result in (−p, p). */
    private static int internalCell(int mu, int x, int total) {
        long v = (long) montyReduce((long) mu * x) + total; // in (−p, 2p)
        return (int) (v >= P ? v - P : v);
    }

    /** x + c for x in (−p, p), c in [0, p); result in (−p, p). */
    private static int addConstant(int x, int c) {
        long v = (long) x + c;
        return (int) (v >= P ? v - P : v);
    }

    /** x^7 for x in (−p, p); result in (−p, p). */
    private static int sbox(int x) {
        int x2 = montyReduce((long) x * x);
        int x3 = montyReduce((long) x2 * x);
        int x4 = montyReduce((long) x2 * x2);
        return montyReduce((long) x3 * x4);
    }

    /**
     * Signed Montgomery reduction x·2^−32 mod p for |x| < p²: |x − t·p| < p² + 2^31·p, so the
     * result lies in (−0.97p, 0.97p) and needs no correction.
     */
    private static int montyReduce(long x) {
        int t = (int) x * MU;
        return (int) ((x - (long) t * P) >> 32);
    }

    /**
     * M_E = circ(2·M4, M4, …, M4): M4 on each 4-cell block, plus, in cell i, the sum over blocks
     * of their M4 outputs at i mod 4, which is M4 applied to the per-position sums of the
     * inputs. Integer coefficients commute with the Montgomery scaling, so everything is formed
     * in longs (|·| < 112p for width 24) and reduced once per cell.
     */
    private void externalLayer(int[] s) {
        long t0 = 0;
        long t1 = 0;
        long t2 = 0;
        long t3 = 0;
        for (int b = 0; b < width; b += 4) {
            t0 += s[b];
            t1 += s[b + 1];
            t2 += s[b + 2];
            t3 += s[b + 3];
        }
        // M4 = [[5,7,1,3],[4,6,1,1],[1,3,5,7],[1,1,4,6]]
        long c0 = 5 * t0 + 7 * t1 + t2 + 3 * t3;
        long c1 = 4 * t0 + 6 * t1 + t2 + t3;
        long c2 = t0 + 3 * t1 + 5 * t2 + 7 * t3;
        long c3 = t0 + t1 + 4 * t2 + 6 * t3;
        for (int b = 0; b < width; b += 4) {
            long x0 = s[b];
            long x1 = s[b + 1];
            long x2 = s[b + 2];
            long x3 = s[b + 3];
            s[b] = (int) ((5 * x0 + 7 * x1 + x2 + 3 * x3 + c0) % P);
            s[b + 1] = (int) ((4 * x0 + 6 * x1 + x2 + x3 + c1) % P);
            s[b + 2] = (int) ((x0 + 3 * x1 + 5 * x2 + 7 * x3 + c2) % P);
            s[b + 3] = (int) ((x0 + x1 + 4 * x2 + 6 * x3 + c3) % P);
        }
    }
}
