package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.exec.Segment;
import dev.bentoj.zkvm.exec.TestPrograms;
import dev.bentoj.zkvm.field.BabyBear;

import java.util.function.Consumer;

/**
 * An honest witness of a small test guest's single segment, and the tools to patch a copy of it
 * as a dishonest witness generator would: cell access in canonical values, rows found by
 * selector, and table multiplicities recounted after the patch where the values still fit.
 */
final class Witness {
    final Segment segment;
    final byte[] journal;
    final Rv32imAir air;
    final int[][] honest;

    private Witness(Segment segment, byte[] journal) {
        this.segment = segment;
        this.journal = journal;
        this.air = new Rv32imAir(SegmentWitness.pagesOf(segment));
        this.honest = SegmentWitness.build(segment, journal, air);
    }

    static Witness of(TestPrograms.Code code, byte[] data) {
        Proving.Run run = Proving.execute(TestPrograms.program(code, data), new byte[0], 16);
        return new Witness(run.segments().get(0), run.result().journal());
    }

    int[] publicValues() {
        return SegmentProver.publicValues(segment, air.pages());
    }

    int rowOf(Op op, int nth) {
        int seen = 0;
        for (int i = 0; i < honest[0].length; i++) {
            if (honest[op.column()][i] == BabyBear.ONE && seen++ == nth) {
                return i;
            }
        }
        throw new AssertionError(op + " #" + nth + " not in the trace");
    }

    int firstRow(int column) {
        for (int i = 0; i < honest[0].length; i++) {
            if (honest[column][i] == BabyBear.ONE) {
                return i;
            }
        }
        throw new AssertionError(Cols.name(column) + " never set");
    }

    /** The first {@code op} row whose destination register is x0. */
    int rowWritingX0(Op op) {
        for (int k = 0; ; k++) {
            int r = rowOf(op, k);
            if (get(honest, Cols.RD0, r) + get(honest, Cols.RDH, r) == 0) {
                return r;
            }
        }
    }

    /** A copy of the honest witness with {@code patch} applied and the tables recounted if they can be. */
    int[][] patched(Consumer<int[][]> patch) {
        int[][] t = AirCheck.copy(honest);
        patch.accept(t);
        try {
            SegmentWitness.countLookups(t, air);
        } catch (IllegalStateException outOfTable) {
            // A value outside its table: no honest count exists; the lookup stays unbalanced.
        }
        return t;
    }

    static int get(int[][] t, int col, int row) {
        return BabyBear.fromMont(t[col][row]);
    }

    static void set(int[][] t, int col, int row, long v) {
        t[col][row] = BabyBear.toMont((int) Math.floorMod(v, (long) BabyBear.P));
    }

    static void bump(int[][] t, int col, int row, long delta) {
        set(t, col, row, get(t, col, row) + delta);
    }
}
