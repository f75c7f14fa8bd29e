package dev.bentoj.bench;

import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.hash.HashSuite;
import dev.bentoj.zkvm.hash.Poseidon2;
import dev.bentoj.zkvm.merkle.LeafSource;
import dev.bentoj.zkvm.merkle.MerkleTree;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./bench/run poseidon2}: width-24 Poseidon2 permutations per second on one thread and on
 * all threads, a Merkle commit of a 2^18 × 64 matrix, and the same permutation in plain C
 * ({@code bench/c/poseidon2.c}, gcc -O3 -march=native) for the "within 2× of C" target of
 * {@code spec/benchmarks.md}. The C program gets its round constants and diagonal from this
 * process, read out of {@link Poseidon2#T24}, and must reproduce the Java output on the KAT
 * input before its speed counts.
 */
final class Poseidon2Bench {
    private static final int WIDTH = 24;
    private static final int MERKLE_LOG_ROWS = 18;
    private static final int MERKLE_COLUMNS = 64;

    private Poseidon2Bench() {
    }

    static Map<String, Object> run(String[] args) throws Exception {
        double seconds = 2;
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (options: --seconds S per throughput figure, --rounds N Merkle commits)");
            }
        }
        int threads = Runtime.getRuntime().availableProcessors();
        System.out.println("poseidon2: width 24, " + seconds + " s per throughput figure, "
                + threads + " threads, Merkle 2^" + MERKLE_LOG_ROWS + " x " + MERKLE_COLUMNS
                + " median of " + rounds);

        permsPerSecond(1, Math.min(1, seconds)); // warm-up: the JIT compiles permute
        double oneThread = permsPerSecond(1, seconds);
        System.out.printf("  java, 1 thread: %.0f perms/s (%.2f us each)%n", oneThread, 1e6 / oneThread);
        double allThreads = permsPerSecond(threads, seconds);
        System.out.printf("  java, %d threads: %.0f perms/s%n", threads, allThreads);

        double merkleMs = merkleCommitMs(threads, rounds);
        System.out.printf("  java, Merkle commit 2^%d x %d: %.0f ms%n", MERKLE_LOG_ROWS,
                MERKLE_COLUMNS, merkleMs);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bench", "poseidon2");
        out.put("perms_per_s_1t", Math.round(oneThread));
        out.put("perms_per_s_all", Math.round(allThreads));
        out.put("threads", threads);
        out.put("merkle_2p18x64_ms", Math.round(merkleMs));
        try {
            double c = cPermsPerSecond(seconds);
            System.out.printf("  C (gcc -O3 -march=native), 1 thread: %.0f perms/s%n", c);
            out.put("c_perms_per_s_1t", Math.round(c));
            // how many times faster C is than Java on one thread; the target is ≤ 2
            out.put("ratio", Math.round(c / oneThread * 100) / 100.0);
        } catch (IOException | IllegalStateException e) {
            System.out.println("  C comparison unavailable: " + e.getMessage());
            out.put("c_perms_per_s_1t", null);
            out.put("ratio", null);
            out.put("c_error", e.getMessage().replace('"', '\''));
        }
        out.put("target_ratio", 2);
        out.put("cpus", threads);
        return out;
    }

    /** Chained permutations (each input is the last output) on {@code threads} threads. */
    private static double permsPerSecond(int threads, double seconds) throws InterruptedException {
        long[] counts = new long[threads];
        int[] sink = new int[threads]; // the last state cell, so the chain stays live
        CountDownLatch start = new CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        long durationNs = (long) (seconds * 1e9);
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = new Thread(() -> {
                int[] state = katInput();
                state[0] = BabyBear.toMont(id);
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                long deadline = System.nanoTime() + durationNs;
                long n = 0;
                do {
                    for (int i = 0; i < 1024; i++) {
                        Poseidon2.T24.permute(state);
                    }
                    n += 1024;
                } while (System.nanoTime() < deadline);
                counts[id] = n;
                sink[id] = state[0];
            });
            workers[t].start();
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        long t1 = System.nanoTime();
        return Arrays.stream(counts).sum() * 1e9 / (t1 - t0);
    }

    private static double merkleCommitMs(int threads, int rounds) {
        int rows = 1 << MERKLE_LOG_ROWS;
        SplittableRandom rnd = new SplittableRandom(18);
        int[][] columns = new int[MERKLE_COLUMNS][rows];
        for (int[] column : columns) {
            for (int i = 0; i < rows; i++) {
                column[i] = rnd.nextInt(BabyBear.P);
            }
        }
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            LeafSource source = LeafSource.ofColumns(columns);
            MerkleTree.commit(source, HashSuite.POSEIDON2_24, pool); // warm-up
            double[] ms = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                MerkleTree tree = MerkleTree.commit(source, HashSuite.POSEIDON2_24, pool);
                ms[r] = (System.nanoTime() - t0) / 1e6;
                System.out.printf("  merkle round %d: %.0f ms (root %s…)%n", r + 1, ms[r],
                        tree.root().toHex().substring(0, 16));
            }
            return ExecuteBench.median(ms);
        } finally {
            pool.shutdown();
        }
    }

    /** Builds and runs bench/c/poseidon2.c; checks its KAT output against Java first. */
    private static double cPermsPerSecond(double seconds) throws IOException, InterruptedException {
        Path benchDir = benchDir();
        Path source = benchDir.resolve("c/poseidon2.c");
        if (!Files.isRegularFile(source)) {
            throw new IllegalStateException("C source " + source + " not found (set -Dbench.dir "
                    + "to the bench folder of the checkout)");
        }
        Path binary = benchDir.resolve("target/poseidon2-c");
        if (!Files.exists(binary)
                || Files.getLastModifiedTime(binary).compareTo(Files.getLastModifiedTime(source)) < 0) {
            Files.createDirectories(binary.getParent());
            Process gcc = new ProcessBuilder("gcc", "-O3", "-march=native", "-o", binary.toString(),
                    source.toString()).redirectErrorStream(true).start();
            String log = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (gcc.waitFor() != 0) {
                throw new IllegalStateException("gcc failed on " + source + ": " + log.strip());
            }
        }

        StringBuilder input = new StringBuilder();
        for (int[] table : permutationTables()) {
            for (int v : table) {
                input.append(BabyBear.fromMont(v)).append('\n');
            }
        }
        int[] kat = katInput();
        for (int v : kat) {
            input.append(BabyBear.fromMont(v)).append('\n');
        }
        Process c = new ProcessBuilder(binary.toString(), Double.toString(seconds))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream stdin = c.getOutputStream()) {
            stdin.write(input.toString().getBytes(StandardCharsets.US_ASCII));
        }
        List<String> lines = new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                .lines().toList();
        if (!c.waitFor(60, TimeUnit.SECONDS)) {
            c.destroyForcibly();
            throw new IllegalStateException("the C program did not finish within 60 s");
        }
        if (c.exitValue() != 0 || lines.size() < 2) {
            throw new IllegalStateException("the C program failed (exit " + c.exitValue() + ")");
        }
        Poseidon2.T24.permute(kat);
        int[] javaOut = new int[WIDTH];
        for (int i = 0; i < WIDTH; i++) {
            javaOut[i] = BabyBear.fromMont(kat[i]);
        }
        int[] cOut = Arrays.stream(lines.get(0).trim().split("\\s+")).mapToInt(Integer::parseInt).toArray();
        if (!Arrays.equals(javaOut, cOut)) {
            throw new IllegalStateException("C Poseidon2 disagrees with Java on the KAT input: "
                    + Arrays.toString(cOut) + " vs " + Arrays.toString(javaOut));
        }
        System.out.println("  C output equals Java on the KAT input (0, 1, ..., 23)");
        String[] timing = lines.get(1).trim().split("\\s+");
        return Long.parseLong(timing[0]) * 1e9 / Double.parseDouble(timing[1]);
    }

    /**
     * The external constants (8 rows of 24), internal constants (21) and diagonal (24) of
     * {@link Poseidon2#T24}, Montgomery form: the C program runs with exactly the constants the
     * Java permutation uses.
     */
    private static List<int[]> permutationTables() {
        return List.of(Poseidon2.T24.externalConstants(), Poseidon2.T24.internalConstants(), Poseidon2.T24.diagonal());
    }

    /** (0, 1, …, 23) in Montgomery form, the spec's KAT input. */
    private static int[] katInput() {
        int[] s = new int[WIDTH];
        for (int i = 0; i < WIDTH; i++) {
            s[i] = BabyBear.toMont(i);
        }
        return s;
    }

    /** The bench folder: -Dbench.dir, else two levels above this class's jar or class folder. */
    private static Path benchDir() {
        String configured = System.getProperty("bench.dir");
        if (configured != null) {
            return Path.of(configured);
        }
        try {
            Path location = Path.of(Poseidon2Bench.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI());
            return location.getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the bench folder: set -Dbench.dir", e);
        }
    }
}
