package dev.bentoj.zkvm.fri;

import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.HashSuite;
import dev.bentoj.zkvm.merkle.MerkleTree;
import dev.bentoj.zkvm.stark.StarkProof;

import java.util.List;

/** The query walk of §3.5: each round's carried value at its offset, its path, the fold. */
public final class FriVerifier {
    private FriVerifier() {
    }

    /**
     * Checks one query. Returns null if it passes, else the reason.
     *
     * @param suite  the proof's commitment hash suite
     * @param index  the LDE index i_0 drawn from the transcript
     * @param value  F(x_0) as the verifier computed it from the opened rows
     */
    public static String checkQuery(FriSchedule schedule, HashSuite suite, Digest[] roots, Ext[] betas,
                                    Ext[] finalPolynomial, int index, Ext value, List<StarkProof.FriOpening> rounds) {
        int idx = index;
        Ext v = value;
        int shift = dev.bentoj.zkvm.ntt.Lde.SHIFT;
        for (int i = 0; i < schedule.rounds(); i++) {
            int logArity = schedule.logArity(i);
            int k = 1 << logArity;
            int g = idx >>> logArity;
            int u = idx & (k - 1);
            StarkProof.FriOpening opening = rounds.get(i);
            Ext[] block = opening.block();
            if (block.length != k) {
                return "FRI round " + i + ": block of " + block.length + " values, expected " + k;
            }
            if (!block[u].equals(v)) {
                return "FRI round " + i + ": the block does not carry the previous value at offset " + u;
            }
            int[] cells = new int[4 * k];
            for (int j = 0; j < k; j++) {
                cells[4 * j] = block[j].c0();
                cells[4 * j + 1] = block[j].c1();
                cells[4 * j + 2] = block[j].c2();
                cells[4 * j + 3] = block[j].c3();
            }
            if (!MerkleTree.verify(suite, roots[i], g, cells, opening.path(), schedule.pathDepth(i))) {
                return "FRI round " + i + ": Merkle path of block " + g + " does not verify";
            }
            int logSize = schedule.logLayerSize(i);
            v = FriFold.fold(block, betas[i], FriFold.blockPoint(shift, logSize, logArity, g), logArity);
            shift = FriFold.nextShift(shift, logArity);
            idx = g;
        }
        int logM = schedule.logLayerSize(schedule.rounds());
        int rev = logM == 0 ? 0 : Integer.reverse(idx) >>> (32 - logM);
        int x = BabyBear.mul(shift, BabyBear.pow(BabyBear.rootOfUnity(logM), rev));
        if (!FriFold.evaluate(finalPolynomial, x).equals(v)) {
            return "FRI: the final polynomial does not match the folded value";
        }
        return null;
    }
}
