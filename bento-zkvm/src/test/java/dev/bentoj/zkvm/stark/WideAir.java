package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.Air;
import dev.bentoj.zkvm.air.Constraint;
import dev.bentoj.zkvm.air.Expr;
import dev.bentoj.zkvm.air.Interaction;
import dev.bentoj.zkvm.field.BabyBear;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.bentoj.zkvm.air.Expr.main;
import static dev.bentoj.zkvm.air.Expr.mainNext;
import static dev.bentoj.zkvm.air.Expr.pre;
import static dev.bentoj.zkvm.air.Expr.pub;

/**
 * A synthetic AIR shaped like the RV32IM one, for prover benchmarks and proof-stability tests:
 * 200 main and 15 preprocessed columns, 300 constraints of degree ≤ 3 (all four kinds, some
 * over the next row), 61 LogUp interactions (byte range checks against a preprocessed table,
 * and balanced send/receive pairs of tuples up to 7 wide), all from a seed.
 *
 * <p>Columns: 0..39 bytes, 40 the byte table's counts, 41..60 boolean selectors, 61 the row
 * counter, 62 a running sum, 63 a running product, 64..69 free values, 70..199 derived columns
 * d = Q(earlier columns) with random Q.
 */
final class WideAir implements Air {
    static final int WIDTH = 200;
    static final int PRE_WIDTH = 15;
    private static final int BYTES = 40;
    private static final int COUNTS = 40;
    private static final int SELECTORS = 41;
    private static final int SELECTOR_COUNT = 20;
    private static final int COUNTER = 61;
    private static final int SUM = 62;
    private static final int PRODUCT = 63;
    private static final int FREE = 64;
    private static final int DERIVED = 70;

    private final long seed;
    /** Q of each derived column, in column order; Q reads only earlier columns of the same row. */
    private final Expr[] definitions = new Expr[WIDTH - DERIVED];
    private final List<Constraint> constraints = new ArrayList<>();
    private final List<Interaction> interactions = new ArrayList<>();

    WideAir(long seed) {
        this.seed = seed;
        Random rnd = new Random(seed);
        for (int d = DERIVED; d < WIDTH; d++) {
            definitions[d - DERIVED] = randomPolynomial(rnd, d, 1 + rnd.nextInt(3));
        }
        declareConstraints(rnd);
        declareInteractions(rnd);
    }

    public String name() {
        return "test/wide-" + seed;
    }

    public int mainWidth() {
        return WIDTH;
    }

    public int publicValueCount() {
        return 1;
    }

    public int minLogN() {
        return 8;
    }

    public int preprocessedWidth() {
        return PRE_WIDTH;
    }

    /** Column 0: the bytes 0..255 then zeros; 1: live flag of the table; 2..14: row-derived values. */
    public int[][] preprocessedColumns(int logN) {
        int n = 1 << logN;
        int[][] t = new int[PRE_WIDTH][n];
        for (int i = 0; i < 256; i++) {
            t[0][i] = BabyBear.toMont(i);
            t[1][i] = BabyBear.ONE;
        }
        for (int c = 2; c < PRE_WIDTH; c++) {
            for (int i = 0; i < n; i++) {
                t[c][i] = BabyBear.toMont((int) Math.floorMod((long) i * (2 * c + 1) * 40503L + c, (long) BabyBear.P));
            }
        }
        return t;
    }

    public List<Constraint> constraints() {
        return constraints;
    }

    public List<Interaction> interactions() {
        return interactions;
    }

    /** A random polynomial of degree ≤ maxDegree over columns before {@code limit} (and pre). */
    private static Expr randomPolynomial(Random rnd, int limit, int maxDegree) {
        Expr sum = Expr.constant(rnd.nextInt(1000) - 500);
        int terms = 2 + rnd.nextInt(4);
        for (int t = 0; t < terms; t++) {
            Expr term = rnd.nextBoolean() ? Expr.constant(rnd.nextInt(1 << 20)) : null;
            int degree = 1 + rnd.nextInt(maxDegree);
            for (int k = 0; k < degree; k++) {
                Expr factor = rnd.nextInt(8) == 0 ? pre(2 + rnd.nextInt(PRE_WIDTH - 2)) : main(rnd.nextInt(limit));
                term = term == null ? factor : term.times(factor);
            }
            sum = switch (rnd.nextInt(3)) {
                case 0 -> sum.minus(term);
                case 1 -> sum.plus(term.negate());
                default -> sum.plus(term);
            };
        }
        return sum;
    }

    private void declareConstraints(Random rnd) {
        for (int s = SELECTORS; s < SELECTORS + SELECTOR_COUNT; s++) {
            constraints.add(Constraint.all("selector " + s + " is boolean", main(s).times(main(s).minus(1))));
        }
        constraints.add(Constraint.first("counter starts at 0", main(COUNTER)));
        constraints.add(Constraint.transition("counter steps by 1", mainNext(COUNTER).minus(main(COUNTER)).minus(1)));
        constraints.add(Constraint.last("counter ends at pub0", main(COUNTER).minus(pub(0))));
        constraints.add(Constraint.first("sum starts at 0", main(SUM)));
        constraints.add(Constraint.transition("sum' = sum + b0·s0",
                mainNext(SUM).minus(main(SUM).plus(main(0).times(main(SELECTORS))))));
        constraints.add(Constraint.transition("product' = product·b1 + 1",
                mainNext(PRODUCT).minus(main(PRODUCT).times(main(1)).plus(1))));
        for (int d = DERIVED; d < WIDTH; d++) {
            constraints.add(Constraint.all("d" + d + " is defined", definitionHolds(d)));
        }
        while (constraints.size() < 300) {
            int a = DERIVED + rnd.nextInt(WIDTH - DERIVED);
            int b = DERIVED + rnd.nextInt(WIDTH - DERIVED);
            Expr combo = definitionHolds(a).times(rnd.nextInt(1 << 30));
            if (definitions[b - DERIVED].degree() <= 2) {
                combo = combo.plus(main(SELECTORS + rnd.nextInt(SELECTOR_COUNT)).times(definitionHolds(b)));
            } else {
                combo = combo.minus(definitionHolds(b));
            }
            constraints.add(Constraint.all("combination " + constraints.size(), combo));
        }
    }

    private Expr definitionHolds(int d) {
        return main(d).minus(definitions[d - DERIVED]);
    }

    private void declareInteractions(Random rnd) {
        for (int b = 0; b < BYTES; b++) {
            interactions.add(new Interaction("byte " + b, 1, List.of(main(b)), Expr.constant(1)));
        }
        interactions.add(new Interaction("byte table", 1, List.of(pre(0)), main(COUNTS).negate().times(pre(1))));
        for (int pair = 0; pair < 10; pair++) {
            int width = 2 + pair % 6;
            List<Expr> tuple = new ArrayList<>();
            for (int k = 0; k < width; k++) {
                tuple.add(k == 1 && pair % 3 == 0 ? main(BYTES + k).plus(main(k).times(256)) : main(DERIVED + rnd.nextInt(WIDTH - DERIVED)));
            }
            if (pair == 4) {
                tuple.set(0, mainNext(COUNTER));
            }
            Expr selector = main(SELECTORS + pair);
            interactions.add(new Interaction("send " + pair, 2, tuple, selector));
            interactions.add(new Interaction("receive " + pair, 2, tuple, selector.negate()));
        }
    }

    /** The honest witness for 2^logN rows and its public values (canonical). */
    ExampleAirs.Witness witness(int logN) {
        int n = 1 << logN;
        int[][] cols = new int[WIDTH][n];
        int[][] pre = preprocessedColumns(logN);
        Random rnd = new Random(seed ^ logN);
        int[] counts = new int[256];
        for (int i = 0; i < n; i++) {
            for (int b = 0; b < BYTES; b++) {
                int v = rnd.nextInt(256);
                counts[v]++;
                cols[b][i] = BabyBear.toMont(v);
            }
            for (int s = SELECTORS; s < SELECTORS + SELECTOR_COUNT; s++) {
                cols[s][i] = rnd.nextBoolean() ? BabyBear.ONE : 0;
            }
            cols[COUNTER][i] = BabyBear.toMont(i);
            for (int f = FREE; f < DERIVED; f++) {
                cols[f][i] = BabyBear.toMont(rnd.nextInt(BabyBear.P));
            }
        }
        cols[PRODUCT][0] = BabyBear.toMont(rnd.nextInt(BabyBear.P));
        for (int i = 1; i < n; i++) {
            cols[SUM][i] = BabyBear.add(cols[SUM][i - 1], BabyBear.mul(cols[0][i - 1], cols[SELECTORS][i - 1]));
            cols[PRODUCT][i] = BabyBear.add(BabyBear.mul(cols[PRODUCT][i - 1], cols[1][i - 1]), BabyBear.ONE);
        }
        for (int v = 0; v < 256; v++) {
            cols[COUNTS][v] = BabyBear.toMont(counts[v]);
        }
        int[] row = new int[1];
        Expr.BaseRow view = new Expr.BaseRow() {
            public int column(boolean preprocessed, int index, boolean next) {
                return (preprocessed ? pre : cols)[index][row[0]];
            }

            public int publicValue(int index) {
                throw new IllegalStateException("definitions use no public values");
            }
        };
        for (int i = 0; i < n; i++) {
            row[0] = i;
            for (int d = DERIVED; d < WIDTH; d++) {
                cols[d][i] = definitions[d - DERIVED].evalBase(view);
            }
        }
        return new ExampleAirs.Witness(cols, new int[] {n - 1});
    }
}
