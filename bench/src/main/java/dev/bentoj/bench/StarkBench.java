package dev.bentoj.bench;

import dev.bentoj.zkvm.air.Air;
import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.air.Constraint;
import dev.bentoj.zkvm.air.Expr;
import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.stark.ProofCodec;
import dev.bentoj.zkvm.stark.Security;
import dev.bentoj.zkvm.stark.StarkParameters;
import dev.bentoj.zkvm.stark.StarkProof;
import dev.bentoj.zkvm.stark.StarkProver;
import dev.bentoj.zkvm.stark.StarkVerifier;
import dev.bentoj.zkvm.stark.VerifierPolicy;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code ./bench/run stark}: prove and verify a 64-column AIR of 2^16 rows (degree-3
 * transitions, so two quotient chunks, as the RV32IM AIR will have) with the default parameter
 * set P96-B4: prove time, verify time, proof size, peak heap.
 */
final class StarkBench {
    private StarkBench() {
    }

    /** c_i' = c_i²·c_{i+1} + c_{i+2} (indices mod w): every column depends on its neighbours. */
    static final class WideAir implements Air {
        private final int width;

        WideAir(int width) {
            this.width = width;
        }

        public String name() {
            return "bench/wide-" + width;
        }

        public int mainWidth() {
            return width;
        }

        public int publicValueCount() {
            return 0;
        }

        public List<Constraint> constraints() {
            List<Constraint> cs = new ArrayList<>();
            for (int i = 0; i < width; i++) {
                Expr c = Expr.main(i);
                Expr rhs = c.times(c).times(Expr.main((i + 1) % width)).plus(Expr.main((i + 2) % width));
                cs.add(Constraint.transition("c" + i, Expr.mainNext(i).minus(rhs)));
            }
            return cs;
        }

        int[][] witness(int logN, long seed) {
            int n = 1 << logN;
            int[][] cols = new int[width][n];
            Random rnd = new Random(seed);
            for (int i = 0; i < width; i++) {
                cols[i][0] = BabyBear.toMont(rnd.nextInt(BabyBear.P));
            }
            for (int r = 1; r < n; r++) {
                for (int i = 0; i < width; i++) {
                    int c = cols[i][r - 1];
                    cols[i][r] = BabyBear.add(BabyBear.mul(BabyBear.square(c), cols[(i + 1) % width][r - 1]),
                            cols[(i + 2) % width][r - 1]);
                }
            }
            return cols;
        }
    }

    static Map<String, Object> run(String[] args) throws Exception {
        int logN = 16;
        int width = 64;
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--log-n" -> logN = Integer.parseInt(args[++i]);
                case "--columns" -> width = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (options: --log-n N, --columns N, --rounds N)");
            }
        }
        WideAir air = new WideAir(width);
        AirLayout layout = AirLayout.of(air);
        StarkParameters params = StarkParameters.Preset.P96_B4.forAir(layout, logN);
        int[][] trace = air.witness(logN, 7);
        StarkVerifier verifier = new StarkVerifier(VerifierPolicy.standard());
        System.out.printf("stark: %d columns x 2^%d rows, %d constraints of degree 3, P96-B4 (%s)%n",
                width, logN, layout.constraintCount(), params);
        System.out.println("  " + Security.terms(params, layout, logN).describe());
        Security.Proven proven = Security.proven(params, layout, logN);
        System.out.printf("  proven (ePrint 2024/1553): %.1f bits list decoding, %.1f bits unique decoding%n",
                proven.listDecoding(), proven.uniqueDecoding());

        long[] proveMs = new long[rounds];
        long[] verifyMs = new long[rounds];
        int proofBytes = 0;
        long peak = 0;
        // One warm-up round for the JIT, then the measured rounds.
        for (int r = -1; r < rounds; r++) {
            resetPeaks();
            long t0 = System.nanoTime();
            StarkProof proof = new StarkProver(params).prove(air, trace, new int[0]);
            long t1 = System.nanoTime();
            byte[] bytes = ProofCodec.encode(proof, layout);
            long t2 = System.nanoTime();
            verifier.verify(air, bytes);
            long t3 = System.nanoTime();
            peak = Math.max(peak, peakHeap());
            if (r >= 0) {
                proveMs[r] = (t1 - t0) / 1_000_000;
                verifyMs[r] = (t3 - t2) / 1_000_000;
                System.out.printf("  round %d: prove %d ms, verify %d ms%n", r + 1, proveMs[r], verifyMs[r]);
            }
            proofBytes = bytes.length;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bench", "stark");
        out.put("log_n", logN);
        out.put("columns", width);
        out.put("params", "P96-B4");
        out.put("conjectured_bits", Math.round(Security.conjecturedBits(params, layout, logN) * 10) / 10.0);
        out.put("proven_bits_ldr", Math.round(proven.listDecoding() * 10) / 10.0);
        out.put("prove_ms", median(proveMs));
        out.put("verify_ms", median(verifyMs));
        out.put("proof_bytes", proofBytes);
        out.put("peak_heap_mb", peak / (1024 * 1024));
        out.put("threads", Runtime.getRuntime().availableProcessors());
        return out;
    }

    private static long median(long[] xs) {
        long[] s = xs.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
    }

    static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
