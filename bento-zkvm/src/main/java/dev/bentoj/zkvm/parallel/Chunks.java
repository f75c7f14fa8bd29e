package dev.bentoj.zkvm.parallel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * Runs a body for every chunk index in [from, to) on a fork-join pool, splitting the range in
 * halves. Chunks write disjoint outputs, so results never depend on the scheduling: the one
 * way the NTT, the Merkle tree and the prover go parallel.
 */
public final class Chunks extends RecursiveAction {
    private final int from;
    private final int to;
    private final IntConsumer body;

    public Chunks(int from, int to, IntConsumer body) {
        this.from = from;
        this.to = to;
        this.body = body;
    }

    /** {@code body} for each index in [0, count) on {@code pool}. */
    public static void run(ForkJoinPool pool, int count, IntConsumer body) {
        if (count > 0) {
            pool.invoke(new Chunks(0, count, body));
        }
    }

    /** {@code body.run(from, to)} over [0, rows) in blocks of 2^blockLog rows, on the common pool. */
    public static void forBlocks(int rows, int blockLog, RowBlock body) {
        int block = 1 << blockLog;
        run(ForkJoinPool.commonPool(), (rows + block - 1) / block,
                b -> body.run(b * block, Math.min(rows, (b + 1) * block)));
    }

    /** A block of rows [from, to). */
    @FunctionalInterface
    public interface RowBlock {
        void run(int from, int to);
    }

    @Override
    protected void compute() {
        if (to - from == 1) {
            body.accept(from);
        } else if (to > from) {
            int mid = (from + to) >>> 1;
            invokeAll(new Chunks(from, mid, body), new Chunks(mid, to, body));
        }
    }
}
