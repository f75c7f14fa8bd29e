package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.exec.Segment;
import dev.bentoj.zkvm.exec.TestPrograms;
import dev.bentoj.zkvm.field.BabyBear;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Consumer;

import static dev.bentoj.zkvm.exec.Asm.*;
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
    static Rv32imAir air;
    static int[][] honest;
    static AirCheck check;

    @BeforeAll
    static void witness() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(8, DATA)).add(li(5, 0x80ff_7f01)).add(li(6, 7));
        c.add(add(7, 5, 6), addi(0, 5, 1), sw(5, 8, 0), lw(9, 8, 0), lb(9, 8, 3), lbu(9, 8, 3), div(9, 6, 0),
                sll(9, 6, 6), sub(9, 5, 6), beq(6, 6, 8), addi(9, 9, 1), mulh(9, 5, 5), xor(9, 5, 6),
                blt(5, 6, 8), addi(9, 9, 1), jal(1, 4), sb(6, 8, 5));
        c.add(addi(10, 0, 0)).haltWithA0();
        Proving.Run run = Proving.execute(TestPrograms.program(c, new byte[64]), new byte[0], 16);
        Segment s = run.segments().get(0);
        air = new Rv32imAir(SegmentWitness.pagesOf(s));
        honest = SegmentWitness.build(s, run.result().journal(), air);
        check = new AirCheck(air, honest, SegmentProver.publicValues(s, air.pages()));
    }

    static int rowOf(Op op, int nth) {
        int seen = 0;
        for (int i = 0; i < honest[0].length; i++) {
            if (honest[op.column()][i] == BabyBear.ONE && seen++ == nth) {
                return i;
            }
        }
        throw new AssertionError(op + " #" + nth + " not in the trace");
    }

    static int firstRow(int column) {
        for (int i = 0; i < honest[0].length; i++) {
            if (honest[column][i] == BabyBear.ONE) {
                return i;
            }
        }
        throw new AssertionError("column " + column + " never set");
    }

    static int get(int[][] t, int col, int row) {
        return BabyBear.fromMont(t[col][row]);
    }

    static void set(int[][] t, int col, int row, long v) {
        long r = v % BabyBear.P;
        t[col][row] = BabyBear.toMont((int) (r < 0 ? r + BabyBear.P : r));
    }

    static void bump(int[][] t, int col, int row, long delta) {
        set(t, col, row, get(t, col, row) + delta);
    }

    /** Patches a copy of the honest witness, recounts the tables if it can, returns the violations. */
    static List<String> rejectionsOf(Consumer<int[][]> patch) {
        int[][] t = AirCheck.copy(honest);
        patch.accept(t);
        try {
            SegmentWitness.countLookups(t, air);
        } catch (IllegalStateException outOfTable) {
            // A value outside its table: no honest count exists; the lookup stays unbalanced.
        }
        List<String> v = check.violations(t);
        assertFalse(v.isEmpty(), "the AIR accepted the patched witness");
        return v;
    }

    @Test
    void honestWitnessPasses() {
        assertTrue(check.violations(AirCheck.copy(honest)).isEmpty());
    }

    @Test
    void addOffByOne() {
        int r = rowOf(Op.ADD, 0);
        assertTrue(rejectionsOf(t -> bump(t, Cols.C, r, 1)).contains("add/sub 0 @" + r));
    }

    @Test
    void addOffByOnePropagatedThroughTheRegister() {
        // The patched result is also what slot D writes: the row is consistent except the rule.
        int r = rowOf(Op.ADD, 0);
        List<String> v = rejectionsOf(t -> bump(t, Cols.C, r, 1));
        assertTrue(v.stream().anyMatch(s -> s.startsWith("add/sub 0")));
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
        int r = rowOf(Op.ADDI, 0);
        for (int k = 1; get(honest, Cols.RD0, r) + 2 * get(honest, Cols.RDH, r) != 0; k++) {
            r = rowOf(Op.ADDI, k); // addi x0, x5, 1
        }
        int row = r;
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
        assertEquals(BabyBear.ONE, honest[Cols.TAKEN][r]);
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
        assertEquals(BabyBear.ONE, honest[Cols.TAKEN][r]);
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
        assertEquals(1, get(honest, Cols.SGL, r));
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
        int r = honest[0].length - 1;
        assertEquals(0, get(honest, Cols.PO, r));
        rejectionsOf(t -> set(t, Cols.RDW, r, 1));
    }

    @Test
    void pageOutRowWrites() {
        int r = firstRow(Cols.PO);
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
