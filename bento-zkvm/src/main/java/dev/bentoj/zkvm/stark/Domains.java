package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.ntt.Lde;

/** Points of the LDE domain D = 31·⟨ω_D⟩ in the physical (bit-reversed) order of its codewords. */
final class Domains {
    static final int SHIFT = Lde.SHIFT;

    private Domains() {
    }

    /** x_r = 31·ω_D^bitrev(r), r < 2^logD. */
    static int[] cosetPointsBitReversed(int logD) {
        return Lde.cosetPoints(logD, SHIFT);
    }

    static int pointAt(int logD, int r) {
        return BabyBear.mul(SHIFT, BabyBear.pow(BabyBear.rootOfUnity(logD), bitReverse(r, logD)));
    }

    static int bitReverse(int i, int bits) {
        return bits == 0 ? 0 : Integer.reverse(i) >>> (32 - bits);
    }
}
