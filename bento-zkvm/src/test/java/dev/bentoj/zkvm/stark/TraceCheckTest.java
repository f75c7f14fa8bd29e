package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.field.BabyBear;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The self-check names the first violation: the smallest row, then the first constraint on it. */
class TraceCheckTest {
    private static final WideAir AIR = new WideAir(11);
    private static final int LOG_N = 10;

    private static String violation(int[][] main, int[] pubCanonical) {
        int[] pub = Arrays.stream(pubCanonical).map(BabyBear::toMont).toArray();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TraceCheck.requireSatisfied(
                AirLayout.of(AIR), AIR.preprocessedColumns(LOG_N), main, pub));
        return e.getMessage();
    }

    private static int[][] copy(int[][] cols) {
        return Arrays.stream(cols).map(int[]::clone).toArray(int[][]::new);
    }

    @Test
    void anHonestWitnessPasses() {
        ExampleAirs.Witness w = AIR.witness(LOG_N);
        int[] pub = Arrays.stream(w.publicValues()).map(BabyBear::toMont).toArray();
        assertDoesNotThrow(() -> TraceCheck.requireSatisfied(AirLayout.of(AIR), AIR.preprocessedColumns(LOG_N),
                w.columns(), pub));
    }

    @Test
    void theSmallestRowAndTheFirstConstraintOnItAreNamed() {
        ExampleAirs.Witness w = AIR.witness(LOG_N);
        int[][] main = copy(w.columns());
        main[45][700] = 2;      // selector 45 not boolean, at a later row
        main[50][300] = 3;      // selector 50 not boolean, in another block
        main[42][300] = 5;      // and selector 42, earlier in constraint order, on the same row
        assertEquals("the witness violates constraint 'selector 42 is boolean' (ALL) at row 300",
                violation(main, w.publicValues()));
    }

    @Test
    void selectorsOfFirstTransitionAndLastRowsAreRespected() {
        ExampleAirs.Witness w = AIR.witness(LOG_N);
        int n = 1 << LOG_N;
        int[] wrongEnd = {w.publicValues()[0] + 1};
        assertEquals("the witness violates constraint 'counter ends at pub0' (LAST) at row " + (n - 1),
                violation(w.columns(), wrongEnd));
        int[][] main = copy(w.columns());
        for (int i = 0; i < n; i++) {
            main[61][i] = BabyBear.add(main[61][i], BabyBear.ONE); // counter starts at 1, still steps by 1
        }
        assertEquals("the witness violates constraint 'counter starts at 0' (FIRST) at row 0",
                violation(main, new int[] {n}));
        main = copy(w.columns());
        main[61][n - 1] = 0; // the last step breaks; the wrap-around to row 0 is not a transition
        assertEquals("the witness violates constraint 'counter steps by 1' (TRANSITION) at row " + (n - 2),
                violation(main, new int[] {0}));
    }
}
