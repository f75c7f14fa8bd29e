package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.Air;
import dev.bentoj.zkvm.air.Constraint;
import dev.bentoj.zkvm.air.Expr;
import dev.bentoj.zkvm.air.Interaction;
import dev.bentoj.zkvm.air.PublicInteraction;
import dev.bentoj.zkvm.field.BabyBear;

import java.util.ArrayList;
import java.util.List;

import static dev.bentoj.zkvm.air.Expr.main;
import static dev.bentoj.zkvm.air.Expr.mainNext;
import static dev.bentoj.zkvm.air.Expr.pre;
import static dev.bentoj.zkvm.air.Expr.pub;

/** The example AIRs of the STARK core's tests, each with an honest witness generator. */
final class ExampleAirs {
    private ExampleAirs() {
    }

    static int[] mont(long... values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = BabyBear.toMont((int) Math.floorMod(values[i], (long) BabyBear.P));
        }
        return out;
    }

    /** Fibonacci: a' = b, b' = a + b; a and b start at public values 0 and 1, b ends at public 2. */
    static final class Fibonacci implements Air {
        final List<Constraint> constraints;

        Fibonacci() {
            this(List.of(
                    Constraint.first("a starts at pub0", main(0).minus(pub(0))),
                    Constraint.first("b starts at pub1", main(1).minus(pub(1))),
                    Constraint.transition("a' = b", mainNext(0).minus(main(1))),
                    Constraint.transition("b' = a + b", mainNext(1).minus(main(0).plus(main(1)))),
                    Constraint.last("b ends at pub2", main(1).minus(pub(2)))));
        }

        Fibonacci(List<Constraint> constraints) {
            this.constraints = constraints;
        }

        public String name() {
            return "test/fibonacci";
        }

        public int mainWidth() {
            return 2;
        }

        public int publicValueCount() {
            return 3;
        }

        public List<Constraint> constraints() {
            return constraints;
        }

        /** The trace from (a0, b0) over 2^logN rows and the public values (canonical). */
        static Witness witness(int logN, int a0, int b0) {
            int n = 1 << logN;
            int[][] cols = new int[2][n];
            int a = BabyBear.toMont(a0);
            int b = BabyBear.toMont(b0);
            for (int i = 0; i < n; i++) {
                cols[0][i] = a;
                cols[1][i] = b;
                int t = BabyBear.add(a, b);
                a = b;
                b = t;
            }
            return new Witness(cols, new int[] {a0, b0, BabyBear.fromMont(cols[1][n - 1])});
        }
    }

    /**
     * A range check by LogUp: every value of column 0 lies in [0, 256), looked up in a
     * preprocessed table (0..255, then zeros) whose multiplicities are column 1. Degree-2
     * squares in column 2 keep an ordinary constraint beside the lookup.
     */
    static final class RangeCheck implements Air {
        public String name() {
            return "test/range-check";
        }

        public int mainWidth() {
            return 3;
        }

        public int publicValueCount() {
            return 0;
        }

        public int minLogN() {
            return 8;
        }

        public int preprocessedWidth() {
            return 2;
        }

        public int[][] preprocessedColumns(int logN) {
            int n = 1 << logN;
            int[][] t = new int[2][n];
            for (int i = 0; i < 256; i++) {
                t[0][i] = BabyBear.toMont(i);
                t[1][i] = BabyBear.ONE; // table row is live
            }
            return t;
        }

        public List<Constraint> constraints() {
            return List.of(Constraint.all("square", main(2).minus(main(0).times(main(0)))));
        }

        public List<Interaction> interactions() {
            return List.of(
                    new Interaction("value in byte table", 1, List.of(main(0)), Expr.constant(1)),
                    new Interaction("byte table", 1, List.of(pre(0)), main(1).negate().times(pre(1))));
        }

        static Witness witness(int logN, long seed) {
            int n = 1 << logN;
            int[][] cols = new int[3][n];
            java.util.Random rnd = new java.util.Random(seed);
            int[] counts = new int[256];
            for (int i = 0; i < n; i++) {
                int v = rnd.nextInt(256);
                counts[v]++;
                cols[0][i] = BabyBear.toMont(v);
                cols[2][i] = BabyBear.toMont(v * v);
            }
            for (int i = 0; i < 256; i++) {
                cols[1][i] = BabyBear.toMont(counts[i]);
            }
            return new Witness(cols, new int[0]);
        }
    }

    /** Column 1 is a permutation of column 0 (a LogUp permutation argument on one bus). */
    static final class Permutation implements Air {
        public String name() {
            return "test/permutation";
        }

        public int mainWidth() {
            return 2;
        }

        public int publicValueCount() {
            return 0;
        }

        public List<Constraint> constraints() {
            return List.of();
        }

        public List<Interaction> interactions() {
            return List.of(
                    new Interaction("left", 2, List.of(main(0)), Expr.constant(1)),
                    new Interaction("right", 2, List.of(main(1)), Expr.constant(-1)));
        }

        static Witness witness(int logN, long seed) {
            int n = 1 << logN;
            int[][] cols = new int[2][n];
            java.util.Random rnd = new java.util.Random(seed);
            List<Integer> values = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int v = rnd.nextInt(BabyBear.P);
                values.add(v);
                cols[0][i] = BabyBear.toMont(v);
            }
            java.util.Collections.shuffle(values, rnd);
            for (int i = 0; i < n; i++) {
                cols[1][i] = BabyBear.toMont(values.get(i));
            }
            return new Witness(cols, new int[0]);
        }
    }

    /**
     * Public memory: column 0 holds (address, value) pairs with column 1, and must contain
     * exactly the pairs the public values list; the verifier adds them as public terms.
     * A preprocessed column (row index squared) is checked against column 2.
     */
    static final class PublicMemory implements Air {
        static final int PAIRS = 4;

        public String name() {
            return "test/public-memory";
        }

        public int mainWidth() {
            return 4;
        }

        public int publicValueCount() {
            return 2 * PAIRS;
        }

        public int preprocessedWidth() {
            return 1;
        }

        public int minLogN() {
            return 3;
        }

        public int[][] preprocessedColumns(int logN) {
            int n = 1 << logN;
            int[][] t = new int[1][n];
            for (int i = 0; i < n; i++) {
                t[0][i] = BabyBear.toMont(i * i);
            }
            return t;
        }

        public List<Constraint> constraints() {
            return List.of(
                    Constraint.all("column 2 is the table", main(2).minus(pre(0))),
                    Constraint.all("selector is boolean", main(3).times(main(3).minus(1))));
        }

        public List<Interaction> interactions() {
            return List.of(new Interaction("memory word", 3, List.of(main(0), main(1)), main(3)));
        }

        public List<PublicInteraction> publicInteractions(int[] pv) {
            List<PublicInteraction> out = new ArrayList<>();
            for (int i = 0; i < PAIRS; i++) {
                out.add(new PublicInteraction(3, new int[] {pv[2 * i], pv[2 * i + 1]}, -1));
            }
            return out;
        }

        static Witness witness(int logN) {
            int n = 1 << logN;
            int[][] cols = new int[4][n];
            int[] pv = new int[2 * PAIRS];
            for (int i = 0; i < n; i++) {
                cols[2][i] = BabyBear.toMont(i * i);
                if (i < PAIRS) {
                    int addr = 100 + 4 * i;
                    int value = 7 * i + 3;
                    cols[0][i] = BabyBear.toMont(addr);
                    cols[1][i] = BabyBear.toMont(value);
                    cols[3][i] = BabyBear.ONE;
                    pv[2 * i] = addr;
                    pv[2 * i + 1] = value;
                }
            }
            return new Witness(cols, pv);
        }
    }

    record Witness(int[][] columns, int[] publicValues) {
    }
}
