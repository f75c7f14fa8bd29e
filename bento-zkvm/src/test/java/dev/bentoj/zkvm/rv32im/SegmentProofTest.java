package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.exec.Asm;
import dev.bentoj.zkvm.exec.TestPrograms;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentProofTest {

    @Test
    void provesAndVerifiesASmallProgram() throws Exception {
        TestPrograms.Code c = new TestPrograms.Code()
                .add(Asm.addi(10, 0, 5), Asm.addi(10, 10, 3))
                .haltWithA0();
        Proving.Run run = Proving.prove(TestPrograms.program(c), new byte[0], 16);
        List<SegmentClaim> claims = Proving.verifyAll(run);
        assertEquals(1, claims.size());
        assertTrue(claims.get(0).halted());
        assertEquals(8, claims.get(0).exitCode());
    }
}
