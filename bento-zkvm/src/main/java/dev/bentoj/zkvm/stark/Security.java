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

    private Security() {
    }

    /**
     * The terms of §5.1, each with its proof-of-work bits added; {@code hash} is the collision
     * resistance of the proof's commitment suite ({@link dev.bentoj.zkvm.hash.HashSuite#collisionBits()}:
     * 123.6 for Poseidon2-24, 123.5 for SHA-256 with its words reduced mod p).
     */
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
        return new Terms(queries, commit, deep, ali, logUp, p.hashSuite().collisionBits());
    }

    /**
     * The proven bound of §5.2 (ePrint 2024/1553 Theorem 2, as facebook/winterfell computes
     * it): Johnson (list-decoding) regime, optimised over m ≥ 3, and unique decoding. Much lower
     * than the conjecture at our parameters; printed beside it, never instead of it.
     */
    public record Proven(double listDecoding, double uniqueDecoding) {
    }

    public static Proven proven(StarkParameters p, AirLayout layout, int logN) {
        return proven(p, logN, layout.constraintCount(), layout.quotientChunks() + 1,
                2 * (layout.air().preprocessedWidth() + layout.air().mainWidth() + layout.auxWidth())
                        + 4 * layout.quotientChunks(),
                layout.hasLookups() ? layout.interactionCount() : 0, layout.tupleWidth());
    }

    /** The same from the shape's numbers: c constraints, degree d, E DEEP terms, I interactions of width W. */
    public static Proven proven(StarkParameters p, int logN, int c, int d, int e, int interactions, int width) {
        double n = Math.pow(2, logN);
        double domain = n * p.blowup();
        double rho = 1.0 / p.blowup();
        double best = Double.NEGATIVE_INFINITY;
        for (int m = 3; m <= 256; m++) {
            double denom = rho - 2.0 * m / domain;
            if (denom <= 0) {
                break;
            }
            double list = m / denom;
            double alpha = (1 + 0.5 / m) * Math.sqrt(rho);
            best = Math.max(best, provenMin(p, n, domain, rho, c, d, e, interactions, width, list, alpha, m));
        }
        double alphaUnique = (1 + (n + 2) / domain) / 2;
        double unique = provenMin(p, n, domain, rho, c, d, e, interactions, width, 1, alphaUnique, -1);
        return new Proven(best, unique);
    }

    private static double provenMin(StarkParameters p, double n, double domain, double rho, int c, int d, int e,
                                    int interactions, int width, double list, double alpha, int m) {
        double ali = EXT_FIELD_BITS - log2(list * Math.max(1, c - 1));
        double deep = EXT_FIELD_BITS - log2(list * list * (d * (n + 1) + n - 1)) + p.powOod();
        double fri = m < 0
                ? EXT_FIELD_BITS - log2(domain * (e - 1)) + p.powCommit()
                : EXT_FIELD_BITS - log2(Math.pow(m + 0.5, 7) * domain * domain * (e - 1) / (3 * Math.pow(rho, 1.5)))
                        + p.powCommit();
        double queries = p.powQuery() - p.numQueries() * log2(alpha);
        double logUp = interactions == 0 ? Double.POSITIVE_INFINITY
                : EXT_FIELD_BITS - log2(list * interactions * n * (width + 2)) + p.powLookup();
        return Math.min(Math.min(ali, deep), Math.min(Math.min(fri, queries), Math.min(logUp, p.hashSuite().collisionBits())));
    }

    public static double conjecturedBits(StarkParameters p, AirLayout layout, int logN) {
        return terms(p, layout, logN).min();
    }

    static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
