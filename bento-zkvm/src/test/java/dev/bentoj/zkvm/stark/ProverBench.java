package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;
import dev.bentoj.zkvm.fri.FriProver;
import dev.bentoj.zkvm.fri.FriSchedule;
import dev.bentoj.zkvm.merkle.ColumnMajorLeaves;
import dev.bentoj.zkvm.merkle.MerkleTree;
import dev.bentoj.zkvm.ntt.Lde;
import dev.bentoj.zkvm.transcript.Transcript;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Times the prover's phases on the {@link WideAir} (not a test: run its main with the test
 * classpath). Challenges are random, not the transcript's: the work per phase is the same.
 * Arguments: log n (default 16), repetitions (default 3).
 */
public final class ProverBench {
    private static final com.sun.management.OperatingSystemMXBean CPU =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private ProverBench() {
    }

    public static void main(String[] args) throws Exception {
        int logN = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        WideAir air = new WideAir(7);
        AirLayout layout = AirLayout.of(air);
        StarkParameters params = StarkParameters.insecureForTests();
        ExampleAirs.Witness warm = air.witness(12);
        new StarkProver(params).prove(air, warm.columns(), warm.publicValues());
        ExampleAirs.Witness w = air.witness(logN);
        System.out.printf("wide AIR: %d main, %d pre, %d aux columns, %d constraints, %d interactions, "
                        + "2^%d rows, blowup %d, %d threads%n", air.mainWidth(), air.preprocessedWidth(),
                layout.auxWidth(), layout.constraintCount(), layout.interactionCount(), logN, params.blowup(),
                java.util.concurrent.ForkJoinPool.commonPool().getParallelism());
        for (int rep = 0; rep < reps; rep++) {
            phases(layout, w, params, logN);
            StarkProof proof = time("prove (all phases)", () -> new StarkProver(params).prove(air, w.columns(),
                    w.publicValues()));
            byte[] bytes = ProofCodec.encode(proof, layout);
            System.out.println("  proof sha256 "
                    + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        }
    }

    private static void phases(AirLayout layout, ExampleAirs.Witness w, StarkParameters params, int logN) {
        Random rnd = new Random(1);
        int logBlowup = params.logBlowup();
        int n = 1 << logN;
        int[][] main = w.columns();
        int[] pub = new int[w.publicValues().length];
        for (int i = 0; i < pub.length; i++) {
            pub[i] = BabyBear.toMont(w.publicValues()[i]);
        }
        int[][] pre = layout.air().preprocessedColumns(logN);
        time("self-check", () -> {
            TraceCheck.requireSatisfied(layout, pre, main, pub);
            return null;
        });
        int[][] preLde = time("LDE pre+main", () -> Lde.extend(pre, logBlowup));
        int[][] mainLde = Lde.extend(main, logBlowup);
        time("commit pre+main", () -> {
            MerkleTree.commit(new ColumnMajorLeaves(preLde));
            return MerkleTree.commit(new ColumnMajorLeaves(mainLde));
        });
        Ext alphaL = randomExt(rnd);
        Ext[] betaPowers = LogUp.betaPowers(randomExt(rnd), layout.tupleWidth());
        int[][] aux = time("LogUp witness", () -> LogUpWitness.build(layout, pre, main, pub, alphaL, betaPowers));
        int acc = 4 * layout.groupCount();
        Ext logUpSum = new Ext(aux[acc][n - 1], aux[acc + 1][n - 1], aux[acc + 2][n - 1], aux[acc + 3][n - 1]);
        int[][] auxLde = time("LDE+commit aux", () -> {
            int[][] l = Lde.extend(aux, logBlowup);
            MerkleTree.commit(new ColumnMajorLeaves(l));
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
            MerkleTree.commit(new ColumnMajorLeaves(l));
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
                params.logFinal()), new Transcript(), 0));
    }

    private static Ext randomExt(Random rnd) {
        return new Ext(rnd.nextInt(BabyBear.P), rnd.nextInt(BabyBear.P), rnd.nextInt(BabyBear.P), rnd.nextInt(BabyBear.P));
    }

    /** Wall time, and CPU time of the whole process (steadier when other processes share the cores). */
    private static <T> T time(String phase, Supplier<T> body) {
        long c0 = CPU.getProcessCpuTime();
        long t0 = System.nanoTime();
        T out = body.get();
        System.out.printf("  %-28s %8.0f ms wall %8.0f ms cpu%n", phase, (System.nanoTime() - t0) / 1e6,
                (CPU.getProcessCpuTime() - c0) / 1e6);
        return out;
    }
}
