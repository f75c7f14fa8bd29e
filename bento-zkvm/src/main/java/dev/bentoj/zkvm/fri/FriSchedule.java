package dev.bentoj.zkvm.fri;

import java.util.ArrayList;
import java.util.List;

/**
 * The folding schedule of §3.5, a function of the parameters and log n alone (never read from a
 * proof): a_i = min(a, cur − logFinal) while cur > logFinal, starting at cur = log n. Layer i
 * lives on a coset of size 2^logSize(i), logSize(0) = log n + log β.
 */
public final class FriSchedule {
    private final int[] arities;
    private final int logDomain;
    private final int finalLogLength;

    private FriSchedule(int[] arities, int logDomain, int finalLogLength) {
        this.arities = arities;
        this.logDomain = logDomain;
        this.finalLogLength = finalLogLength;
    }

    public static FriSchedule of(int logN, int logBlowup, int logArity, int logFinal) {
        List<Integer> a = new ArrayList<>();
        int cur = logN;
        while (cur > logFinal) {
            int ai = Math.min(logArity, cur - logFinal);
            a.add(ai);
            cur -= ai;
        }
        return new FriSchedule(a.stream().mapToInt(Integer::intValue).toArray(), logN + logBlowup,
                Math.min(logFinal, logN));
    }

    public int rounds() {
        return arities.length;
    }

    /** log2 of the arity of round i. */
    public int logArity(int round) {
        return arities[round];
    }

    /** log2 of the size of layer i (i = rounds() is the final layer). */
    public int logLayerSize(int layer) {
        int s = logDomain;
        for (int i = 0; i < layer; i++) {
            s -= arities[i];
        }
        return s;
    }

    /** Coefficients of the final polynomial: 2^min(logFinal, log n). */
    public int finalLength() {
        return 1 << finalLogLength;
    }

    /** Depth of round i's Merkle paths: log M_i − a_i. */
    public int pathDepth(int round) {
        return logLayerSize(round) - arities[round];
    }
}
