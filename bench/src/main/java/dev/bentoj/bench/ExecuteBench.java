package dev.bentoj.bench;

import dev.bentoj.zkvm.elf.ElfLoader;
import dev.bentoj.zkvm.elf.Program;
import dev.bentoj.zkvm.exec.ExecutionResult;
import dev.bentoj.zkvm.exec.Executor;
import dev.bentoj.zkvm.exec.ExecutorOptions;
import dev.bentoj.zkvm.exec.TraceRecorder;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * {@code ./bench/run execute}: guest instructions per second on a CPU-heavy guest (SHA-256 of
 * 1 MiB), plain and with trace recording, interleaved A B B A and reported as the median.
 */
final class ExecuteBench {
    private ExecuteBench() {
    }

    static Map<String, Object> run(String[] args) throws Exception {
        int inputBytes = 1 << 20;
        int rounds = 3;
        int po2 = ExecutorOptions.DEFAULT_PO2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--input-bytes" -> inputBytes = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--po2" -> po2 = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (options: --input-bytes N, --rounds N, --po2 N)");
            }
        }
        Program program = ElfLoader.load(example("sha256"));
        byte[] input = new byte[inputBytes];
        new Random(1).nextBytes(input);
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(input);

        System.out.println("execute: SHA-256 of " + inputBytes + " bytes in the guest, po2 " + po2
                + ", " + rounds + " rounds of A B B A (A = plain, B = recording the trace)");
        // Warm-up: the JIT compiles the interpreter loop.
        long cycles = time(program, input, po2, false, expected)[0];
        time(program, input, po2, true, expected);

        double[] plain = new double[2 * rounds];
        double[] recording = new double[2 * rounds];
        for (int r = 0; r < rounds; r++) {
            plain[2 * r] = mhz(time(program, input, po2, false, expected));
            recording[2 * r] = mhz(time(program, input, po2, true, expected));
            recording[2 * r + 1] = mhz(time(program, input, po2, true, expected));
            plain[2 * r + 1] = mhz(time(program, input, po2, false, expected));
            System.out.printf("  round %d: plain %.1f / %.1f MHz, recording %.1f / %.1f MHz%n",
                    r + 1, plain[2 * r], plain[2 * r + 1], recording[2 * r], recording[2 * r + 1]);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bench", "execute");
        out.put("guest", "sha256");
        out.put("input_bytes", inputBytes);
        out.put("cycles", cycles);
        out.put("po2", po2);
        out.put("plain_mhz", round1(median(plain)));
        out.put("recording_mhz", round1(median(recording)));
        out.put("target_plain_mhz", 50);
        out.put("target_recording_mhz", 10);
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        return out;
    }

    /** Returns {cycles, nanos}. */
    private static long[] time(Program program, byte[] input, int po2, boolean record, byte[] expected) {
        ExecutorOptions options = ExecutorOptions.defaults().withPo2(po2);
        if (record) {
            options = options.withTrace(new TraceRecorder());
        }
        long t0 = System.nanoTime();
        ExecutionResult r = new Executor(program, input, options).run();
        long t1 = System.nanoTime();
        if (!Arrays.equals(r.journal(), expected)) {
            throw new IllegalStateException("the guest computed a wrong SHA-256: the benchmark is void");
        }
        return new long[] {r.userCycles(), t1 - t0};
    }

    private static double mhz(long[] cyclesNanos) {
        return cyclesNanos[0] * 1e3 / cyclesNanos[1];
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static double round1(double x) {
        return Math.round(x * 10) / 10.0;
    }

    static byte[] example(String name) throws IOException {
        try (InputStream in = ExecuteBench.class.getResourceAsStream("/guests/" + name + ".elf")) {
            if (in == null) {
                throw new IllegalStateException("example guest " + name + " missing from the class path");
            }
            return in.readAllBytes();
        }
    }
}
