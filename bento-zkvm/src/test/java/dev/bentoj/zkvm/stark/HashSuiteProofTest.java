package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.Air;
import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.hash.HashSuite;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Proofs committing with SHA-256 verify, carry their hash id, and their tampered twins fail. */
class HashSuiteProofTest {
    /** Byte offset of hash_id in the header (§6): magic 4, version and reserved 4, protocol id 32. */
    private static final int HASH_ID_AT = 40;
    private static final StarkParameters SHA = StarkParameters.insecureForTests().withHashSuite(HashSuite.SHA256);
    /** Blowup 8, arity 8, a little grinding at every site. */
    private static final StarkParameters SHA_WIDE_FRI =
            new StarkParameters(3, 3, 4, 8, 2, 2, 2, 2).withHashSuite(HashSuite.SHA256);
    private static final StarkVerifier LENIENT = new StarkVerifier(VerifierPolicy.insecureForTests());

    private static byte[] prove(Air air, ExampleAirs.Witness w, StarkParameters params) {
        return ProofCodec.encode(new StarkProver(params).prove(air, w.columns(), w.publicValues()), AirLayout.of(air));
    }

    private static void assertRejected(Air air, byte[] proof, String what) {
        VerificationException e = assertThrows(VerificationException.class, () -> LENIENT.verify(air, proof),
                "accepted a proof with " + what);
        assertFalse(e.getMessage() == null || e.getMessage().isEmpty());
    }

    @Test
    void everyExampleAirProvesAndVerifiesWithSha256() throws Exception {
        var fib = new ExampleAirs.Fibonacci();
        var w1 = ExampleAirs.Fibonacci.witness(6, 1, 1);
        assertArrayEquals(w1.publicValues(), LENIENT.verify(fib, prove(fib, w1, SHA)));
        var rc = new ExampleAirs.RangeCheck();
        var w2 = ExampleAirs.RangeCheck.witness(9, 1);
        assertArrayEquals(w2.publicValues(), LENIENT.verify(rc, prove(rc, w2, SHA)));
        var pm = new ExampleAirs.Permutation();
        var w3 = ExampleAirs.Permutation.witness(6, 2);
        assertArrayEquals(w3.publicValues(), LENIENT.verify(pm, prove(pm, w3, SHA_WIDE_FRI)));
        var mem = new ExampleAirs.PublicMemory();
        var w4 = ExampleAirs.PublicMemory.witness(4);
        assertArrayEquals(w4.publicValues(), LENIENT.verify(mem, prove(mem, w4, SHA)));
        WideAir wide = new WideAir(7);
        var w5 = wide.witness(8);
        assertArrayEquals(w5.publicValues(), LENIENT.verify(wide, prove(wide, w5, SHA)));
    }

    /** The SHA-256 suite's proof bytes, pinned like {@link ProofStabilityTest} pins Poseidon2's. */
    @Test
    void sha256ProofsAreUnchanged() throws Exception {
        WideAir wide = new WideAir(7);
        assertEquals("d9fa67eb987501473dc63feef503d69696c32d8fe6128bf80684f10fa667c592",
                sha256Hex(prove(wide, wide.witness(9), SHA_WIDE_FRI)), "wide, 2^9 rows, blowup 8");
        assertEquals("5bcefb1a0558b4a3eea6407f2819ebde8e27d90a867954785511bf8410114abb",
                sha256Hex(prove(new ExampleAirs.PublicMemory(), ExampleAirs.PublicMemory.witness(4), SHA)),
                "public memory");
    }

    private static String sha256Hex(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void theHeaderRecordsTheSuite() throws Exception {
        var air = new ExampleAirs.Fibonacci();
        var w = ExampleAirs.Fibonacci.witness(5, 1, 1);
        assertEquals(1, prove(air, w, StarkParameters.insecureForTests())[HASH_ID_AT]);
        byte[] sha = prove(air, w, SHA);
        assertEquals(2, sha[HASH_ID_AT]);
        assertEquals(HashSuite.SHA256, ProofCodec.decode(sha, AirLayout.of(air)).params().hashSuite());
    }

    @Test
    void aChangedHashIdIsRejected() throws Exception {
        var air = new ExampleAirs.PublicMemory();
        var w = ExampleAirs.PublicMemory.witness(3);
        byte[] sha = prove(air, w, SHA);
        byte[] poseidon = prove(air, w, StarkParameters.insecureForTests());
        LENIENT.verify(air, sha);
        LENIENT.verify(air, poseidon);
        byte[] shaAsPoseidon = sha.clone();
        shaAsPoseidon[HASH_ID_AT] = 1;
        assertRejected(air, shaAsPoseidon, "hash id 2 changed to 1");
        byte[] poseidonAsSha = poseidon.clone();
        poseidonAsSha[HASH_ID_AT] = 2;
        assertRejected(air, poseidonAsSha, "hash id 1 changed to 2");
        for (int unknown : new int[] {0, 3, 255}) {
            byte[] bad = sha.clone();
            bad[HASH_ID_AT] = (byte) unknown;
            VerificationException e = assertThrows(VerificationException.class, () -> LENIENT.verify(air, bad));
            assertTrue(e.getMessage().contains("unknown hash id"), e.getMessage());
        }
    }

    @Test
    void everyBitFlipOfASha256ProofIsRejected() throws Exception {
        var air = new ExampleAirs.PublicMemory();
        byte[] proof = prove(air, ExampleAirs.PublicMemory.witness(3), SHA);
        LENIENT.verify(air, proof);
        for (int i = 0; i < proof.length; i++) {
            byte[] bad = proof.clone();
            bad[i] ^= (byte) (1 << (i % 8));
            assertRejected(air, bad, "bit " + (i % 8) + " of byte " + i + " flipped");
        }
    }

    @Test
    void theStandardPolicyAcceptsBothSuitesForTheNamedSets() throws Exception {
        var air = new ExampleAirs.PublicMemory();
        var w = ExampleAirs.PublicMemory.witness(6);
        AirLayout layout = AirLayout.of(air);
        StarkVerifier standard = new StarkVerifier(VerifierPolicy.standard());
        for (HashSuite suite : HashSuite.values()) {
            for (StarkParameters.Preset preset : new StarkParameters.Preset[] {StarkParameters.Preset.P96_B4,
                StarkParameters.Preset.P100_B8}) {
                StarkParameters params = preset.forAir(layout, 6, suite);
                assertEquals(suite, params.hashSuite());
                assertEquals(preset.forAir(layout, 6).withHashSuite(suite), params, "the suite moves no PoW site");
                assertArrayEquals(w.publicValues(), standard.verify(air, prove(air, w, params)), preset + ", " + suite);
                Security.Terms terms = Security.terms(params, layout, 6);
                assertEquals(suite.collisionBits(), terms.hash());
                assertTrue(terms.min() >= preset.targetBits, terms.describe());
            }
        }
    }
}
