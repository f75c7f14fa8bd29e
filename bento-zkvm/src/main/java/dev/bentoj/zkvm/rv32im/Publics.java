package dev.bentoj.zkvm.rv32im;

/**
 * Public value indices of the segment AIR (rv32im-air.md §8), all canonical field elements.
 * 32-bit values are split into 16-bit halves. The page list (indices, words before and after)
 * is too large to be public values one by one: its Poseidon2 digest is, so the transcript binds
 * it before the LogUp challenges exactly as if every word were absorbed.
 */
final class Publics {
    static final int PO2 = 0;
    /** T_END = 8·2^po2, the timestamp of page-out accesses. */
    static final int T_END = 1;
    static final int PRE_PC_LO = 2;
    static final int PRE_PC_HI = 3;
    static final int POST_PC_LO = 4;
    static final int POST_PC_HI = 5;
    static final int PRE_ROOT = 6;
    static final int POST_ROOT = 14;
    static final int HALTED = 22;
    static final int EXIT_LO = 23;
    static final int EXIT_HI = 24;
    static final int PTR_LO = 25;
    static final int PTR_HI = 26;
    static final int PAGES = 27;
    static final int COUNT = 35;

    private Publics() {
    }
}
