package dev.bentoj.bench;

import dev.bentoj.zkvm.elf.ElfLoader;
import dev.bentoj.zkvm.exec.ExecutionResult;
import dev.bentoj.zkvm.exec.Executor;
import dev.bentoj.zkvm.exec.ExecutorOptions;
import dev.bentoj.zkvm.exec.Segment;
import dev.bentoj.zkvm.hash.HashSuite;
import dev.bentoj.zkvm.image.MemoryImage;
import dev.bentoj.zkvm.prove.LocalProof;
import dev.bentoj.zkvm.prove.LocalProver;
import dev.bentoj.zkvm.receipt.ExpectedExitCode;
import dev.bentoj.zkvm.receipt.Receipt;
import dev.bentoj.zkvm.receipt.ReceiptCodec;
import dev.bentoj.zkvm.receipt.Verifier;
import dev.bentoj.zkvm.rv32im.SegmentProver;
import dev.bentoj.zkvm.stark.StarkParameters;
import dev.bentoj.zkvm.stark.VerifierPolicy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * {@code ./bench/run prove}: proving throughput of the local prover in user cycles per second,
 * for each segment size, on the SHA-256 guest with an input sized to fill {@code --segments}
 * segments (the last nearly full); with the peak heap while proving, the receipt size and the
 * time to verify it. Parameters P96-B4, as {@code ./bento prove}.
 */
final class ProveBench {
    private ProveBench() {
    }

    static Map<String, Object> run(String[] args) throws Exception {
        int[] po2s = {16, 18};
        int segments = 2;
        boolean insecure = false;
        HashSuite suite = SegmentProver.DEFAULT_SUITE;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--po2" -> po2s = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--segments" -> segments = Integer.parseInt(args[++i]);
                case "--insecure" -> insecure = true;
                case "--hash" -> suite = HashSuite.valueOf(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (options: --po2 LIST (default 16,18; for 20 raise the heap with BENCH_JAVA_OPTS=-Xmx...),"
                        + " --segments N (default 2), --hash SHA256|POSEIDON2_24, --insecure (fast test parameters: checks the benchmark runs,"
                        + " its figures mean nothing))");
            }
        }
        SegmentProver prover = insecure ? SegmentProver.insecureForTests(suite)
                : new SegmentProver(StarkParameters.Preset.P96_B4, suite);
        VerifierPolicy policy = insecure ? VerifierPolicy.insecureForTests() : VerifierPolicy.standard();
        MemoryImage sha = MemoryImage.of(ElfLoader.load(ExecuteBench.example("sha256")));
        String params = (insecure ? "insecure-test" : "P96-B4") + "/" + suite.label();
        System.out.println("prove: SHA-256 guest filling " + segments + " segments per po2 " + Arrays.toString(po2s)
                + ", " + params + ", " + Runtime.getRuntime().availableProcessors() + " cpus");

        // Warm-up for the JIT: one small proof, not measured.
        new LocalProver(prover, ExecutorOptions.defaults().withPo2(16)).prove(sha, input(1024));

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bench", "prove");
        out.put("guest", "sha256");
        out.put("params", params);
        for (int po2 : po2s) {
            byte[] input = input(inputBytesFor(sha, po2, segments));
            ExecutorOptions options = ExecutorOptions.defaults().withPo2(po2);
            StarkBench.resetPeaks();
            LocalProof proof = new LocalProver(prover, options).prove(sha, input);
            long peak = StarkBench.peakHeap();
            byte[] bytes = ReceiptCodec.encode(proof.receipt());
            Receipt decoded = ReceiptCodec.decode(bytes);
            long[] verifyNanos = new long[3];
            for (int r = 0; r < verifyNanos.length; r++) {
                long t0 = System.nanoTime();
                Verifier.verify(decoded, sha.imageId(), policy, ExpectedExitCode.SUCCESS);
                verifyNanos[r] = System.nanoTime() - t0;
            }
            ExecutionResult e = proof.execution();
            Map<String, Object> cell = new LinkedHashMap<>();
            cell.put("input_bytes", input.length);
            cell.put("cycles", e.userCycles());
            cell.put("segments", e.segments());
            cell.put("fill", ExecuteBench.round1(100.0 * e.userCycles() / e.totalCycles()));
            cell.put("execute_ms", proof.executeMs());
            cell.put("prove_ms", proof.proveMs());
            cell.put("hz", Math.round(proof.proveHz()));
            cell.put("verify_ms", ExecuteBench.round1(median(verifyNanos) / 1e6));
            cell.put("receipt_bytes", bytes.length);
            cell.put("peak_heap_mb", peak / (1024 * 1024));
            System.out.printf("  po2 %d: %d cycles in %d segments (%.1f %% of rows), prove %d ms = %d Hz, verify %.1f ms,"
                            + " receipt %d bytes, peak heap %d MiB%n", po2, e.userCycles(), e.segments(), cell.get("fill"),
                    proof.proveMs(), cell.get("hz"), cell.get("verify_ms"), bytes.length, peak / (1024 * 1024));
            out.put("po2_" + po2, cell);
        }
        out.put("target_hz", 4000);
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        return out;
    }

    /**
     * The input length that makes the guest run about {@code segments} full segments: cycles grow
     * linearly with the input, and a full segment holds as many cycles as the first segment of a
     * run of two or more.
     */
    static int inputBytesFor(MemoryImage sha, int po2, int segments) {
        int smallBytes = 1 << 16;
        long small = execute(sha, po2, smallBytes, s -> { }).userCycles();
        long[] fullSegment = new long[1];
        int bytes = smallBytes;
        ExecutionResult large;
        do {
            bytes *= 2;
            large = execute(sha, po2, bytes, s -> {
                if (s.index() == 0) {
                    fullSegment[0] = s.userCycles();
                }
            });
        } while (large.segments() < 2);
        double perByte = (large.userCycles() - small) / (double) (bytes - smallBytes);
        long fixed = small - Math.round(perByte * smallBytes);
        // A little below the target, so that the last segment is nearly, not just over, full.
        long target = Math.round(segments * fullSegment[0] * 0.98);
        return (int) Math.max(0, Math.round((target - fixed) / perByte));
    }

    private static ExecutionResult execute(MemoryImage sha, int po2, int inputBytes, Consumer<Segment> sink) {
        return new Executor(sha, input(inputBytes), ExecutorOptions.defaults().withPo2(po2)).run(sink);
    }

    static byte[] input(int length) {
        byte[] b = new byte[length];
        new Random(1).nextBytes(b);
        return b;
    }

    private static double median(long[] xs) {
        return ExecuteBench.median(Arrays.stream(xs).asDoubleStream().toArray());
    }
}
