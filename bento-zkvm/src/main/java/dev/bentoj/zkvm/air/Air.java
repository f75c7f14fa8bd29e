package dev.bentoj.zkvm.air;

import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.HashSuite;

import java.util.List;

/**
 * An algebraic intermediate representation as its author declares it: columns, constraints
 * over the current and next row, LogUp interactions, preprocessed columns and public values.
 * The STARK prover and verifier work from this description alone; they never know which AIR
 * they prove.
 */
public interface Air {
    /** A stable name; with the structure below it determines the AIR id recorded in proofs. */
    String name();

    int mainWidth();

    int publicValueCount();

    List<Constraint> constraints();

    /** Trace heights this AIR accepts: {@code minLogN() ≤ log n ≤ maxLogN()}. */
    default int minLogN() {
        return 1;
    }

    default int maxLogN() {
        return 24;
    }

    default int preprocessedWidth() {
        return 0;
    }

    /** The preprocessed columns for height 2^logN, natural row order, Montgomery form. */
    default int[][] preprocessedColumns(int logN) {
        return new int[0][];
    }

    /**
     * The Merkle root of the preprocessed columns' LDE at this height and blowup under this
     * commitment hash suite, if the AIR pins or caches it; null makes the verifier compute it
     * (a full LDE and commitment).
     */
    default Digest preprocessedRoot(int logN, int logBlowup, HashSuite suite) {
        return null;
    }

    default List<Interaction> interactions() {
        return List.of();
    }

    /** LogUp terms the verifier adds itself, derived from the public values (canonical). */
    default List<PublicInteraction> publicInteractions(int[] publicValues) {
        return List.of();
    }

    /**
     * Checks that public values (canonical) are well formed for this AIR, before anything else
     * uses them.
     *
     * @throws IllegalArgumentException with the reason if they are not
     */
    default void checkPublicValues(int[] publicValues) {
    }
}
