package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.exec.TestPrograms;
import dev.bentoj.zkvm.stark.VerificationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.function.Consumer;

import static dev.bentoj.zkvm.exec.Asm.*;
import static dev.bentoj.zkvm.rv32im.Witness.bump;
import static dev.bentoj.zkvm.rv32im.Witness.set;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * End to end, the rejection list of prover.md: a witness generator patched to break one rule,
 * the prover's self-check off, a complete proof emitted — and the verifier refuses it. (The AIR
 * level of the same list, and more, is in {@link WitnessRejectionTest}.)
 */
class PatchedProofTest {
    static Witness w;

    @BeforeAll
    static void witness() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(8, TestPrograms.DATA_BASE + 64)).add(li(5, 77)).add(li(6, 7));
        c.add(add(7, 5, 6), sw(7, 8, 0), lw(9, 8, 0), beq(6, 6, 8), addi(9, 9, 1), addi(0, 5, 1));
        c.add(addi(10, 0, 0)).haltWithA0();
        w = Witness.of(c, new byte[128]);
    }

    static void refuses(Consumer<int[][]> patch) {
        SegmentProof p = SegmentProver.insecureForTests().prove(w.segment, w.air, w.patched(patch), false);
        assertThrows(VerificationException.class, () -> Proving.VERIFIER.verify(p));
    }

    @Test
    void addOffByOne() {
        int r = w.rowOf(Op.ADD, 0);
        refuses(t -> bump(t, Cols.C, r, 1));
    }

    @Test
    void staleMemoryRead() {
        int r = w.rowOf(Op.LW, 0);
        refuses(t -> {
            bump(t, Cols.PV, r, 1);
            bump(t, Cols.W, r, 1);
            bump(t, Cols.C, r, 1);
        });
    }

    @Test
    void wrongBranchTarget() {
        int r = w.rowOf(Op.BEQ, 0);
        refuses(t -> {
            bump(t, Cols.NP_LO, r, 4);
            bump(t, Cols.PC0Q, r + 1, 1);
        });
    }

    @Test
    void forgedTimestampOrder() {
        int r = w.rowOf(Op.LW, 0);
        refuses(t -> {
            bump(t, Cols.PTS_X, r, 16);
            bump(t, Cols.DL_X, r, -16);
        });
    }

    @Test
    void unconstrainedRegisterWrite() {
        int r = w.rowWritingX0(Op.ADDI);
        refuses(t -> set(t, Cols.RDW, r, 1));
    }
}
