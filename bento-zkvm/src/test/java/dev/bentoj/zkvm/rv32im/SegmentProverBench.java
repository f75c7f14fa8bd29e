package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.elf.ElfLoader;
import dev.bentoj.zkvm.exec.ExecutionResult;
import dev.bentoj.zkvm.exec.Executor;
import dev.bentoj.zkvm.exec.ExecutorOptions;
import dev.bentoj.zkvm.exec.Segment;
import dev.bentoj.zkvm.hash.HashSuite;
import dev.bentoj.zkvm.image.MemoryImage;
import dev.bentoj.zkvm.stark.ProverBench;
import dev.bentoj.zkvm.stark.StarkParameters;
import dev.bentoj.zkvm.stark.VerificationException;
import dev.bentoj.zkvm.stark.VerifierPolicy;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Times proving and verifying the first, full 2^16-row segment of the SHA-256 guest with each
 * commitment hash suite (not a test: run its main with the test classpath): the phases with
 * random challenges, then {@link SegmentProver} end to end, suites in turn per repetition.
 * Arguments: repetitions (default 2), suites (default POSEIDON2_24,SHA256), parameters:
 * "insecure" (default) or a preset name such as P96_B4.
 */
public final class SegmentProverBench {
    private static final int PO2 = 16;

    private SegmentProverBench() {
    }

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        HashSuite[] suites = Arrays.stream((args.length > 1 ? args[1] : "POSEIDON2_24,SHA256").split(","))
                .map(HashSuite::valueOf).toArray(HashSuite[]::new);
        String set = args.length > 2 ? args[2] : "insecure";
        boolean insecure = set.equals("insecure");
        SegmentVerifier verifier = new SegmentVerifier(insecure ? VerifierPolicy.insecureForTests()
                : VerifierPolicy.standard());

        List<Segment> segments = new ArrayList<>();
        byte[] input = new byte[64 << 10]; // several segments of hashing: segment 0 is full
        new Random(1).nextBytes(input);
        ExecutionResult run = new Executor(guest("sha256"), input, ExecutorOptions.defaults().withPo2(PO2)
                .withPageProofs()).run(segments::add);
        Segment segment = segments.get(0);
        Rv32imAir air = new Rv32imAir(SegmentWitness.pagesOf(segment));
        AirLayout layout = AirLayout.of(air);
        System.out.printf("SHA-256 guest, segment 0 of %d: 2^%d rows, %d user cycles, %d pages; %d main, %d pre, "
                        + "%d aux columns; parameters %s; %d threads%n", run.segments(), PO2, segment.userCycles(),
                segment.pageIndices().length, air.mainWidth(), air.preprocessedWidth(), layout.auxWidth(), set,
                java.util.concurrent.ForkJoinPool.commonPool().getParallelism());

        for (HashSuite suite : suites) { // warm-up, not measured
            verifier.verify(prover(set, suite).prove(segment, run.journal()));
        }
        for (int rep = 0; rep < reps; rep++) {
            for (HashSuite suite : suites) {
                SegmentProver prover = prover(set, suite);
                StarkParameters params = insecure ? StarkParameters.insecureForTests().withHashSuite(suite)
                        : StarkParameters.Preset.valueOf(set).forAir(layout, PO2, suite);
                System.out.printf("%s, repetition %d%n", suite.label(), rep + 1);
                int[][] main = ProverBench.time("witness", () -> SegmentWitness.build(segment, run.journal(), air));
                ProverBench.phases(layout, main, SegmentProver.publicValues(segment, air.pages()), params);
                SegmentProof proof = ProverBench.time("prove (witness + STARK)",
                        () -> prover.prove(segment, run.journal()));
                ProverBench.time("verify", () -> {
                    try {
                        return verifier.verify(proof);
                    } catch (VerificationException e) {
                        throw new IllegalStateException(e);
                    }
                });
                System.out.println("  proof " + proof.stark().length + " bytes");
            }
        }
    }

    private static SegmentProver prover(String set, HashSuite suite) {
        return set.equals("insecure") ? SegmentProver.insecureForTests(suite)
                : new SegmentProver(StarkParameters.Preset.valueOf(set), suite);
    }

    private static MemoryImage guest(String name) throws IOException {
        try (InputStream in = SegmentProverBench.class.getResourceAsStream("/guests/" + name + ".elf")) {
            return MemoryImage.of(ElfLoader.load(in.readAllBytes()));
        }
    }
}
