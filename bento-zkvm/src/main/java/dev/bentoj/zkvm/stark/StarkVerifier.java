package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.Air;
import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.air.Constraint;
import dev.bentoj.zkvm.air.Expr;
import dev.bentoj.zkvm.air.Interaction;
import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;
import dev.bentoj.zkvm.fri.FriSchedule;
import dev.bentoj.zkvm.fri.FriVerifier;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.HashSuite;
import dev.bentoj.zkvm.merkle.ColumnMajorLeaves;
import dev.bentoj.zkvm.merkle.MerkleTree;
import dev.bentoj.zkvm.ntt.Lde;
import dev.bentoj.zkvm.transcript.Transcript;

import java.util.List;

/**
 * The STARK verifier of {@code stark-protocol.md} §3.4: strict parsing and parameter policy,
 * the transcript replayed with every grinding nonce checked, the LogUp balance, the
 * out-of-domain identity, and every query through the trees and FRI. Every failure is a
 * {@link VerificationException} with its reason; nothing else escapes.
 */
public final class StarkVerifier {
    private final VerifierPolicy policy;

    public StarkVerifier(VerifierPolicy policy) {
        this.policy = policy;
    }

    /**
     * Verifies {@code proof} for {@code air} and returns its public values (canonical).
     *
     * @throws VerificationException naming the first check that failed
     */
    public int[] verify(Air air, byte[] proof) throws VerificationException {
        AirLayout layout = AirLayout.of(air);
        return verify(layout, ProofCodec.decode(proof, layout));
    }

    /**
     * As {@link #verify(Air, byte[])} for a proof the caller has decoded already with
     * {@code layout} (to look at its header first, as the segment verifier does).
     */
    public int[] verify(AirLayout layout, StarkProof p) throws VerificationException {
        try {
            check(layout, p);
        } catch (RuntimeException e) {
            throw new VerificationException("malformed proof: " + e.getMessage());
        }
        return p.publicValues().clone();
    }

    private void check(AirLayout layout, StarkProof p) throws VerificationException {
        Air air = layout.air();
        StarkParameters params = p.params();
        int logN = p.logN();
        int n = 1 << logN;
        int logD = logN + params.logBlowup();
        checkPolicy(layout, params, logN);
        int[] publicValues = p.publicValues();
        try {
            air.checkPublicValues(publicValues);
        } catch (IllegalArgumentException e) {
            throw new VerificationException("public values rejected: " + e.getMessage());
        }
        if (layout.hasLookups() && !layout.multiplicitiesBounded(logN,
                air.publicInteractions(publicValues).size())) {
            throw new VerificationException("n·I reaches p: LogUp counts could wrap around");
        }
        int[] pub = new int[publicValues.length];
        for (int i = 0; i < pub.length; i++) {
            pub[i] = BabyBear.toMont(publicValues[i]);
        }

        // V2: replay the transcript.
        HashSuite suite = params.hashSuite();
        Transcript t = ProtocolTranscript.start(params, layout, logN, publicValues);
        Digest preRoot = null;
        if (air.preprocessedWidth() > 0) {
            preRoot = air.preprocessedRoot(logN, params.logBlowup(), suite);
            if (preRoot == null) {
                preRoot = MerkleTree.commit(new ColumnMajorLeaves(
                        Lde.extend(air.preprocessedColumns(logN), params.logBlowup())), suite).root();
            }
            t.observeDigest(preRoot);
        }
        t.observeDigest(p.mainRoot());
        Ext alphaL = Ext.ZERO;
        Ext[] betaPowers = new Ext[0];
        if (layout.hasLookups()) {
            requireGrind(t, params.powLookup(), p.lookupNonce(), "lookup");
            alphaL = t.sampleExt();
            betaPowers = LogUp.betaPowers(t.sampleExt(), layout.tupleWidth());
            t.observeDigest(p.auxRoot());
            t.observeExt(p.logUpSum());
        }
        Ext alpha = t.sampleExt();
        t.observeDigest(p.quotientRoot());
        requireGrind(t, params.powOod(), p.oodNonce(), "out-of-domain");
        Ext z = OutOfDomain.drawPoint(t, logN, logD);
        Ext zNext = z.mulBase(BabyBear.rootOfUnity(logN));
        Ext[] ood = p.oodValues();
        for (Ext v : ood) {
            t.observeExt(v);
        }
        Ext gamma = t.sampleExt();
        FriSchedule schedule = FriSchedule.of(logN, params.logBlowup(), params.logArity(), params.logFinal());
        Ext[] betas = new Ext[schedule.rounds()];
        for (int i = 0; i < schedule.rounds(); i++) {
            t.observeDigest(p.friRoots()[i]);
            requireGrind(t, params.powCommit(), p.friNonces()[i], "FRI commit round " + i);
            betas[i] = t.sampleExt();
        }
        for (Ext c : p.finalPolynomial()) {
            t.observeExt(c);
        }
        requireGrind(t, params.powQuery(), p.queryNonce(), "query");

        // V3: LogUp balance with the verifier's own public terms.
        if (layout.hasLookups()) {
            Ext sPub = LogUp.publicSum(air.publicInteractions(publicValues), alphaL, betaPowers);
            if (!p.logUpSum().add(sPub).isZero()) {
                throw new VerificationException("LogUp sums do not balance: Σ + S_pub ≠ 0");
            }
        }

        // V4: the out-of-domain identity.
        int wPre = air.preprocessedWidth();
        int wMain = air.mainWidth();
        int w = wPre + wMain + layout.auxWidth();
        Expr.ExtRow row = new Expr.ExtRow() {
            public Ext column(boolean preprocessed, int index, boolean next) {
                return ood[(next ? w : 0) + (preprocessed ? 0 : wPre) + index];
            }

            public int publicValue(int index) {
                return pub[index];
            }
        };
        List<Constraint> constraints = air.constraints();
        Ext[] values = new Ext[layout.constraintCount()];
        for (int i = 0; i < constraints.size(); i++) {
            values[i] = constraints.get(i).expr().evalExt(row);
        }
        if (layout.hasLookups()) {
            List<Interaction> interactions = air.interactions();
            Ext[] phi = new Ext[interactions.size()];
            Ext[] mult = new Ext[interactions.size()];
            for (int j = 0; j < interactions.size(); j++) {
                Interaction x = interactions.get(j);
                Ext[] tuple = new Ext[x.values().size()];
                for (int k = 0; k < tuple.length; k++) {
                    tuple[k] = x.values().get(k).evalExt(row);
                }
                phi[j] = LogUp.denominator(alphaL, betaPowers, tuple, x.bus());
                mult[j] = x.multiplicity().evalExt(row);
            }
            int groups = layout.groupCount();
            int auxAt = wPre + wMain;
            Ext[] h = new Ext[groups];
            Ext[] hNext = new Ext[groups];
            for (int g = 0; g < groups; g++) {
                h[g] = fromCoordinates(ood, auxAt + 4 * g);
                hNext[g] = fromCoordinates(ood, w + auxAt + 4 * g);
            }
            Ext acc = fromCoordinates(ood, auxAt + 4 * groups);
            Ext accNext = fromCoordinates(ood, w + auxAt + 4 * groups);
            Ext[] lu = LogUp.constraintValues(layout, phi, mult, h, hNext, acc, accNext, p.logUpSum());
            System.arraycopy(lu, 0, values, constraints.size(), lu.length);
        }
        Ext zn = z.pow(n);
        Ext zh = zn.sub(Ext.ONE);
        Ext lastPoint = Ext.fromBase(BabyBear.pow(BabyBear.rootOfUnity(logN), n - 1));
        Ext sFirst = zh.mul(z.sub(Ext.ONE).inv());
        Ext sLast = zh.mul(z.sub(lastPoint).inv());
        Ext combined = new ConstraintFolder(layout).fold(values, alpha, sFirst, sLast, z.sub(lastPoint));
        Ext quotientAtZ = Ext.ZERO;
        Ext znPow = Ext.ONE;
        for (int i = 0; i < layout.quotientChunks(); i++) {
            quotientAtZ = quotientAtZ.add(znPow.mul(fromCoordinates(ood, 2 * w + 4 * i)));
            znPow = znPow.mul(zn);
        }
        if (!combined.equals(zh.mul(quotientAtZ))) {
            throw new VerificationException("out-of-domain check failed: the constraints do not match the quotient");
        }

        // V5: queries.
        Ext[] gammaPow = new Ext[ood.length];
        Ext g = Ext.ONE;
        for (int e = 0; e < ood.length; e++) {
            gammaPow[e] = g;
            g = g.mul(gamma);
        }
        Ext constZ = Ext.ZERO;
        Ext constZNext = Ext.ZERO;
        for (int e = 0; e < w; e++) {
            constZ = constZ.add(gammaPow[e].mul(ood[e]));
            constZNext = constZNext.add(gammaPow[w + e].mul(ood[w + e]));
        }
        for (int e = 2 * w; e < ood.length; e++) {
            constZ = constZ.add(gammaPow[e].mul(ood[e]));
        }
        Digest[] roots = treeRoots(layout, preRoot, p);
        for (int qi = 0; qi < p.queries().size(); qi++) {
            StarkProof.Query query = p.queries().get(qi);
            int index = t.sampleBits(logD);
            List<StarkProof.TreeOpening> trees = query.trees();
            if (trees.size() != roots.length) {
                throw new VerificationException("query " + qi + " opens " + trees.size() + " trees, expected " + roots.length);
            }
            for (int k = 0; k < roots.length; k++) {
                StarkProof.TreeOpening o = trees.get(k);
                if (!MerkleTree.verify(suite, roots[k], index, o.row(), o.path(), logD)) {
                    throw new VerificationException("query " + qi + ": row " + index + " of tree " + k
                            + " does not verify against its root");
                }
            }
            // F(x_0) from the opened rows: trace columns (pre, main, aux) then quotient columns.
            Ext sumZ = Ext.ZERO;
            Ext sumZNext = Ext.ZERO;
            int e = 0;
            int quotTree = roots.length - 1;
            for (int k = 0; k < quotTree; k++) {
                for (int v : trees.get(k).row()) {
                    sumZ = sumZ.add(gammaPow[e].mulBase(v));
                    sumZNext = sumZNext.add(gammaPow[w + e].mulBase(v));
                    e++;
                }
            }
            int[] quotRow = trees.get(quotTree).row();
            for (int c = 0; c < quotRow.length; c++) {
                sumZ = sumZ.add(gammaPow[2 * w + c].mulBase(quotRow[c]));
            }
            Ext x0 = Ext.fromBase(Domains.pointAt(logD, index));
            Ext f0 = sumZ.sub(constZ).mul(x0.sub(z).inv()).add(sumZNext.sub(constZNext).mul(x0.sub(zNext).inv()));
            String failure = FriVerifier.checkQuery(schedule, suite, p.friRoots(), betas, p.finalPolynomial(), index,
                    f0, query.rounds());
            if (failure != null) {
                throw new VerificationException("query " + qi + ": " + failure);
            }
        }
    }

    private void checkPolicy(AirLayout layout, StarkParameters params, int logN) throws VerificationException {
        if (layout.quotientChunks() > params.blowup()) {
            throw new VerificationException("the AIR needs " + layout.quotientChunks()
                    + " quotient chunks, more than the blowup " + params.blowup());
        }
        if (policy.allowInsecure()) {
            return;
        }
        boolean listed = false;
        for (StarkParameters.Preset preset : StarkParameters.Preset.values()) {
            listed |= preset.matchesQuerySide(params);
        }
        if (!listed) {
            throw new VerificationException("parameters are not an allow-listed set (blowup, arity, final length, "
                    + "queries, query proof-of-work)");
        }
        double bits = Security.conjecturedBits(params, layout, logN);
        if (bits < policy.minBits()) {
            throw new VerificationException(String.format("parameters give %.1f conjectured bits, below the %.0f required",
                    bits, policy.minBits()));
        }
    }

    private static Digest[] treeRoots(AirLayout layout, Digest preRoot, StarkProof p) {
        java.util.List<Digest> roots = new java.util.ArrayList<>(4);
        if (preRoot != null) {
            roots.add(preRoot);
        }
        roots.add(p.mainRoot());
        if (layout.hasLookups()) {
            roots.add(p.auxRoot());
        }
        roots.add(p.quotientRoot());
        return roots.toArray(new Digest[0]);
    }

    private static void requireGrind(Transcript t, int bits, int nonce, String site) throws VerificationException {
        if (!t.checkGrind(bits, nonce)) {
            throw new VerificationException("proof-of-work nonce at the " + site + " site is wrong");
        }
    }

    /** v_0 + v_1·X + v_2·X² + v_3·X³ from four coordinate-column openings. */
    static Ext fromCoordinates(Ext[] values, int at) {
        Ext x = new Ext(0, BabyBear.ONE, 0, 0);
        Ext acc = values[at + 3];
        for (int c = 2; c >= 0; c--) {
            acc = acc.mul(x).add(values[at + c]);
        }
        return acc;
    }
}
