package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.Air;
import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;
import dev.bentoj.zkvm.fri.FriProver;
import dev.bentoj.zkvm.fri.FriSchedule;
import dev.bentoj.zkvm.hash.HashSuite;
import dev.bentoj.zkvm.merkle.ColumnMajorLeaves;
import dev.bentoj.zkvm.merkle.MerkleTree;
import dev.bentoj.zkvm.ntt.Lde;
import dev.bentoj.zkvm.stark.StarkProof.TreeOpening;
import dev.bentoj.zkvm.transcript.Transcript;

import java.util.ArrayList;
import java.util.List;

/**
 * The STARK prover of {@code stark-protocol.md} §3.3, top to bottom: LDE and commit the trace,
 * LogUp columns, the quotient, out-of-domain openings, DEEP, FRI, queries. It proves any
 * {@link Air}; it never knows which.
 */
public final class StarkProver {
    private final StarkParameters params;
    private final boolean selfCheck;

    /** A prover that refuses to prove a witness that breaks a constraint (the normal case). */
    public StarkProver(StarkParameters params) {
        this(params, true);
    }

    /**
     * With {@code selfCheck = false} the prover goes on with a bad witness and emits a proof
     * that must not verify: for tests of the verifier only.
     */
    public StarkProver(StarkParameters params, boolean selfCheck) {
        this.params = params;
        this.selfCheck = selfCheck;
    }

    /**
     * Proves that {@code main} (columns in natural row order, Montgomery form) satisfies the AIR
     * with these public values (canonical).
     *
     * @throws IllegalArgumentException if the witness breaks a constraint (self-check on), or
     *                                  has the wrong shape
     */
    public StarkProof prove(Air air, int[][] main, int[] publicValues) {
        AirLayout layout = AirLayout.of(air);
        int n = checkShape(air, main, publicValues);
        int logN = Integer.numberOfTrailingZeros(n);
        int logBlowup = params.logBlowup();
        int logD = logN + logBlowup;
        if (logD > 27) {
            throw new IllegalArgumentException("trace of 2^" + logN + " rows is too tall for blowup " + params.blowup());
        }
        air.checkPublicValues(publicValues);
        int[] pub = new int[publicValues.length];
        for (int i = 0; i < pub.length; i++) {
            pub[i] = BabyBear.fromCanonicalChecked(publicValues[i]);
        }
        int[][] pre = air.preprocessedColumns(logN);
        if (pre.length != air.preprocessedWidth()) {
            throw new IllegalStateException(air.name() + " gave " + pre.length + " preprocessed columns, declared "
                    + air.preprocessedWidth());
        }
        if (selfCheck) {
            TraceCheck.requireSatisfied(layout, pre, main, pub);
        }

        Transcript t = ProtocolTranscript.start(params, layout, logN, publicValues);

        // P1: LDE and commit the preprocessed and main traces.
        HashSuite suite = params.hashSuite();
        int[][] preLde = Lde.extend(pre, logBlowup);
        MerkleTree preTree = pre.length > 0 ? MerkleTree.commit(new ColumnMajorLeaves(preLde), suite) : null;
        if (preTree != null) {
            t.observeDigest(preTree.root());
        }
        int[][] mainLde = Lde.extend(main, logBlowup);
        MerkleTree mainTree = MerkleTree.commit(new ColumnMajorLeaves(mainLde), suite);
        t.observeDigest(mainTree.root());

        // P2: LogUp.
        int lookupNonce = 0;
        Ext alphaL = Ext.ZERO;
        Ext[] betaPowers = new Ext[0];
        int[][] aux = new int[0][];
        int[][] auxLde = new int[0][];
        MerkleTree auxTree = null;
        Ext logUpSum = null;
        if (layout.hasLookups()) {
            lookupNonce = t.grind(params.powLookup());
            alphaL = t.sampleExt();
            betaPowers = LogUp.betaPowers(t.sampleExt(), layout.tupleWidth());
            aux = LogUpWitness.build(layout, pre, main, pub, alphaL, betaPowers);
            int last = n - 1;
            int accCol = 4 * layout.groupCount();
            logUpSum = new Ext(aux[accCol][last], aux[accCol + 1][last], aux[accCol + 2][last], aux[accCol + 3][last]);
            auxLde = Lde.extend(aux, logBlowup);
            auxTree = MerkleTree.commit(new ColumnMajorLeaves(auxLde), suite);
            t.observeDigest(auxTree.root());
            t.observeExt(logUpSum);
        }
        Ext alpha = t.sampleExt();

        // P3–P4: the quotient on D, split into q chunks of degree < n, committed.
        int q = layout.quotientChunks();
        int[][] quotientCodeword = Composition.quotient(layout, logN, logBlowup, preLde, mainLde, auxLde, pub,
                alphaL, betaPowers, logUpSum, alpha);
        int[][] chunkCoefficients = splitQuotient(quotientCodeword, n, q, logD);
        int[][] quotientLde = Lde.extendCoefficients(chunkCoefficients, logBlowup);
        MerkleTree quotientTree = MerkleTree.commit(new ColumnMajorLeaves(quotientLde), suite);
        t.observeDigest(quotientTree.root());

        // P5: the out-of-domain point, outside H and D.
        int oodNonce = t.grind(params.powOod());
        Ext z = OutOfDomain.drawPoint(t, logN, logD);
        Ext zNext = z.mulBase(BabyBear.rootOfUnity(logN));

        // P6–P7: openings in the order pre, main, aux at z; the same at zω; quotient columns at z.
        int[][] traceColumns = concat(pre, main, aux);
        Ext[][] atZAndZNext = OutOfDomain.evaluateTrace(traceColumns, logN, z);
        Ext[] atZ = atZAndZNext[0];
        Ext[] atZNext = atZAndZNext[1];
        Ext[] atZQuotient = OutOfDomain.evaluateCoefficients(chunkCoefficients, z);
        Ext[] ood = new Ext[atZ.length + atZNext.length + atZQuotient.length];
        System.arraycopy(atZ, 0, ood, 0, atZ.length);
        System.arraycopy(atZNext, 0, ood, atZ.length, atZNext.length);
        System.arraycopy(atZQuotient, 0, ood, 2 * atZ.length, atZQuotient.length);
        for (Ext v : ood) {
            t.observeExt(v);
        }

        // P8: DEEP.
        Ext gamma = t.sampleExt();
        int[][] deep = Deep.codeword(concat(preLde, mainLde, auxLde), quotientLde, ood, z, zNext, gamma, logD);

        // P9–P11: FRI, grinding, queries.
        FriSchedule schedule = FriSchedule.of(logN, logBlowup, params.logArity(), params.logFinal());
        FriProver fri = new FriProver(deep, schedule, suite, t, params.powCommit());
        int queryNonce = t.grind(params.powQuery());
        List<StarkProof.Query> queries = new ArrayList<>(params.numQueries());
        for (int i = 0; i < params.numQueries(); i++) {
            int index = t.sampleBits(logD);
            List<TreeOpening> trees = new ArrayList<>(4);
            if (preTree != null) {
                trees.add(open(preTree, preLde, index));
            }
            trees.add(open(mainTree, mainLde, index));
            if (auxTree != null) {
                trees.add(open(auxTree, auxLde, index));
            }
            trees.add(open(quotientTree, quotientLde, index));
            queries.add(new StarkProof.Query(trees, fri.open(index)));
        }
        return new StarkProof(params, layout.airId(), logN, publicValues.clone(), mainTree.root(), lookupNonce,
                auxTree == null ? null : auxTree.root(), logUpSum, quotientTree.root(), oodNonce, ood,
                fri.roots(), fri.nonces(), fri.finalPolynomial(), queryNonce, queries);
    }

    private static int checkShape(Air air, int[][] main, int[] publicValues) {
        if (main.length != air.mainWidth()) {
            throw new IllegalArgumentException("trace has " + main.length + " columns, " + air.name() + " declares "
                    + air.mainWidth());
        }
        if (publicValues.length != air.publicValueCount()) {
            throw new IllegalArgumentException(publicValues.length + " public values, " + air.name() + " declares "
                    + air.publicValueCount());
        }
        int n = main[0].length;
        for (int[] c : main) {
            if (c.length != n) {
                throw new IllegalArgumentException("trace columns differ in height");
            }
        }
        if (Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("trace height " + n + " is not a power of two");
        }
        int logN = Integer.numberOfTrailingZeros(n);
        if (logN < air.minLogN() || logN > air.maxLogN()) {
            throw new IllegalArgumentException("trace height 2^" + logN + " outside " + air.name() + "'s range");
        }
        return n;
    }

    /** Inverse transform of the quotient codeword, the self-check, and the q coefficient chunks. */
    private int[][] splitQuotient(int[][] codeword, int n, int q, int logD) {
        int[][] coeffs = new int[4][];
        for (int c = 0; c < 4; c++) {
            coeffs[c] = Lde.interpolateCoset(codeword[c], Lde.SHIFT);
        }
        if (selfCheck) {
            for (int c = 0; c < 4; c++) {
                for (int j = q * n; j < coeffs[c].length; j++) {
                    if (coeffs[c][j] != 0) {
                        throw new IllegalArgumentException("the quotient has degree ≥ " + q + "·n: "
                                + "the witness violates a constraint");
                    }
                }
            }
        }
        int[][] chunks = new int[4 * q][];
        for (int i = 0; i < q; i++) {
            for (int c = 0; c < 4; c++) {
                chunks[4 * i + c] = java.util.Arrays.copyOfRange(coeffs[c], i * n, (i + 1) * n);
            }
        }
        return chunks;
    }

    private static TreeOpening open(MerkleTree tree, int[][] columns, int index) {
        int[] row = new int[columns.length];
        for (int c = 0; c < columns.length; c++) {
            row[c] = columns[c][index];
        }
        return new TreeOpening(row, tree.path(index));
    }

    static int[][] concat(int[][]... parts) {
        int total = 0;
        for (int[][] p : parts) {
            total += p.length;
        }
        int[][] out = new int[total][];
        int at = 0;
        for (int[][] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
