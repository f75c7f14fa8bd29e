package dev.bentoj.zkvm.hash;

import dev.bentoj.zkvm.field.BabyBear;

/**
 * Round constants and internal diagonals of the two Poseidon2 instances over BabyBear
 * (HorizenLabs parameters, {@code spec/stark-protocol.md} §2), all in Montgomery form.
 *
 * <p>The round constants are regenerated at class initialisation with the Grain LFSR of the
 * Poseidon paper (ePrint 2019/458, appendix E) rather than pasted as tables, so the only
 * literals here are the instance parameters and the diagonals.
 */
final class Poseidon2Constants {

    /** Full rounds (half before, half after the partial rounds). */
    static final int FULL_ROUNDS = 8;
    static final int PARTIAL_ROUNDS_16 = 13;
    static final int PARTIAL_ROUNDS_24 = 21;

    /** Internal diagonal μ for width 16 (canonical values from the spec). */
    private static final int[] DIAG_16_CANONICAL = {
        0x0a632d94, 0x6db657b7, 0x56fbdc9e, 0x052b3d8a, 0x33745201, 0x5c03108c, 0x0beba37b, 0x258c2e8b,
        0x12029f39, 0x694909ce, 0x6d231724, 0x21c3b222, 0x3c0904a5, 0x01d6acda, 0x27705c83, 0x5231c802,
    };

    /** Internal diagonal μ for width 24 (canonical values from the spec). */
    private static final int[] DIAG_24_CANONICAL = {
        0x409133f0, 0x1667a8a1, 0x06a6c7b6, 0x6f53160e, 0x273b11d1, 0x03176c5d, 0x72f9bbf9, 0x73ceba91,
        0x5cdef81d, 0x01393285, 0x46daee06, 0x065d7ba6, 0x52d72d6f, 0x05dd05e0, 0x3bab4b63, 0x6ada3842,
        0x2fc5fbec, 0x770d61b0, 0x5715aae9, 0x03ef0e90, 0x75b6c770, 0x242adf5f, 0x00d0ca4c, 0x36c0e388,
    };

    /** Width 16: external constants, {@link #FULL_ROUNDS}·16 values, row-major, first 4 rows before. */
    static final int[] EXTERNAL_16;
    /** Width 16: one constant per partial round. */
    static final int[] INTERNAL_16;
    static final int[] DIAG_16 = toMont(DIAG_16_CANONICAL);

    /** Width 24: external constants, {@link #FULL_ROUNDS}·24 values, row-major, first 4 rows before. */
    static final int[] EXTERNAL_24;
    /** Width 24: one constant per partial round. */
    static final int[] INTERNAL_24;
    static final int[] DIAG_24 = toMont(DIAG_24_CANONICAL);

    static {
        int[] rc16 = grainRoundConstants(16, FULL_ROUNDS, PARTIAL_ROUNDS_16);
        EXTERNAL_16 = externalPart(rc16, 16, FULL_ROUNDS, PARTIAL_ROUNDS_16);
        INTERNAL_16 = internalPart(rc16, 16, FULL_ROUNDS, PARTIAL_ROUNDS_16);
        int[] rc24 = grainRoundConstants(24, FULL_ROUNDS, PARTIAL_ROUNDS_24);
        EXTERNAL_24 = externalPart(rc24, 24, FULL_ROUNDS, PARTIAL_ROUNDS_24);
        INTERNAL_24 = internalPart(rc24, 24, FULL_ROUNDS, PARTIAL_ROUNDS_24);
    }

    private Poseidon2Constants() {
    }

    /**
     * The R_F·t + R_P round constants of a Poseidon2 instance over BabyBear in generation
     * order (R_F/2 external rows of t, R_P internal values, R_F/2 external rows), canonical.
     */
    static int[] grainRoundConstants(int width, int fullRounds, int partialRounds) {
        Grain grain = new Grain(31, width, fullRounds, partialRounds);
        int[] out = new int[fullRounds * width + partialRounds];
        for (int i = 0; i < out.length; i++) {
            out[i] = grain.nextFieldElement(31, BabyBear.P);
        }
        return out;
    }

    private static int[] externalPart(int[] rc, int width, int fullRounds, int partialRounds) {
        int half = fullRounds / 2 * width;
        int[] out = new int[fullRounds * width];
        for (int i = 0; i < half; i++) {
            out[i] = BabyBear.toMont(rc[i]);
            out[half + i] = BabyBear.toMont(rc[half + partialRounds + i]);
        }
        return out;
    }

    private static int[] internalPart(int[] rc, int width, int fullRounds, int partialRounds) {
        int start = fullRounds / 2 * width;
        int[] out = new int[partialRounds];
        for (int i = 0; i < partialRounds; i++) {
            out[i] = BabyBear.toMont(rc[start + i]);
        }
        return out;
    }

    private static int[] toMont(int[] canonical) {
        int[] out = new int[canonical.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = BabyBear.fromCanonicalChecked(canonical[i]);
        }
        return out;
    }

    /**
     * The 80-bit Grain LFSR of the Poseidon paper, with self-shrinking output.
     * Seed bits, most significant first: field type 1 (2 bits), S-box 0 (4), field size n (12),
     * width t (12), R_F (10), R_P (10), then thirty 1-bits; the first 160 clocks are discarded.
     */
    static final class Grain {
        private static final int SIZE = 80;
        /** Circular buffer: {@code bits[(head + i) % 80]} is bit i of the sequence (0 = oldest). */
        private final boolean[] bits = new boolean[SIZE];
        private int head;

        Grain(int fieldBits, int width, int fullRounds, int partialRounds) {
            int pos = 0;
            pos = put(pos, 1, 2);             // prime field
            pos = put(pos, 0, 4);             // S-box x^alpha
            pos = put(pos, fieldBits, 12);
            pos = put(pos, width, 12);
            pos = put(pos, fullRounds, 10);
            pos = put(pos, partialRounds, 10);
            while (pos < SIZE) {
                bits[pos++] = true;
            }
            for (int i = 0; i < 160; i++) {
                clock();
            }
        }

        private int put(int pos, int value, int width) {
            for (int i = width - 1; i >= 0; i--) {
                bits[pos++] = ((value >>> i) & 1) != 0;
            }
            return pos;
        }

        private boolean bit(int i) {
            return bits[(head + i) % SIZE];
        }

        /** b_{i+80} = b_{i+62} ⊕ b_{i+51} ⊕ b_{i+38} ⊕ b_{i+23} ⊕ b_{i+13} ⊕ b_i. */
        private boolean clock() {
            boolean next = bit(62) ^ bit(51) ^ bit(38) ^ bit(23) ^ bit(13) ^ bit(0);
            bits[head] = next; // the oldest bit leaves, the new one becomes the youngest
            head = (head + 1) % SIZE;
            return next;
        }

        /** Self-shrinking: clock pairs (a, b); emit b when a = 1, else discard both. */
        boolean nextBit() {
            while (true) {
                boolean select = clock();
                boolean value = clock();
                if (select) {
                    return value;
                }
            }
        }

        /** Draws {@code bitCount}-bit big-endian integers until one is below {@code modulus}. */
        int nextFieldElement(int bitCount, int modulus) {
            while (true) {
                long v = 0;
                for (int i = 0; i < bitCount; i++) {
                    v = (v << 1) | (nextBit() ? 1 : 0);
                }
                if (v < modulus) {
                    return (int) v;
                }
            }
        }
    }
}
