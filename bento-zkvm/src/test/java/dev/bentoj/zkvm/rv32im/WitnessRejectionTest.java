package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.exec.TestPrograms;
import dev.bentoj.zkvm.field.BabyBear;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Consumer;

import static dev.bentoj.zkvm.exec.Asm.*;
import static dev.bentoj.zkvm.rv32im.Witness.bump;
import static dev.bentoj.zkvm.rv32im.Witness.get;
import static dev.bentoj.zkvm.rv32im.Witness.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soundness checklist of rv32im-air.md §9 at the AIR level: each test patches one rule into
 * an honest witness, as a dishonest witness generator would (table multiplicities recounted
 * where the patched values still fit the tables), and requires that some constraint fails or a
 * LogUp sum no longer balances. The honest witness itself passes the same check.
 */
class WitnessRejectionTest {
    static final int DATA = TestPrograms.DATA_BASE + 32;
    static Witness w;
    static AirCheck check;

    @BeforeAll
    static void witness() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(8, DATA)).add(li(5, 0x80ff_7f01)).add(li(6, 7));
        c.add(add(7, 5, 6), addi(0, 5, 1), sw(5, 8, 0), lw(9, 8, 0), lb(9, 8, 3), lbu(9, 8, 3), div(9, 6, 0),
                sll(9, 6, 6), sub(9, 5, 6), beq(6, 6, 8), addi(9, 9, 1), mulh(9, 5, 5), xor(9, 5, 6),
                blt(5, 6, 8), addi(9, 9, 1), jal(1, 4), sb(6, 8, 5));
        c.add(addi(10, 0, 0)).haltWithA0();
        w = Witness.of(c, new byte[64]);
        check = new AirCheck(w.air, w.honest, w.publicValues());
    }

    static int rowOf(Op op, int nth) {
        return w.rowOf(op, nth);
    }

    /** Patches a copy of the honest witness and returns the violations, which must exist. */
    static List<String> rejectionsOf(Consumer<int[][]> patch) {
        List<String> v = check.violations(w.patched(patch));
        assertFalse(v.isEmpty(), "the AIR accepted the patched witness");
        return v;
    }

    @Test
    void honestWitnessPasses() {
        assertTrue(check.violations(AirCheck.copy(w.honest)).isEmpty());
    }

    @Test
    void addOffByOne() {
        int r = rowOf(Op.ADD, 0);
        assertTrue(rejectionsOf(t -> bump(t, Cols.C, r, 1)).contains("add/sub 0 @" + r));
    }

    @Test
    void resultByteOutOfRange() {
        int r = rowOf(Op.ADD, 0);
        rejectionsOf(t -> {
            bump(t, Cols.C, r, 256);
            bump(t, Cols.C + 1, r, -1);
        });
    }

    @Test
    void carryNotBoolean() {
        int r = rowOf(Op.SUB, 0);
        List<String> v = rejectionsOf(t -> {
            set(t, Cols.CA0, r, -1);
            bump(t, Cols.CA1, r, 0);
        });
        assertTrue(v.stream().anyMatch(s -> s.startsWith("bool CA0")));
    }

    @Test
    void selectorsNotOneHot() {
        int r = rowOf(Op.ADD, 0);
        List<String> v = rejectionsOf(t -> set(t, Op.SUB.column(), r, 1));
        assertTrue(v.contains("one-hot @" + r));
    }

    @Test
    void selectorOfTwo() {
        int r = rowOf(Op.ADD, 0);
        rejectionsOf(t -> set(t, Op.ADD.column(), r, 2));
    }

    @Test
    void writeToX0() {
        int row = w.rowWritingX0(Op.ADDI);
        List<String> v = rejectionsOf(t -> set(t, Cols.RDW, row, 1));
        assertTrue(v.contains("rd write @" + row));
    }

    @Test
    void staleMemoryRead() {
        int r = rowOf(Op.LW, 0);
        rejectionsOf(t -> {
            bump(t, Cols.PV, r, 1);
            bump(t, Cols.W, r, 1);
            bump(t, Cols.C, r, 1);
        });
    }

    @Test
    void forgedTimestampOrder() {
        // Claim the value was last written after this read: pts > ts, the gap limbs absorb it.
        int r = rowOf(Op.LW, 0);
        assertTrue(rejectionsOf(t -> {
            bump(t, Cols.PTS_X, r, 16);
            bump(t, Cols.DL_X, r, -16);
        }).contains("LogUp unbalanced"));
    }

    @Test
    void gapSplitAcrossTheField() {
        int r = rowOf(Op.LW, 0);
        rejectionsOf(t -> {
            bump(t, Cols.DL_X, r, 65536);
            bump(t, Cols.DH_X, r, -32);
        });
    }

    @Test
    void wrongBranchTarget() {
        int r = rowOf(Op.BEQ, 0);
        assertEquals(BabyBear.ONE, w.honest[Cols.TAKEN][r]);
        List<String> v = rejectionsOf(t -> {
            bump(t, Cols.NP_LO, r, 4);
            bump(t, Cols.PC0Q, r + 1, 1);
        });
        assertTrue(v.contains("next pc lo @" + r));
    }

    @Test
    void branchNotTakenWhenItMustBe() {
        int r = rowOf(Op.BEQ, 0);
        rejectionsOf(t -> set(t, Cols.TAKEN, r, 0));
    }

    @Test
    void signedCompareAsUnsigned() {
        int r = rowOf(Op.BLT, 0); // 0x80ff7f01 < 7 signed: taken
        assertEquals(BabyBear.ONE, w.honest[Cols.TAKEN][r]);
        rejectionsOf(t -> set(t, Cols.TAKEN, r, 0));
    }

    @Test
    void misalignedWordAccess() {
        int r = rowOf(Op.LW, 0);
        rejectionsOf(t -> {
            set(t, Cols.OH, r, 0);
            set(t, Cols.OH + 2, r, 1);
        });
    }

    @Test
    void loadSignExtensionDropped() {
        int r = rowOf(Op.LB, 0); // byte 0x80
        assertEquals(1, get(w.honest, Cols.SGL, r));
        rejectionsOf(t -> {
            set(t, Cols.SGL, r, 0);
            for (int k = 1; k < 4; k++) {
                set(t, Cols.C + k, r, 0);
            }
        });
    }

    @Test
    void signedDivisionByZeroWithWrongQuotient() {
        int r = rowOf(Op.DIV, 0);
        rejectionsOf(t -> set(t, Cols.MX, r, 0));
    }

    @Test
    void multiplyHighWithoutSignExtension() {
        int r = rowOf(Op.MULH, 0);
        rejectionsOf(t -> set(t, Cols.MA, r, 0));
    }

    @Test
    void pageOffsetLiveOnAnExecutionRow() {
        int r = rowOf(Op.ADD, 0);
        List<String> v = rejectionsOf(t -> set(t, Cols.OA_1, r, 1));
        assertTrue(v.contains("page-out offset 1 @" + r));
    }

    @Test
    void paddingWrites() {
        int r = w.honest[0].length - 1;
        assertEquals(0, get(w.honest, Cols.PO, r));
        rejectionsOf(t -> set(t, Cols.RDW, r, 1));
    }

    @Test
    void pageOutRowWrites() {
        int r = w.firstRow(Cols.PO);
        List<String> v = rejectionsOf(t -> bump(t, Cols.C, r, 1));
        assertTrue(v.contains("page-out reads 0 @" + r));
    }

    @Test
    void executionAfterHalt() {
        int r = rowOf(Op.E_HALT, 0);
        rejectionsOf(t -> {
            set(t, Cols.PO, r + 1, 0);
            set(t, Op.FENCE.column(), r + 1, 1);
        });
    }

    @Test
    void forgedDecodePiece() {
        // rs1 = 40 through r1h = 20: reads a word above the register file.
        int r = rowOf(Op.ADD, 0);
        rejectionsOf(t -> set(t, Cols.R1H, r, 20));
    }

    @Test
    void encodingNotBoundToTheSelector() {
        int r = rowOf(Op.ADD, 0);
        rejectionsOf(t -> {
            set(t, Op.ADD.column(), r, 0);
            set(t, Op.SUB.column(), r, 1);
        });
    }

    @Test
    void timestampsNotIncreasing() {
        int r = rowOf(Op.ADD, 0);
        rejectionsOf(t -> bump(t, Cols.TSB, r + 1, -8));
    }
}
