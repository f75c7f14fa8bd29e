package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.Constraint;
import dev.bentoj.zkvm.air.Expr;
import dev.bentoj.zkvm.air.Interaction;
import dev.bentoj.zkvm.field.BabyBear;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Compiled block evaluation gives {@link Expr#evalBase}'s value for every root and row. */
class BlockProgramTest {
    @Test
    void blocksEvaluateLikeTheTrees() {
        WideAir air = new WideAir(3);
        List<Expr> roots = new ArrayList<>();
        for (Constraint c : air.constraints()) {
            roots.add(c.expr());
        }
        for (Interaction x : air.interactions()) {
            roots.add(x.multiplicity());
            roots.addAll(x.values());
        }
        roots.add(Expr.constant(5));
        roots.add(Expr.main(3));
        roots.add(Expr.pub(0).times(Expr.constant(7)).plus(Expr.main(2).times(0)));
        roots.add(Expr.preNext(4).minus(Expr.mainNext(4)).negate().times(Expr.main(4)));
        int logN = 9;
        int n = 1 << logN;
        int[][] pre = air.preprocessedColumns(logN);
        int[][] main = new int[WideAir.WIDTH][n];
        Random rnd = new Random(5);
        for (int[] col : main) {
            for (int i = 0; i < n; i++) {
                col[i] = rnd.nextInt(BabyBear.P);
            }
        }
        int[] pub = {BabyBear.toMont(12345)};
        int[][] columns = StarkProver.concat(pre, main);
        BlockProgram program = BlockProgram.compile(roots, pre.length, pub);
        BlockProgram.Evaluator evaluator = program.evaluator();
        int[] row = new int[1];
        Expr.BaseRow view = new Expr.BaseRow() {
            public int column(boolean preprocessed, int index, boolean next) {
                return (preprocessed ? pre : main)[index][next ? (row[0] * 7 + 3) % n : row[0]];
            }

            public int publicValue(int index) {
                return pub[index];
            }
        };
        int block = BlockProgram.BLOCK;
        int[] next = new int[block];
        for (int from = 0; from < n; from += block) {
            for (int i = 0; i < block; i++) {
                next[i] = ((from + i) * 7 + 3) % n;
            }
            int start = from;
            evaluator.run(columns, from, block, next, (root, values, offset) -> {
                for (int i = 0; i < block; i++) {
                    row[0] = start + i;
                    assertEquals(roots.get(root).evalBase(view), values[offset + i], "root " + root + " row " + row[0]);
                }
            });
        }
    }
}
