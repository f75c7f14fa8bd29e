package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.AirLayout;

/**
 * Conjectured security of a parameter set for an AIR at a height ({@code stark-protocol.md}
 * §5.1): the minimum over the round-by-round terms. The query term follows the ethSTARK
 * toy-problem conjecture; the field terms are what a 31-bit field with a degree-4 extension
 * needs on top. This is a conjecture, printed as one.
 */
public final class Security {
    /** log2 |K| for K = F_p^4. */
    public static final double EXT_FIELD_BITS = 4 * log2(dev.bentoj.zkvm.field.BabyBear.P);
    /** 8-cell digests with an 8-cell capacity: min(128, 4·log2 p). */
    public static final double HASH_BITS = Math.min(128, 4 * log2(dev.bentoj.zkvm.field.BabyBear.P));

    private Security() {
    }

    /** The terms of §5.1, each with its proof-of-work bits added. */
    public record Terms(double queries, double commit, double deep, double ali, double logUp, double hash) {
        public double min() {
            return Math.min(Math.min(Math.min(queries, commit), Math.min(deep, ali)), Math.min(logUp, hash));
        }

        /** One line naming every term and the formula, for logs and the command line. */
        public String describe() {
            return String.format("conjectured %.1f bits = min(queries s·log2β+pow %.1f, FRI commit %.1f, DEEP %.1f, "
                    + "ALI %.1f, LogUp %.1f, hash %.1f)", min(), queries, commit, deep, ali, logUp, hash);
        }
    }

    public static Terms terms(StarkParameters p, AirLayout layout, int logN) {
        double n = Math.pow(2, logN);
        double beta = p.blowup();
        double k = 1 << p.logArity();
        int d = layout.quotientChunks() + 1;
        double queries = p.numQueries() * p.logBlowup() + p.powQuery();
        double commit = EXT_FIELD_BITS - log2((k - 1) * (beta * n + 1)) + p.powCommit();
        double deep = EXT_FIELD_BITS - log2(d * (n + 1) + (n - 1)) + p.powOod();
        double ali = EXT_FIELD_BITS - log2(Math.max(1, layout.constraintCount()));
        double logUp = layout.hasLookups()
                ? EXT_FIELD_BITS - log2(layout.interactionCount() * n * (layout.tupleWidth() + 2)) + p.powLookup()
                : Double.POSITIVE_INFINITY;
        return new Terms(queries, commit, deep, ali, logUp, HASH_BITS);
    }

    public static double conjecturedBits(StarkParameters p, AirLayout layout, int logN) {
        return terms(p, layout, logN).min();
    }

    static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
