package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.exec.Segment;
import dev.bentoj.zkvm.exec.TestPrograms;
import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.stark.VerificationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.function.Consumer;

import static dev.bentoj.zkvm.exec.Asm.*;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * End to end, the rejection list of prover.md: a witness generator patched to break one rule,
 * the prover's self-check off, a complete proof emitted — and the verifier refuses it. (The AIR
 * level of the same list, and more, is in {@link WitnessRejectionTest}.)
 */
class PatchedProofTest {
    static Segment segment;
    static Rv32imAir air;
    static int[][] honest;

    @BeforeAll
    static void witness() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(8, TestPrograms.DATA_BASE + 64)).add(li(5, 77)).add(li(6, 7));
        c.add(add(7, 5, 6), sw(7, 8, 0), lw(9, 8, 0), beq(6, 6, 8), addi(9, 9, 1), addi(0, 5, 1));
        c.add(addi(10, 0, 0)).haltWithA0();
        Proving.Run run = Proving.execute(TestPrograms.program(c, new byte[128]), new byte[0], 16);
        segment = run.segments().get(0);
        air = new Rv32imAir(SegmentWitness.pagesOf(segment));
        honest = SegmentWitness.build(segment, run.result().journal(), air);
    }

    static int rowOf(Op op, int nth) {
        int seen = 0;
        for (int i = 0; i < honest[0].length; i++) {
            if (honest[op.column()][i] == BabyBear.ONE && seen++ == nth) {
                return i;
            }
        }
        throw new AssertionError(op + " not found");
    }

    static void bump(int[][] t, int col, int row, int delta) {
        t[col][row] = BabyBear.add(t[col][row], BabyBear.toMont(Math.floorMod(delta, BabyBear.P)));
    }

    static void refuses(Consumer<int[][]> patch) {
        int[][] t = AirCheck.copy(honest);
        patch.accept(t);
        try {
            SegmentWitness.countLookups(t, air);
        } catch (IllegalStateException outOfTable) {
            // keep the old counts
        }
        SegmentProof p = SegmentProver.insecureForTests().prove(segment, air, t, false);
        assertThrows(VerificationException.class, () -> Proving.VERIFIER.verify(p));
    }

    @Test
    void addOffByOne() {
        int r = rowOf(Op.ADD, 0);
        refuses(t -> bump(t, Cols.C, r, 1));
    }

    @Test
    void staleMemoryRead() {
        int r = rowOf(Op.LW, 0);
        refuses(t -> {
            bump(t, Cols.PV, r, 1);
            bump(t, Cols.W, r, 1);
            bump(t, Cols.C, r, 1);
        });
    }

    @Test
    void wrongBranchTarget() {
        int r = rowOf(Op.BEQ, 0);
        refuses(t -> {
            bump(t, Cols.NP_LO, r, 4);
            bump(t, Cols.PC0Q, r + 1, 1);
        });
    }

    @Test
    void forgedTimestampOrder() {
        int r = rowOf(Op.LW, 0);
        refuses(t -> {
            bump(t, Cols.PTS_X, r, 16);
            bump(t, Cols.DL_X, r, -16);
        });
    }

    @Test
    void unconstrainedRegisterWrite() {
        int k = 0;
        while (BabyBear.fromMont(honest[Cols.RD0][rowOf(Op.ADDI, k)]) + BabyBear.fromMont(honest[Cols.RDH][rowOf(Op.ADDI, k)]) != 0) {
            k++;
        }
        int r = rowOf(Op.ADDI, k); // addi x0, x5, 1
        refuses(t -> t[Cols.RDW][r] = BabyBear.ONE);
    }
}
