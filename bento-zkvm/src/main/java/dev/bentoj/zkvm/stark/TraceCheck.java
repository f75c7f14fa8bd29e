package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.air.Constraint;
import dev.bentoj.zkvm.air.ConstraintKind;
import dev.bentoj.zkvm.air.Expr;
import dev.bentoj.zkvm.parallel.Chunks;

import java.util.Arrays;
import java.util.List;

/**
 * The prover's self-check: evaluates every constraint on the trace itself, block by block
 * ({@link BlockProgram}), and names the first one a witness breaks: the smallest row, and on it
 * the first constraint in order.
 */
final class TraceCheck {
    private static final long NONE = Long.MAX_VALUE;

    private TraceCheck() {
    }

    static void requireSatisfied(AirLayout layout, int[][] pre, int[][] main, int[] pub) {
        int n = main[0].length;
        List<Constraint> constraints = layout.air().constraints();
        BlockProgram program = BlockProgram.compile(constraints.stream().map(Constraint::expr).toList(), pre.length,
                pub);
        int[][] columns = StarkProver.concat(pre, main);
        int block = Math.min(BlockProgram.BLOCK, n);
        // Per block: row·2^32 + constraint of its first violation, or NONE.
        long[] violations = new long[n / block];
        Chunks.forBlocks(n, 12, (from, to) -> {
            BlockProgram.Evaluator evaluator = program.evaluator();
            int[] next = new int[block];
            for (int start = from; start < to; start += block) {
                for (int i = 0; i < block; i++) {
                    next[i] = (start + i + 1) & (n - 1);
                }
                Violation v = new Violation(constraints, start, block, n);
                evaluator.run(columns, start, block, next, v);
                violations[start / block] = v.first;
            }
        });
        long first = Arrays.stream(violations).filter(v -> v != NONE).findFirst().orElse(NONE);
        if (first != NONE) {
            Constraint c = constraints.get((int) first);
            throw new IllegalArgumentException("the witness violates constraint '" + c.name() + "' (" + c.kind()
                    + ") at row " + (first >>> 32));
        }
        if (layout.hasLookups() && !layout.multiplicitiesBounded(Integer.numberOfTrailingZeros(n), 0)) {
            throw new IllegalArgumentException("n·I reaches p: LogUp counts could wrap around");
        }
    }

    /** The first non-zero value of a block on a row where its constraint applies. */
    private static final class Violation implements BlockProgram.Sink {
        private final List<Constraint> constraints;
        private final int from;
        private final int rows;
        private final int n;
        long first = NONE;

        Violation(List<Constraint> constraints, int from, int rows, int n) {
            this.constraints = constraints;
            this.from = from;
            this.rows = rows;
            this.n = n;
        }

        @Override
        public void accept(int root, int[] values, int offset) {
            ConstraintKind kind = constraints.get(root).kind();
            int lo = kind == ConstraintKind.LAST ? n - 1 - from : 0;
            int hi = switch (kind) {
                case FIRST -> from == 0 ? 1 : 0;
                case TRANSITION -> Math.min(rows, n - 1 - from);
                case LAST, ALL -> rows;
            };
            for (int i = Math.max(lo, 0); i < hi; i++) {
                if (values[offset + i] != 0) {
                    first = Math.min(first, ((long) (from + i) << 32) | root);
                    return;
                }
            }
        }
    }
}
