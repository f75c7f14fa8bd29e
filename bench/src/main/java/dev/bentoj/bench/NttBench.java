package dev.bentoj.bench;

import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.ntt.Lde;
import dev.bentoj.zkvm.ntt.Ntt;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * {@code ./bench/run ntt}: forward NTT and coset LDE (β = 4) of 64 columns × 2^20 on all
 * cores, Java ({@link Ntt}, {@link Lde}) against the same radix-2 algorithm in plain C
 * ({@code bench/c/ntt.c}, compiled here with gcc -O3 -march=native -fopenmp). Both generate
 * the same input and print a checksum of their outputs; a mismatch voids the run. Rounds of
 * A B B A (A = Java, B = C), medians reported.
 */
final class NttBench {
    private NttBench() {
    }

    static Map<String, Object> run(String[] args) throws Exception {
        int logN = 20;
        int columns = 64;
        int logBlowup = 2;
        int rounds = 3;
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--log-n" -> logN = Integer.parseInt(args[++i]);
                case "--columns" -> columns = Integer.parseInt(args[++i]);
                case "--log-blowup" -> logBlowup = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (options: --log-n N, --columns N, --log-blowup N, --rounds N, --threads N)");
            }
        }
        System.out.println("ntt: " + columns + " columns × 2^" + logN + ", forward NTT and ×"
                + (1 << logBlowup) + " coset LDE, " + threads + " threads, " + rounds
                + " rounds of A B B A (A = Java, B = C)");
        Path cBinary = compileC();
        List<String> cCommand = List.of(cBinary.toString(), Integer.toString(logN),
                Integer.toString(columns), Integer.toString(threads), Integer.toString(logBlowup));

        int[][] input = input(logN, columns);
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            JavaRun java = new JavaRun(input, logBlowup, pool);
            // Warm-up: JIT, twiddle tables, checksums against C.
            double[] first = java.time(true);
            CRun c = runC(cCommand);
            if (c.nttChecksum() != java.nttChecksum || c.ldeChecksum() != java.ldeChecksum) {
                throw new IllegalStateException("Java and C outputs differ (checksums "
                        + Long.toUnsignedString(java.nttChecksum) + "/"
                        + Long.toUnsignedString(java.ldeChecksum) + " vs C's "
                        + Long.toUnsignedString(c.nttChecksum()) + "/"
                        + Long.toUnsignedString(c.ldeChecksum()) + "): the comparison is void");
            }
            System.out.printf("  warm-up: Java NTT %.1f ms, LDE %.1f ms (new arrays %.1f ms);"
                    + " checksums agree with C%n", first[0], first[1], first[2]);

            double[] jNtt = new double[2 * rounds];
            double[] jLde = new double[2 * rounds];
            double[] cNtt = new double[2 * rounds];
            double[] cLde = new double[2 * rounds];
            double[] jLdeAlloc = new double[2 * rounds];
            for (int r = 0; r < rounds; r++) {
                double[] a1 = java.time(false);
                CRun b1 = runC(cCommand);
                CRun b2 = runC(cCommand);
                double[] a2 = java.time(false);
                jNtt[2 * r] = a1[0];
                jLde[2 * r] = a1[1];
                jNtt[2 * r + 1] = a2[0];
                jLde[2 * r + 1] = a2[1];
                jLdeAlloc[2 * r] = a1[2];
                jLdeAlloc[2 * r + 1] = a2[2];
                cNtt[2 * r] = b1.nttMs();
                cLde[2 * r] = b1.ldeMs();
                cNtt[2 * r + 1] = b2.nttMs();
                cLde[2 * r + 1] = b2.ldeMs();
                System.out.printf("  round %d: Java NTT %.1f / %.1f ms, LDE %.1f / %.1f ms"
                                + " (new arrays %.1f / %.1f ms); C NTT %.1f / %.1f ms, LDE %.1f / %.1f ms%n",
                        r + 1, a1[0], a2[0], a1[1], a2[1], a1[2], a2[2], cNtt[2 * r], cNtt[2 * r + 1],
                        cLde[2 * r], cLde[2 * r + 1]);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("bench", "ntt");
            out.put("log_n", logN);
            out.put("columns", columns);
            out.put("log_blowup", logBlowup);
            out.put("threads", threads);
            out.put("ntt_ms", ExecuteBench.round1(ExecuteBench.median(jNtt)));
            out.put("lde_ms", ExecuteBench.round1(ExecuteBench.median(jLde)));
            out.put("lde_alloc_ms", ExecuteBench.round1(ExecuteBench.median(jLdeAlloc)));
            out.put("c_ntt_ms", ExecuteBench.round1(ExecuteBench.median(cNtt)));
            out.put("c_lde_ms", ExecuteBench.round1(ExecuteBench.median(cLde)));
            out.put("ratio", Math.round(ExecuteBench.median(jNtt) / ExecuteBench.median(cNtt) * 100) / 100.0);
            out.put("lde_ratio", Math.round(ExecuteBench.median(jLde) / ExecuteBench.median(cLde) * 100) / 100.0);
            out.put("checksums", "equal");
            out.put("cpus", Runtime.getRuntime().availableProcessors());
            return out;
        } finally {
            pool.shutdown();
        }
    }

    /**
     * The Java side: forward NTT of copies of all columns, the LDE of the input into buffers
     * reused from run to run (as the C program does), and the LDE into new arrays
     * ({@link Lde#extend}, allocation included).
     */
    private static final class JavaRun {
        private final int[][] input;
        private final int logBlowup;
        private final ForkJoinPool pool;
        private final int[][] work;
        private final int[][] lde;
        long nttChecksum;
        long ldeChecksum;

        JavaRun(int[][] input, int logBlowup, ForkJoinPool pool) {
            this.input = input;
            this.logBlowup = logBlowup;
            this.pool = pool;
            this.work = new int[input.length][input[0].length];
            this.lde = new int[input.length][input[0].length << logBlowup];
        }

        /** Returns {ntt ms, lde ms, allocating lde ms}; with {@code check}, records checksums. */
        double[] time(boolean check) {
            for (int c = 0; c < input.length; c++) {
                System.arraycopy(input[c], 0, work[c], 0, input[c].length);
            }
            long t0 = System.nanoTime();
            pool.submit(() -> IntStream.range(0, work.length).parallel()
                    .forEach(c -> Ntt.forwardDif(work[c]))).join();
            long t1 = System.nanoTime();
            Lde.extendInto(input, logBlowup, lde, pool);
            long t2 = System.nanoTime();
            int[][] fresh = Lde.extend(input, logBlowup, pool);
            long t3 = System.nanoTime();
            if (check) {
                nttChecksum = checksum(work);
                ldeChecksum = checksum(lde);
                if (checksum(fresh) != ldeChecksum) {
                    throw new IllegalStateException("Lde.extend and Lde.extendInto disagree");
                }
            }
            return new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6};
        }
    }

    /** Column c, row i = splitmix64(c·n + i) mod p, Montgomery form (as bench/c/ntt.c). */
    private static int[][] input(int logN, int columns) {
        int n = 1 << logN;
        int[][] cols = new int[columns][n];
        IntStream.range(0, columns).parallel().forEach(c -> {
            for (int i = 0; i < n; i++) {
                long v = Long.remainderUnsigned(splitmix64((long) c * n + i), BabyBear.P);
                cols[c][i] = BabyBear.toMont((int) v);
            }
        });
        return cols;
    }

    private static long splitmix64(long x) {
        x += 0x9E3779B97F4A7C15L;
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        return x ^ (x >>> 31);
    }

    /** FNV-1a over each column's ints, columns combined as h = 31·h + h_c (as the C side). */
    private static long checksum(int[][] cols) {
        long h = 0;
        for (int[] col : cols) {
            long hc = 0xCBF29CE484222325L;
            for (int v : col) {
                hc = (hc ^ (v & 0xFFFFFFFFL)) * 0x100000001B3L;
            }
            h = h * 31 + hc;
        }
        return h;
    }

    /** Compiles bench/c/ntt.c into bench/target/ntt-c and returns the binary. */
    private static Path compileC() throws IOException, InterruptedException, URISyntaxException {
        Path benchDir = benchDir();
        Path source = benchDir.resolve("c/ntt.c");
        Path binary = benchDir.resolve("target/ntt-c");
        Process gcc = new ProcessBuilder("gcc", "-O3", "-march=native", "-fopenmp", "-o",
                binary.toString(), source.toString()).redirectErrorStream(true).start();
        String log = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (gcc.waitFor() != 0) {
            throw new IllegalStateException("gcc failed on " + source + ":\n" + log);
        }
        return binary;
    }

    /** The bench/ directory: the jar lives in bench/target/, classes in bench/target/classes/. */
    private static Path benchDir() throws URISyntaxException {
        Path p = Path.of(NttBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        for (Path d = p; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("c/ntt.c"))) {
                return d;
            }
        }
        Path cwd = Path.of("bench").toAbsolutePath();
        if (Files.isRegularFile(cwd.resolve("c/ntt.c"))) {
            return cwd;
        }
        throw new IllegalStateException("bench/c/ntt.c not found above " + p
                + ": run ./bench/run ntt from the repository");
    }

    /** One run of the C program: its timings and output checksums. */
    private record CRun(double nttMs, double ldeMs, long nttChecksum, long ldeChecksum) {
    }

    /** Runs the C program once and parses its "key value" lines. */
    private static CRun runC(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("the C baseline failed: " + String.join(" ", command) + "\n" + text);
        }
        Map<String, String> out = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] kv = line.trim().split(" ");
            if (kv.length == 2) {
                out.put(kv[0], kv[1]);
            }
        }
        if (!out.keySet().containsAll(List.of("ntt_ms", "lde_ms", "ntt_checksum", "lde_checksum"))) {
            throw new IllegalStateException("unexpected output from the C baseline:\n" + text);
        }
        return new CRun(Double.parseDouble(out.get("ntt_ms")), Double.parseDouble(out.get("lde_ms")),
                Long.parseUnsignedLong(out.get("ntt_checksum")), Long.parseUnsignedLong(out.get("lde_checksum")));
    }
}
