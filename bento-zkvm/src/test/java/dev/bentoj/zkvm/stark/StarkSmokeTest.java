package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.AirLayout;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class StarkSmokeTest {
    @Test
    void fibonacciProvesAndVerifies() throws Exception {
        var air = new ExampleAirs.Fibonacci();
        var w = ExampleAirs.Fibonacci.witness(6, 1, 1);
        StarkParameters params = StarkParameters.insecureForTests();
        StarkProof proof = new StarkProver(params).prove(air, w.columns(), w.publicValues());
        byte[] bytes = ProofCodec.encode(proof, AirLayout.of(air));
        assertArrayEquals(w.publicValues(), new StarkVerifier(VerifierPolicy.insecureForTests()).verify(air, bytes));
    }

    @Test
    void lookupAirsProveAndVerify() throws Exception {
        StarkParameters params = StarkParameters.insecureForTests();
        var v = new StarkVerifier(VerifierPolicy.insecureForTests());
        var rc = new ExampleAirs.RangeCheck();
        var w1 = ExampleAirs.RangeCheck.witness(9, 1);
        v.verify(rc, ProofCodec.encode(new StarkProver(params).prove(rc, w1.columns(), w1.publicValues()), AirLayout.of(rc)));
        var pm = new ExampleAirs.Permutation();
        var w2 = ExampleAirs.Permutation.witness(6, 2);
        v.verify(pm, ProofCodec.encode(new StarkProver(params).prove(pm, w2.columns(), w2.publicValues()), AirLayout.of(pm)));
        var mem = new ExampleAirs.PublicMemory();
        var w3 = ExampleAirs.PublicMemory.witness(4);
        v.verify(mem, ProofCodec.encode(new StarkProver(params).prove(mem, w3.columns(), w3.publicValues()), AirLayout.of(mem)));
    }
}
