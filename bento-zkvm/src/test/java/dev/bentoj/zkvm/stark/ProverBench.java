package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;
import dev.bentoj.zkvm.fri.FriProver;
import dev.bentoj.zkvm.fri.FriSchedule;
import dev.bentoj.zkvm.hash.HashSuite;
import dev.bentoj.zkvm.merkle.ColumnMajorLeaves;
import dev.bentoj.zkvm.merkle.MerkleTree;
import dev.bentoj.zkvm.ntt.Lde;
import dev.bentoj.zkvm.transcript.Transcript;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Times the prover's phases, the whole prover and the verifier on the {@link WideAir} (not a
 * test: run its main with the test classpath). Challenges are random, not the transcript's: the
 * work per phase is the same. Arguments: log n (default 16), repetitions (default 3), the
 * commitment hash suites to compare, comma-separated (default POSEIDON2_24,SHA256; each
 * repetition runs them in turn, so both see the same conditions), the parameters: "insecure"
 * (default, 6 queries) or a preset name such as P96_B4.
 */
public final class ProverBench {
    private static final com.sun.management.OperatingSystemMXBean CPU =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private ProverBench() {
    }

    public static void main(String[] args) throws Exception {
        int logN = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        HashSuite[] suites = Arrays.stream((args.length > 2 ? args[2] : "POSEIDON2_24,SHA256").split(","))
                .map(HashSuite::valueOf).toArray(HashSuite[]::new);
        String set = args.length > 3 ? args[3] : "insecure";
        WideAir air = new WideAir(7);
        AirLayout layout = AirLayout.of(air);
        StarkVerifier verifier = new StarkVerifier(set.equals("insecure") ? VerifierPolicy.insecureForTests()
                : VerifierPolicy.standard());
        ExampleAirs.Witness warm = air.witness(12);
        for (HashSuite suite : suites) {
            StarkParameters p = parameters(set, layout, 12, suite);
            verifier.verify(air, ProofCodec.encode(new StarkProver(p).prove(air, warm.columns(), warm.publicValues()),
                    layout));
        }
        ExampleAirs.Witness w = air.witness(logN);
        System.out.printf("wide AIR: %d main, %d pre, %d aux columns, %d constraints, %d interactions, "
                        + "2^%d rows, parameters %s, %d threads%n", air.mainWidth(), air.preprocessedWidth(),
                layout.auxWidth(), layout.constraintCount(), layout.interactionCount(), logN, set,
                java.util.concurrent.ForkJoinPool.commonPool().getParallelism());
        for (int rep = 0; rep < reps; rep++) {
            for (HashSuite suite : suites) {
                StarkParameters params = parameters(set, layout, logN, suite);
                System.out.printf("%s, repetition %d, blowup %d, %d queries%n", suite.label(), rep + 1,
                        params.blowup(), params.numQueries());
                phases(layout, w.columns(), w.publicValues(), params);
                StarkProof proof = time("prove (all phases)", () -> new StarkProver(params).prove(air, w.columns(),
                        w.publicValues()));
                byte[] bytes = ProofCodec.encode(proof, layout);
                time("verify", () -> {
                    try {
                        return verifier.verify(air, bytes);
                    } catch (VerificationException e) {
                        throw new IllegalStateException(e);
                    }
                });
                System.out.println("  proof " + bytes.length + " bytes, sha256 "
                        + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
            }
        }
    }

    private static StarkParameters parameters(String set, AirLayout layout, int logN, HashSuite suite) {
        return set.equals("insecure") ? StarkParameters.insecureForTests().withHashSuite(suite)
                : StarkParameters.Preset.valueOf(set).forAir(layout, logN, suite);
    }

    /**
     * Times each phase of proving {@code main} (natural order, Montgomery form) with these public
     * values (canonical) for any AIR, with random challenges.
     */
    public static void phases(AirLayout layout, int[][] main, int[] publicValues, StarkParameters params) {
        Random rnd = new Random(1);
        int logBlowup = params.logBlowup();
        HashSuite suite = params.hashSuite();
        int n = main[0].length;
        int logN = Integer.numberOfTrailingZeros(n);
        int[] pub = new int[publicValues.length];
        for (int i = 0; i < pub.length; i++) {
            pub[i] = BabyBear.toMont(publicValues[i]);
        }
        int[][] pre = layout.air().preprocessedColumns(logN);
        time("self-check", () -> {
            TraceCheck.requireSatisfied(layout, pre, main, pub);
            return null;
        });
        int[][][] ldes = time("LDE pre+main", () -> new int[][][] {Lde.extend(pre, logBlowup),
            Lde.extend(main, logBlowup)});
        int[][] preLde = ldes[0];
        int[][] mainLde = ldes[1];
        time("commit pre+main", () -> {
            MerkleTree.commit(new ColumnMajorLeaves(preLde), suite);
            return MerkleTree.commit(new ColumnMajorLeaves(mainLde), suite);
        });
        Ext alphaL = randomExt(rnd);
        Ext[] betaPowers = LogUp.betaPowers(randomExt(rnd), layout.tupleWidth());
        int[][] aux = time("LogUp witness", () -> LogUpWitness.build(layout, pre, main, pub, alphaL, betaPowers));
        int acc = 4 * layout.groupCount();
        Ext logUpSum = new Ext(aux[acc][n - 1], aux[acc + 1][n - 1], aux[acc + 2][n - 1], aux[acc + 3][n - 1]);
        int[][] auxLde = time("LDE+commit aux", () -> {
            int[][] l = Lde.extend(aux, logBlowup);
            MerkleTree.commit(new ColumnMajorLeaves(l), suite);
            return l;
        });
        Ext alpha = randomExt(rnd);
        int[][] q = time("quotient", () -> Composition.quotient(layout, logN, logBlowup, preLde, mainLde, auxLde,
                pub, alphaL, betaPowers, logUpSum, alpha));
        int chunks = layout.quotientChunks();
        int[][] coeffs = time("quotient split", () -> {
            int[][] out = new int[4 * chunks][];
            for (int c = 0; c < 4; c++) {
                int[] all = Lde.interpolateCoset(q[c], Lde.SHIFT);
                for (int i = 0; i < chunks; i++) {
                    out[4 * i + c] = java.util.Arrays.copyOfRange(all, i * n, (i + 1) * n);
                }
            }
            return out;
        });
        int[][] quotientLde = time("LDE+commit quotient", () -> {
            int[][] l = Lde.extendCoefficients(coeffs, logBlowup);
            MerkleTree.commit(new ColumnMajorLeaves(l), suite);
            return l;
        });
        Ext z = randomExt(rnd);
        Ext zNext = z.mulBase(BabyBear.rootOfUnity(logN));
        int[][] trace = StarkProver.concat(pre, main, aux);
        Ext[] ood = time("out-of-domain openings", () -> {
            Ext[][] both = OutOfDomain.evaluateTrace(trace, logN, z);
            Ext[] a = both[0];
            Ext[] b = both[1];
            Ext[] out = new Ext[2 * a.length + 4 * chunks];
            System.arraycopy(a, 0, out, 0, a.length);
            System.arraycopy(b, 0, out, a.length, b.length);
            Ext[] c = OutOfDomain.evaluateCoefficients(coeffs, z);
            System.arraycopy(c, 0, out, 2 * a.length, c.length);
            return out;
        });
        int[][] deep = time("DEEP codeword", () -> Deep.codeword(StarkProver.concat(preLde, mainLde, auxLde),
                quotientLde, ood, z, zNext, randomExt(rnd), logN + logBlowup));
        time("FRI commit", () -> new FriProver(deep, FriSchedule.of(logN, logBlowup, params.logArity(),
                params.logFinal()), suite, new Transcript(), 0));
    }

    private static Ext randomExt(Random rnd) {
        return new Ext(rnd.nextInt(BabyBear.P), rnd.nextInt(BabyBear.P), rnd.nextInt(BabyBear.P), rnd.nextInt(BabyBear.P));
    }

    /** Wall time, and CPU time of the whole process (steadier when other processes share the cores). */
    public static <T> T time(String phase, Supplier<T> body) {
        long c0 = CPU.getProcessCpuTime();
        long t0 = System.nanoTime();
        T out = body.get();
        System.out.printf("  %-28s %8.0f ms wall %8.0f ms cpu%n", phase, (System.nanoTime() - t0) / 1e6,
                (CPU.getProcessCpuTime() - c0) / 1e6);
        return out;
    }
}
