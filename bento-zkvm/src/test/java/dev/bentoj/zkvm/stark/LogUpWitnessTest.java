package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LogUpWitnessTest {
    /**
     * With α = fp of one value, the denominators of that value vanish in both columns of a
     * permutation: the error names the first interaction in order, at its row.
     */
    @Test
    void aVanishingDenominatorIsNamedWithItsInteractionAndRow() {
        var air = new ExampleAirs.Permutation();
        AirLayout layout = AirLayout.of(air);
        var w = ExampleAirs.Permutation.witness(10, 8);
        int[][] cols = w.columns();
        Ext[] betaPowers = LogUp.betaPowers(new Ext(3, 1, 4, 1), layout.tupleWidth());
        int value = cols[1][777];
        int row = 0;
        while (cols[0][row] != value) {
            row++;
        }
        // fp(v, bus 2) = v + β·2 for one-wide tuples
        Ext alpha = Ext.fromBase(value).add(betaPowers[1].mulBase(BabyBear.toMont(2)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LogUpWitness.build(layout,
                new int[0][], cols, new int[0], alpha, betaPowers));
        assertEquals("zero denominator in left at position " + row, e.getMessage());
    }
}
