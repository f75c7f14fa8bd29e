package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.Air;
import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.air.Constraint;
import dev.bentoj.zkvm.field.BabyBear;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Every proof test beside its tampered twins: each twin must end in a VerificationException. */
class StarkRejectionTest {
    private static final StarkParameters FAST = StarkParameters.insecureForTests();
    private static final StarkVerifier LENIENT = new StarkVerifier(VerifierPolicy.insecureForTests());

    private static byte[] prove(Air air, ExampleAirs.Witness w, StarkParameters params, boolean selfCheck) {
        StarkProof p = new StarkProver(params, selfCheck).prove(air, w.columns(), w.publicValues());
        return ProofCodec.encode(p, AirLayout.of(air));
    }

    private static void assertRejected(Air air, byte[] proof, String what) {
        try {
            LENIENT.verify(air, proof);
            fail("accepted a proof with " + what);
        } catch (VerificationException expected) {
            // the twin is rejected, with a reason
            assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty());
        }
    }

    @Test
    void everyBitFlipOfASmallProofIsRejected() throws Exception {
        var air = new ExampleAirs.Fibonacci();
        byte[] proof = prove(air, ExampleAirs.Fibonacci.witness(3, 2, 5), FAST, true);
        LENIENT.verify(air, proof);
        for (int i = 0; i < proof.length; i++) {
            byte[] bad = proof.clone();
            bad[i] ^= (byte) (1 << (i % 8));
            assertRejected(air, bad, "bit " + (i % 8) + " of byte " + i + " flipped");
        }
    }

    @Test
    void everyBitFlipOfALookupProofIsRejected() throws Exception {
        var air = new ExampleAirs.PublicMemory();
        byte[] proof = prove(air, ExampleAirs.PublicMemory.witness(3), FAST, true);
        LENIENT.verify(air, proof);
        for (int i = 0; i < proof.length; i++) {
            byte[] bad = proof.clone();
            bad[i] ^= (byte) (0x80 >>> (i % 8));
            assertRejected(air, bad, "bit of byte " + i + " flipped");
        }
    }

    @Test
    void truncatedAndExtendedProofsAreRejected() throws Exception {
        var air = new ExampleAirs.Fibonacci();
        byte[] proof = prove(air, ExampleAirs.Fibonacci.witness(5, 1, 1), FAST, true);
        LENIENT.verify(air, proof);
        assertRejected(air, Arrays.copyOf(proof, proof.length - 1), "one byte cut");
        assertRejected(air, Arrays.copyOf(proof, proof.length - 4), "one field element cut");
        assertRejected(air, Arrays.copyOf(proof, proof.length + 1), "one byte appended");
        assertRejected(air, Arrays.copyOf(proof, proof.length + 4), "four bytes appended");
        assertRejected(air, new byte[0], "nothing");
        assertRejected(air, Arrays.copyOf(proof, ProofCodec.HEADER_BYTES), "only the header");
    }

    @Test
    void aFieldElementPlusPIsRejectedNotReduced() throws Exception {
        var air = new ExampleAirs.Fibonacci();
        byte[] proof = prove(air, ExampleAirs.Fibonacci.witness(5, 1, 1), FAST, true);
        // Every 4-byte aligned word after the header is a field element (or part of a digest).
        for (int at = ProofCodec.HEADER_BYTES; at + 4 <= proof.length; at += 4) {
            ByteBuffer b = ByteBuffer.wrap(proof.clone()).order(ByteOrder.LITTLE_ENDIAN);
            long v = Integer.toUnsignedLong(b.getInt(at)) + BabyBear.P;
            if (v < (1L << 32)) {
                b.putInt(at, (int) v);
                assertRejected(air, b.array(), "a field element at " + at + " replaced by itself + p");
            }
        }
    }

    @Test
    void headerFieldsAreChecked() throws Exception {
        var air = new ExampleAirs.Fibonacci();
        byte[] proof = prove(air, ExampleAirs.Fibonacci.witness(5, 1, 1), FAST, true);
        // num_public at 92: huge and zero fail without allocating.
        for (int numPublic : new int[] {Integer.MIN_VALUE, 0, 2, 4, -1}) {
            byte[] bad = proof.clone();
            ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(92, numPublic);
            assertRejected(air, bad, "num_public " + numPublic);
        }
        // log_n at 88: any other height, including absurd ones.
        for (int logN : new int[] {0, 4, 6, 25, 27, 255}) {
            byte[] bad = proof.clone();
            bad[88] = (byte) logN;
            assertRejected(air, bad, "log_n " + logN);
        }
        // the AIR id (56..88) of another AIR
        byte[] other = proof.clone();
        System.arraycopy(AirLayout.of(new ExampleAirs.Permutation()).airId(), 0, other, 56, 32);
        assertRejected(air, other, "another AIR's id");
    }

    @Test
    void changedPublicValuesAreRejected() throws Exception {
        var air = new ExampleAirs.Fibonacci();
        var w = ExampleAirs.Fibonacci.witness(5, 1, 1);
        byte[] proof = prove(air, w, FAST, true);
        for (int i = 0; i < 3; i++) {
            byte[] bad = proof.clone();
            ByteBuffer b = ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(96 + 4 * i, (b.getInt(96 + 4 * i) + 1) % BabyBear.P);
            assertRejected(air, bad, "public value " + i + " changed after proving");
        }
    }

    @Test
    void swappedRootsAreRejected() throws Exception {
        var air = new ExampleAirs.PublicMemory();
        var w = ExampleAirs.PublicMemory.witness(3);
        StarkProof p = new StarkProver(FAST).prove(air, w.columns(), w.publicValues());
        StarkProof swapped = new StarkProof(p.params(), p.airId(), p.logN(), p.publicValues(), p.auxRoot(),
                p.lookupNonce(), p.mainRoot(), p.logUpSum(), p.quotientRoot(), p.oodNonce(), p.oodValues(),
                p.friRoots(), p.friNonces(), p.finalPolynomial(), p.queryNonce(), p.queries());
        assertRejected(air, ProofCodec.encode(swapped, AirLayout.of(air)), "main and aux roots swapped");
    }

    @Test
    void aQueryAnswerMovedToAnotherIndexIsRejected() throws Exception {
        var air = new ExampleAirs.Fibonacci();
        var w = ExampleAirs.Fibonacci.witness(5, 1, 1);
        StarkProof p = new StarkProver(FAST).prove(air, w.columns(), w.publicValues());
        List<StarkProof.Query> moved = new ArrayList<>(p.queries());
        StarkProof.Query first = moved.get(0);
        moved.set(0, moved.get(1));
        moved.set(1, first);
        StarkProof bad = new StarkProof(p.params(), p.airId(), p.logN(), p.publicValues(), p.mainRoot(),
                p.lookupNonce(), p.auxRoot(), p.logUpSum(), p.quotientRoot(), p.oodNonce(), p.oodValues(),
                p.friRoots(), p.friNonces(), p.finalPolynomial(), p.queryNonce(), moved);
        assertRejected(air, ProofCodec.encode(bad, AirLayout.of(air)), "two query answers swapped");
    }

    /** A witness that breaks one constraint, proven with the self-check off, never verifies. */
    @ParameterizedTest
    @ValueSource(strings = {"first", "transition", "last"})
    void aWitnessBreakingOneConstraintDoesNotVerify(String which) {
        var air = new ExampleAirs.Fibonacci();
        var w = ExampleAirs.Fibonacci.witness(5, 1, 1);
        int[][] cols = Arrays.stream(w.columns()).map(int[]::clone).toArray(int[][]::new);
        int[] pub = w.publicValues().clone();
        switch (which) {
            case "first" -> pub[0] = 2;                       // a_0 ≠ pub0
            case "transition" -> cols[1][10] = BabyBear.add(cols[1][10], BabyBear.ONE); // b' ≠ a + b once
            default -> pub[2] = (pub[2] + 1) % BabyBear.P;   // b_last ≠ pub2
        }
        var bad = new ExampleAirs.Witness(cols, pub);
        assertThrows(IllegalArgumentException.class, () -> prove(air, bad, FAST, true), "the self-check catches it");
        byte[] proof = prove(air, bad, FAST, false);
        assertRejected(air, proof, "a broken " + which + " constraint");
    }

    @Test
    void anOutOfRangeLookupDoesNotVerify() {
        var air = new ExampleAirs.RangeCheck();
        var w = ExampleAirs.RangeCheck.witness(8, 3);
        int[][] cols = Arrays.stream(w.columns()).map(int[]::clone).toArray(int[][]::new);
        cols[0][5] = BabyBear.toMont(256); // not a byte
        cols[2][5] = BabyBear.toMont(256 * 256);
        byte[] proof = prove(air, new ExampleAirs.Witness(cols, w.publicValues()), FAST, false);
        assertRejected(air, proof, "a value outside the table");
    }

    @Test
    void aPermutationThatIsNotOneDoesNotVerify() {
        var air = new ExampleAirs.Permutation();
        var w = ExampleAirs.Permutation.witness(5, 4);
        int[][] cols = Arrays.stream(w.columns()).map(int[]::clone).toArray(int[][]::new);
        cols[1][3] = cols[1][4]; // a duplicate instead of one value
        byte[] proof = prove(air, new ExampleAirs.Witness(cols, w.publicValues()), FAST, false);
        assertRejected(air, proof, "a column that is not a permutation");
    }

    @Test
    void aPublicTupleOmittedOrListedTwiceDoesNotVerify() {
        var air = new ExampleAirs.PublicMemory();
        var w = ExampleAirs.PublicMemory.witness(3);
        // The trace omits pair 2 (selector off): the verifier's public terms no longer balance.
        int[][] cols = Arrays.stream(w.columns()).map(int[]::clone).toArray(int[][]::new);
        cols[3][2] = 0;
        assertRejected(air, prove(air, new ExampleAirs.Witness(cols, w.publicValues()), FAST, false),
                "a public pair missing from the trace");
        // The public values list pair 0 twice instead of pair 2.
        int[] pub = w.publicValues().clone();
        pub[4] = pub[0];
        pub[5] = pub[1];
        assertRejected(air, prove(air, new ExampleAirs.Witness(w.columns(), pub), FAST, false),
                "a public pair listed twice");
    }

    /** No constraint is vacuous: without constraint i, a witness that breaks only i verifies. */
    @Test
    void deletingAnyOneConstraintLetsABadWitnessThrough() throws Exception {
        var full = new ExampleAirs.Fibonacci();
        List<Constraint> all = full.constraints();
        for (int i = 0; i < all.size(); i++) {
            List<Constraint> fewer = new ArrayList<>(all);
            Constraint removed = fewer.remove(i);
            var reduced = new ExampleAirs.Fibonacci(fewer);
            var w = ExampleAirs.Fibonacci.witness(4, 1, 1);
            int[][] cols = Arrays.stream(w.columns()).map(int[]::clone).toArray(int[][]::new);
            int[] pub = w.publicValues().clone();
            switch (i) {
                case 0 -> pub[0] = 9;
                case 1 -> pub[1] = 9;
                case 2, 3 -> {
                    // Break the one transition once (a at row 7, or b at row 8), then continue the
                    // sequence honestly so that every other constraint still holds.
                    int n = cols[0].length;
                    int from = i == 2 ? 8 : 9;
                    if (i == 2) {
                        cols[0][7] = BabyBear.add(cols[0][7], BabyBear.ONE);
                    } else {
                        cols[1][8] = BabyBear.add(cols[1][8], BabyBear.ONE);
                    }
                    for (int r = from; r < n; r++) {
                        cols[0][r] = cols[1][r - 1];
                        cols[1][r] = BabyBear.add(cols[0][r - 1], cols[1][r - 1]);
                    }
                    pub[2] = BabyBear.fromMont(cols[1][n - 1]);
                }
                default -> pub[2] = 9;
            }
            var bad = new ExampleAirs.Witness(cols, pub);
            assertThrows(IllegalArgumentException.class, () -> prove(full, bad, FAST, true),
                    "the full AIR refuses the witness that breaks '" + removed.name() + "'");
            byte[] proof = prove(reduced, bad, FAST, true);
            assertArrayEquals(pub, LENIENT.verify(reduced, proof), "without '" + removed.name() + "' it verifies");
        }
    }

    @Test
    void theStandardPolicyRejectsWeakParametersAndAcceptsP96() throws Exception {
        var air = new ExampleAirs.Fibonacci();
        var w = ExampleAirs.Fibonacci.witness(6, 1, 1);
        StarkVerifier standard = new StarkVerifier(VerifierPolicy.standard());
        byte[] weak = prove(air, w, FAST, true);
        VerificationException e = assertThrows(VerificationException.class, () -> standard.verify(air, weak));
        assertTrue(e.getMessage().contains("allow-listed"), e.getMessage());
        StarkParameters p96 = StarkParameters.Preset.P96_B4.forAir(AirLayout.of(air), 6);
        byte[] strong = prove(air, w, p96, true);
        assertArrayEquals(w.publicValues(), standard.verify(air, strong));
        assertTrue(Security.conjecturedBits(p96, AirLayout.of(air), 6) >= 96);
    }
}
