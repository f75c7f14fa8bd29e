package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.transcript.Transcript;

import java.nio.charset.StandardCharsets;

/**
 * Steps 1–4 of the transcript order (§3.2), identical for prover and verifier: the protocol id,
 * every parameter (the commitment hash suite's id among them), the AIR id and shape, the trace
 * height and every public value are absorbed before any challenge exists (Frozen Heart). Public
 * LogUp terms are functions of the public values, so absorbing the values binds them. The
 * transcript itself is Poseidon2 whatever the suite: it is no commitment.
 */
final class ProtocolTranscript {
    private ProtocolTranscript() {
    }

    static Transcript start(StarkParameters p, AirLayout layout, int logN, int[] publicValues) {
        Transcript t = new Transcript();
        t.absorbBytes(ProofCodec.PROTOCOL_ID.getBytes(StandardCharsets.US_ASCII));
        t.observeCanonical(ProofCodec.VERSION);
        t.observeCanonical(p.hashSuite().id());
        t.observeCanonical(ProofCodec.EXT_W);
        t.observeCanonical(p.logBlowup());
        t.observeCanonical(p.logArity());
        t.observeCanonical(p.logFinal());
        t.observeCanonical(p.numQueries());
        t.observeCanonical(p.powLookup());
        t.observeCanonical(p.powOod());
        t.observeCanonical(p.powCommit());
        t.observeCanonical(p.powQuery());
        t.observeCanonical(ProofCodec.COSET_SHIFT);
        t.absorbBytes(layout.airId());
        t.observeCanonical(layout.air().preprocessedWidth());
        t.observeCanonical(layout.air().mainWidth());
        t.observeCanonical(layout.auxWidth());
        t.observeCanonical(layout.quotientChunks());
        t.observeCanonical(layout.constraintCount());
        t.observeCanonical(publicValues.length);
        t.observeCanonical(logN);
        for (int v : publicValues) {
            t.observeCanonical(v);
        }
        return t;
    }
}
