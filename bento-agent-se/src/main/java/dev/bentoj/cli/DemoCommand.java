package dev.bentoj.cli;

import dev.bentoj.zkvm.elf.ElfLoader;
import dev.bentoj.zkvm.elf.Program;
import dev.bentoj.zkvm.exec.ExecutionResult;
import dev.bentoj.zkvm.exec.Executor;
import dev.bentoj.zkvm.exec.ExecutorOptions;
import dev.bentoj.zkvm.image.MemoryImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code bento demo}: runs the example guests locally and shows what each committed, checked
 * against the same computation done in Java. (The cluster and proving join the demo as they land.)
 */
@Command(name = "demo", description = "Run the example guests locally and show what they committed.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--po2", paramLabel = "N", description = "segment size: at most 2^N rows (default ${DEFAULT-VALUE})")
    int po2 = 16;

    @Override
    public Integer call() throws Exception {
        System.out.println("Bento-J demo: executing the example guests with the RV32IM executor (po2 " + po2 + ")");
        boolean ok = true;

        ExecutionResult hello = run("hello", new byte[0]);
        ok &= report("hello", hello, "\"" + new String(hello.journal(), StandardCharsets.UTF_8) + "\"",
                Arrays.equals(hello.journal(), "hello, world".getBytes(StandardCharsets.US_ASCII)));
        System.out.print(indent(new String(hello.log(), StandardCharsets.UTF_8)));

        byte[] data = new byte[256 * 1024];
        new Random(42).nextBytes(data);
        ExecutionResult sha = run("sha256", data);
        ok &= report("sha256", sha, "SHA-256 of 256 KiB = " + Json.hex(sha.journal()).substring(0, 16) + "…",
                Arrays.equals(sha.journal(), MessageDigest.getInstance("SHA-256").digest(data)));

        int n = 90;
        ExecutionResult fib = run("fibonacci", ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(n).array());
        ByteBuffer j = ByteBuffer.wrap(fib.journal()).order(ByteOrder.LITTLE_ENDIAN);
        long value = fib.journal().length == 12 ? j.getLong(4) : -1;
        ok &= report("fibonacci", fib, "fib(" + n + ") = " + Long.toUnsignedString(value), value == fibonacci(n));

        System.out.println(ok ? "all journals match the host's own computation"
                : "MISMATCH: a guest committed something other than expected");
        return ok ? 0 : 1;
    }

    private ExecutionResult run(String name, byte[] input) {
        Program program = ElfLoader.load(GuestFiles.example(name));
        long t0 = System.nanoTime();
        ExecutionResult r = new Executor(program, input, ExecutorOptions.defaults().withPo2(po2)).run();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("%-10s image %s…  exit %d  %,d cycles in %,d segment(s), %d ms%n",
                name, MemoryImage.of(program).imageId().toHex().substring(0, 12), r.exitCode(),
                r.userCycles(), r.segments(), ms);
        return r;
    }

    private static boolean report(String name, ExecutionResult r, String journal, boolean matches) {
        System.out.printf("%-10s journal: %s %s%n", "", journal, matches ? "(matches)" : "(DOES NOT MATCH)");
        return matches && r.exitCode() == 0;
    }

    private static String indent(String log) {
        return log.isEmpty() ? "" : log.lines().map(l -> "           log: " + l + "\n").reduce("", String::concat);
    }

    private static long fibonacci(int n) {
        long a = 0;
        long b = 1;
        for (int i = 0; i < n; i++) {
            long t = a + b;
            a = b;
            b = t;
        }
        return a;
    }
}
