package dev.bentoj.taskdb.control;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CombinerTest {

    @Test
    void aRequestAloneRunsAtOnceOnTheCallersThread() {
        List<String> threads = new ArrayList<>();
        Combiner<Integer, Integer> c = new Combiner<>(batch -> {
            threads.add(Thread.currentThread().getName());
            return batch.stream().map(i -> i * 2).toList();
        }, (batch, next) -> true);
        assertEquals(42, c.run(21));
        assertEquals(List.of(Thread.currentThread().getName()), threads);
    }

    /**
     * A combiner whose batch holding request 0 waits until {@link #release}, so that the requests
     * sent meanwhile queue behind it; every batch it runs is noted in {@link #batches}.
     */
    private static final class Gate {
        final CountDownLatch firstRunning = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());

        Combiner<Integer, Integer> combiner(Function<List<Integer>, List<Integer>> results,
                                            BiPredicate<List<Integer>, Integer> fits) {
            return new Combiner<>(batch -> {
                batches.add(batch);
                if (batch.contains(0)) {
                    firstRunning.countDown();
                    await(release);
                }
                return results.apply(batch);
            }, fits);
        }
    }

    @Test
    void requestsQueuedBehindABatchGoTogetherAndEachGetsItsOwnResult() throws Exception {
        Gate gate = new Gate();
        Combiner<Integer, Integer> c = gate.combiner(batch -> batch.stream().map(i -> i + 100).toList(),
                (batch, next) -> true);
        ExecutorService pool = Executors.newFixedThreadPool(9);
        try {
            Future<Integer> first = pool.submit(() -> c.run(0));
            assertTrue(gate.firstRunning.await(5, TimeUnit.SECONDS));
            List<Future<Integer>> others = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                int k = i;
                others.add(pool.submit(() -> c.run(k)));
            }
            Thread.sleep(200); // all eight queued behind the first batch
            gate.release.countDown();
            assertEquals(100, first.get(5, TimeUnit.SECONDS));
            for (int i = 1; i <= 8; i++) {
                assertEquals(100 + i, others.get(i - 1).get(5, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2, gate.batches.size(), "the first alone, then the eight queued behind it as one: " + gate.batches);
        assertEquals(8, gate.batches.get(1).size());
    }

    @Test
    void whatDoesNotFitWaitsForTheNextBatchInArrivalOrder() throws Exception {
        Gate gate = new Gate();
        Combiner<Integer, Integer> c = gate.combiner(batch -> batch, (batch, next) -> batch.size() < 3);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> all = new ArrayList<>();
            all.add(pool.submit(() -> c.run(0)));
            assertTrue(gate.firstRunning.await(5, TimeUnit.SECONDS));
            for (int i = 1; i <= 7; i++) {
                int k = i;
                all.add(pool.submit(() -> c.run(k)));
                Thread.sleep(30); // arrival order 1..7
            }
            gate.release.countDown();
            for (int i = 0; i <= 7; i++) {
                assertEquals(i, all.get(i).get(5, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(List.of(0), List.of(1, 2, 3), List.of(4, 5, 6), List.of(7)), gate.batches);
    }

    @Test
    void aFailingRequestFailsAloneAndTheOthersInItsBatchStillRun() throws Exception {
        Gate gate = new Gate();
        Combiner<Integer, Integer> c = gate.combiner(batch -> {
            if (batch.contains(-1)) {
                throw new IllegalArgumentException("bad request");
            }
            return batch;
        }, (batch, next) -> true);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<Integer> first = pool.submit(() -> c.run(0));
            assertTrue(gate.firstRunning.await(5, TimeUnit.SECONDS));
            Future<Integer> good = pool.submit(() -> c.run(7));
            Future<Integer> bad = pool.submit(() -> c.run(-1));
            Future<Integer> alsoGood = pool.submit(() -> c.run(8));
            Thread.sleep(200);
            gate.release.countDown();
            assertEquals(0, first.get(5, TimeUnit.SECONDS));
            assertEquals(7, good.get(5, TimeUnit.SECONDS));
            assertEquals(8, alsoGood.get(5, TimeUnit.SECONDS));
            var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> bad.get(5, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IllegalArgumentException, e.toString());
        } finally {
            pool.shutdownNow();
        }
        // the first batch, the failed batch of three, then each of the three alone
        assertEquals(5, gate.batches.size(), gate.batches.toString());
        // and the combiner still serves requests afterwards
        assertEquals(9, c.run(9));
    }

    @Test
    void manyThreadsEachGetTheirOwnResultUnderContention() throws Exception {
        AtomicInteger batches = new AtomicInteger();
        Combiner<Integer, Integer> c = new Combiner<>(batch -> {
            batches.incrementAndGet();
            return batch.stream().map(i -> -i).toList();
        }, (batch, next) -> batch.size() < 16);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Boolean>> all = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int base = t * 10_000;
                all.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        if (c.run(base + i) != -(base + i)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : all) {
                assertTrue(f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(batches.get() <= 32_000);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
