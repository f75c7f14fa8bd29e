package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.Air;
import dev.bentoj.zkvm.air.AirLayout;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Prover optimisations must not change a single proof byte: the SHA-256 of fixed proofs as the
 * original prover (one Ext object per row and operation) emitted them.
 */
class ProofStabilityTest {
    private static final StarkParameters FAST = StarkParameters.insecureForTests();
    /** Blowup 8, arity 8, a little grinding at every site. */
    private static final StarkParameters WIDE_FRI = new StarkParameters(3, 3, 4, 8, 2, 2, 2, 2);

    private static String proofHash(Air air, ExampleAirs.Witness w, StarkParameters params) throws Exception {
        StarkProof p = new StarkProver(params).prove(air, w.columns(), w.publicValues());
        byte[] bytes = ProofCodec.encode(p, AirLayout.of(air));
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void exampleProofsAreUnchanged() throws Exception {
        assertEquals("7f6eaf240e37fb12d6d2a176470d03d4659e918c18f3d98f2fac96d274fe4d8a",
                proofHash(new ExampleAirs.Fibonacci(), ExampleAirs.Fibonacci.witness(6, 1, 1), FAST), "fibonacci");
        assertEquals("db4203a50fcb6d1cab74a69254b5fee78f8296aff9c59b239f170c277a091615",
                proofHash(new ExampleAirs.RangeCheck(), ExampleAirs.RangeCheck.witness(9, 1), FAST), "range check");
        assertEquals("fc8d335063110b45e8e3c867ab79a1f9d041ca4cb8456297604db625ab5fef27",
                proofHash(new ExampleAirs.Permutation(), ExampleAirs.Permutation.witness(6, 2), WIDE_FRI), "permutation");
        assertEquals("d2aac8b44d6b309b12a5b3ad11dd3eaf55560c591b07beafdfb4f8cf45ecaad2",
                proofHash(new ExampleAirs.PublicMemory(), ExampleAirs.PublicMemory.witness(4), FAST), "public memory");
    }

    @Test
    void wideProofsAreUnchanged() throws Exception {
        WideAir air = new WideAir(7);
        assertEquals("01073b4b598e14e7af49c682062db9edef87a3c592162a13149b1840bd6ec4e8",
                proofHash(air, air.witness(8), FAST), "wide, 2^8 rows");
        assertEquals("f1d91cb2ec816873bcf07f3453a90462fb935bea7f3ad62b635eed0333cf3597",
                proofHash(air, air.witness(9), WIDE_FRI), "wide, 2^9 rows, blowup 8");
    }
}
