package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.exec.Segment;
import dev.bentoj.zkvm.exec.TestPrograms;
import dev.bentoj.zkvm.hash.HashSuite;
import dev.bentoj.zkvm.stark.VerificationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static dev.bentoj.zkvm.exec.Asm.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** An RV32IM segment proven with the SHA-256 commitment suite verifies; with its hash id changed it does not. */
class HashSuiteSegmentProofTest {
    /** Byte offset of hash_id in the STARK proof header. */
    private static final int HASH_ID_AT = 40;

    @ParameterizedTest
    @EnumSource(HashSuite.class)
    void aSegmentProofVerifiesWithEitherSuiteAndItsHashIdIsBound(HashSuite suite) throws Exception {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(8, TestPrograms.DATA_BASE + 64)).add(li(5, 1234)).add(sw(5, 8, 0), lw(6, 8, 0));
        c.add(addi(10, 0, 5)).haltWithA0();
        Proving.Run run = Proving.execute(TestPrograms.program(c, new byte[128]), new byte[0], 16);
        List<Segment> segments = run.segments();
        assertEquals(1, segments.size());
        SegmentProof proof = SegmentProver.insecureForTests(suite).prove(segments.get(0),
                run.result().journal());
        assertEquals(suite.id(), proof.stark()[HASH_ID_AT]);
        assertEquals(5, Proving.VERIFIER.verify(proof).exitCode());

        byte[] relabelled = proof.stark().clone();
        relabelled[HASH_ID_AT] = (byte) (suite == HashSuite.SHA256 ? HashSuite.POSEIDON2_24 : HashSuite.SHA256).id();
        SegmentProof twin = new SegmentProof(proof.po2(), proof.prePc(), proof.postPc(), proof.halted(),
                proof.exitCode(), proof.digestPtr(), proof.pageIndices(), proof.pagesBefore(), proof.pagesAfter(),
                proof.siblings(), relabelled);
        assertThrows(VerificationException.class, () -> Proving.VERIFIER.verify(twin));
    }
}
