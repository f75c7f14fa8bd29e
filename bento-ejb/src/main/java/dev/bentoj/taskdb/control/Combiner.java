package dev.bentoj.taskdb.control;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Combines requests that arrive while one is being served into one batch (flat combining):
 * one batch runs at a time, on the thread of the first request in it; requests arriving
 * meanwhile queue, and when the batch ends the first of them runs everything queued that
 * {@code fits}, in arrival order. Unloaded, a request runs at once and alone; loaded, batches
 * grow with the queue, so the fixed cost of a batch (for TaskDB: a round trip and a commit,
 * during which a busy job's row is locked) is paid once for all of them.
 *
 * <p>The work must be atomic: if a batch of several fails, nothing of it took effect, and each
 * request is run again on its own, so that only the request that caused the failure sees it.
 *
 * @param <Q> a request
 * @param <R> its result
 */
final class Combiner<Q, R> {
    private final Function<List<Q>, List<R>> work;
    private final BiPredicate<List<Q>, Q> fits;
    private final ReentrantLock lock = new ReentrantLock();
    /** Requests not yet taken into a batch, oldest first. */
    private final ArrayDeque<Waiter<Q, R>> queue = new ArrayDeque<>();
    /** A batch is running; whoever runs it hands the turn to the head of the queue. */
    private boolean busy;

    /**
     * @param work runs a batch, returning one result per request in order
     * @param fits whether a request may join the batch taken so far (never asked of the first)
     */
    Combiner(Function<List<Q>, List<R>> work, BiPredicate<List<Q>, Q> fits) {
        this.work = Objects.requireNonNull(work, "work");
        this.fits = Objects.requireNonNull(fits, "fits");
    }

    private static final class Waiter<Q, R> {
        final Q request;
        final Condition turn;
        boolean leader;
        boolean done;
        R result;
        RuntimeException failure;

        Waiter(Q request, Condition turn) {
            this.request = request;
            this.turn = turn;
        }

        R get() {
            if (failure != null) {
                throw failure;
            }
            return result;
        }
    }

    /** Runs {@code request}, alone or in a batch with others; its result, or its failure. */
    R run(Q request) {
        Waiter<Q, R> me = new Waiter<>(request, lock.newCondition());
        List<Waiter<Q, R>> batch;
        lock.lock();
        try {
            queue.add(me);
            if (!busy) {
                busy = true;
                me.leader = true;
            }
            while (!me.leader && !me.done) {
                me.turn.awaitUninterruptibly();
            }
            if (me.done) {
                return me.get();
            }
            batch = take();
        } finally {
            lock.unlock();
        }
        serve(batch);
        lock.lock();
        try {
            for (Waiter<Q, R> w : batch) {
                w.done = true;
                w.turn.signal();
            }
            Waiter<Q, R> next = queue.peek();
            if (next == null) {
                busy = false;
            } else {
                next.leader = true;
                next.turn.signal();
            }
        } finally {
            lock.unlock();
        }
        return me.get();
    }

    /** The head of the queue (the caller) and what fits after it, in order. */
    private List<Waiter<Q, R>> take() {
        List<Waiter<Q, R>> batch = new ArrayList<>();
        List<Q> requests = new ArrayList<>();
        while (!queue.isEmpty() && (batch.isEmpty() || fits.test(requests, queue.peek().request))) {
            Waiter<Q, R> w = queue.poll();
            batch.add(w);
            requests.add(w.request);
        }
        return batch;
    }

    /** Runs the batch outside the lock; results and failures go to each waiter. */
    private void serve(List<Waiter<Q, R>> batch) {
        try {
            List<R> results = work.apply(batch.stream().map(w -> w.request).toList());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result = results.get(i);
            }
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                batch.get(0).failure = e;
                return;
            }
            for (Waiter<Q, R> w : batch) { // nothing took effect: each again, alone
                try {
                    w.result = work.apply(List.of(w.request)).get(0);
                } catch (RuntimeException alone) {
                    w.failure = alone;
                } catch (Error alone) {
                    w.failure = new IllegalStateException(alone);
                }
            }
        } catch (Error e) {
            // the waiters must still be answered, or they and every later request would hang
            batch.forEach(w -> w.failure = new IllegalStateException(e));
        }
    }
}
