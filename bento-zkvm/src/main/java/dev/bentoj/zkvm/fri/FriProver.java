package dev.bentoj.zkvm.fri;

import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.HashSuite;
import dev.bentoj.zkvm.merkle.FriLayerLeaves;
import dev.bentoj.zkvm.merkle.MerkleTree;
import dev.bentoj.zkvm.ntt.Lde;
import dev.bentoj.zkvm.stark.StarkProof;
import dev.bentoj.zkvm.transcript.Transcript;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The commit phase of FRI over a K-codeword in bit-reversed order (4 coordinate columns), and
 * the answers to queries. Transcript order per round: observe the root, grind, draw β_i; then
 * the final polynomial's coefficients.
 */
public final class FriProver {
    private final FriSchedule schedule;
    private final List<int[][]> layers = new ArrayList<>();
    private final List<MerkleTree> trees = new ArrayList<>();
    private final Digest[] roots;
    private final int[] nonces;
    private final Ext[] finalPolynomial;

    /**
     * Commits to {@code codeword} (on 31·⟨ω_M⟩, bit-reversed), folding as the schedule says,
     * each layer's tree hashed with {@code suite}.
     *
     * @throws IllegalStateException if the last layer is not of the expected degree (the
     *                               codeword was not low-degree: a prover bug or a broken constraint)
     */
    public FriProver(int[][] codeword, FriSchedule schedule, HashSuite suite, Transcript t, int powCommit) {
        this.schedule = schedule;
        int r = schedule.rounds();
        this.roots = new Digest[r];
        this.nonces = new int[r];
        int[][] layer = codeword;
        int shift = Lde.SHIFT;
        for (int i = 0; i < r; i++) {
            int logArity = schedule.logArity(i);
            MerkleTree tree = MerkleTree.commit(new FriLayerLeaves(layer, 1 << logArity), suite);
            layers.add(layer);
            trees.add(tree);
            roots[i] = tree.root();
            t.observeDigest(roots[i]);
            nonces[i] = t.grind(powCommit);
            Ext beta = t.sampleExt();
            layer = foldLayer(layer, beta, shift, schedule.logLayerSize(i), logArity);
            shift = FriFold.nextShift(shift, logArity);
        }
        this.finalPolynomial = interpolateFinal(layer, shift, schedule);
        for (Ext c : finalPolynomial) {
            t.observeExt(c);
        }
    }

    private static int[][] foldLayer(int[][] layer, Ext beta, int shift, int logSize, int logArity) {
        int k = 1 << logArity;
        int blocks = layer[0].length / k;
        int[][] next = new int[4][blocks];
        IntStream.range(0, blocks).parallel().forEach(g -> {
            Ext[] block = new Ext[k];
            for (int u = 0; u < k; u++) {
                int idx = g * k + u;
                block[u] = new Ext(layer[0][idx], layer[1][idx], layer[2][idx], layer[3][idx]);
            }
            Ext v = FriFold.fold(block, beta, FriFold.blockPoint(shift, logSize, logArity, g), logArity);
            next[0][g] = v.c0();
            next[1][g] = v.c1();
            next[2][g] = v.c2();
            next[3][g] = v.c3();
        });
        return next;
    }

    /** The last layer's coefficients; all beyond the final length must vanish. */
    private static Ext[] interpolateFinal(int[][] layer, int shift, FriSchedule schedule) {
        int m = layer[0].length;
        int[][] coeffs = new int[4][];
        for (int c = 0; c < 4; c++) {
            coeffs[c] = Lde.interpolateCoset(layer[c], shift);
        }
        int len = schedule.finalLength();
        for (int c = 0; c < 4; c++) {
            for (int j = len; j < m; j++) {
                if (coeffs[c][j] != 0) {
                    throw new IllegalStateException("FRI: the final layer has degree ≥ " + len
                            + ": the DEEP codeword is not low-degree");
                }
            }
        }
        Ext[] out = new Ext[len];
        for (int j = 0; j < len; j++) {
            out[j] = new Ext(coeffs[0][j], coeffs[1][j], coeffs[2][j], coeffs[3][j]);
        }
        return out;
    }

    public Digest[] roots() {
        return roots.clone();
    }

    public int[] nonces() {
        return nonces.clone();
    }

    public Ext[] finalPolynomial() {
        return finalPolynomial.clone();
    }

    /** The blocks and paths that answer a query at LDE index {@code index}. */
    public List<StarkProof.FriOpening> open(int index) {
        List<StarkProof.FriOpening> out = new ArrayList<>(schedule.rounds());
        int idx = index;
        for (int i = 0; i < schedule.rounds(); i++) {
            int logArity = schedule.logArity(i);
            int k = 1 << logArity;
            int g = idx >>> logArity;
            int[][] layer = layers.get(i);
            Ext[] block = new Ext[k];
            for (int u = 0; u < k; u++) {
                int p = g * k + u;
                block[u] = new Ext(layer[0][p], layer[1][p], layer[2][p], layer[3][p]);
            }
            out.add(new StarkProof.FriOpening(block, trees.get(i).path(g)));
            idx = g;
        }
        return out;
    }
}
