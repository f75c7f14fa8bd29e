package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.hash.HashSuite;

import java.util.Objects;

/**
 * The protocol parameters recorded in every proof ({@code stark-protocol.md} §3.1, §5.3):
 * blowup 2^logBlowup, FRI arity 2^logArity, final polynomial length 2^logFinal, the number of
 * queries, the proof-of-work bits of each grinding site, and the hash suite of the Merkle
 * commitments.
 */
public record StarkParameters(int logBlowup, int logArity, int logFinal, int numQueries,
                              int powLookup, int powOod, int powCommit, int powQuery, HashSuite hashSuite) {
    public static final int MAX_POW_BITS = 24;

    public StarkParameters {
        Objects.requireNonNull(hashSuite, "hashSuite");
        if (logBlowup < 1 || logBlowup > 4) {
            throw new IllegalArgumentException("log blowup " + logBlowup + " outside 1..4");
        }
        if (logArity < 1 || logArity > 4) {
            throw new IllegalArgumentException("log FRI arity " + logArity + " outside 1..4");
        }
        if (logFinal < 0 || logFinal > 16) {
            throw new IllegalArgumentException("log final length " + logFinal + " outside 0..16");
        }
        if (numQueries < 1 || numQueries > 1000) {
            throw new IllegalArgumentException("query count " + numQueries + " outside 1..1000");
        }
        for (int pow : new int[] {powLookup, powOod, powCommit, powQuery}) {
            if (pow < 0 || pow > MAX_POW_BITS) {
                throw new IllegalArgumentException("proof-of-work bits " + pow + " outside 0.." + MAX_POW_BITS);
            }
        }
    }

    /** The same parameters committing with Poseidon2-24, as every proof did before suites existed. */
    public StarkParameters(int logBlowup, int logArity, int logFinal, int numQueries,
                           int powLookup, int powOod, int powCommit, int powQuery) {
        this(logBlowup, logArity, logFinal, numQueries, powLookup, powOod, powCommit, powQuery,
                HashSuite.POSEIDON2_24);
    }

    /** These parameters with another commitment hash suite. */
    public StarkParameters withHashSuite(HashSuite suite) {
        return new StarkParameters(logBlowup, logArity, logFinal, numQueries, powLookup, powOod, powCommit, powQuery,
                suite);
    }

    /** The named sets of §5.3: query side fixed, site PoW bits from the rule of §5.3 per AIR and log n. */
    public enum Preset {
        P96_B4(96, 2, 44, 12),
        P96_B8(96, 3, 32, 4),
        P100_B4(100, 2, 46, 12),
        P100_B8(100, 3, 32, 8);

        public final int targetBits;
        public final int logBlowup;
        public final int numQueries;
        public final int powQuery;

        Preset(int targetBits, int logBlowup, int numQueries, int powQuery) {
            this.targetBits = targetBits;
            this.logBlowup = logBlowup;
            this.numQueries = numQueries;
            this.powQuery = powQuery;
        }

        /** {@link #forAir(AirLayout, int, HashSuite)} committing with Poseidon2-24. */
        public StarkParameters forAir(AirLayout layout, int logN) {
            return forAir(layout, logN, HashSuite.POSEIDON2_24);
        }

        /**
         * The parameters for this AIR at height 2^logN with this commitment hash:
         * pow_site = max(0, ⌈target + 2 − base_site⌉). The suite moves no grinding site: only the
         * hash term depends on it, and both suites give it about 123.5 bits.
         */
        public StarkParameters forAir(AirLayout layout, int logN, HashSuite suite) {
            StarkParameters base = new StarkParameters(logBlowup, 3, 8, numQueries, 0, 0, 0, powQuery, suite);
            Security.Terms t = Security.terms(base, layout, logN);
            return new StarkParameters(logBlowup, 3, 8, numQueries,
                    layout.hasLookups() ? powFor(t.logUp()) : 0, powFor(t.deep()), powFor(t.commit()), powQuery,
                    suite);
        }

        private int powFor(double baseBits) {
            return (int) Math.max(0, Math.ceil(targetBits + 2 - baseBits));
        }

        /** Whether {@code p} has this set's query side; any hash suite matches. */
        public boolean matchesQuerySide(StarkParameters p) {
            return p.logBlowup == logBlowup && p.logArity == 3 && p.logFinal == 8
                    && p.numQueries == numQueries && p.powQuery == powQuery;
        }
    }

    /**
     * Fast, insecure parameters for tests of the protocol's mechanics (few queries, no grinding).
     * Only a verifier built with {@link VerifierPolicy#insecureForTests()} accepts them.
     */
    public static StarkParameters insecureForTests() {
        return new StarkParameters(2, 1, 2, 6, 0, 0, 0, 0);
    }

    public int blowup() {
        return 1 << logBlowup;
    }
}
