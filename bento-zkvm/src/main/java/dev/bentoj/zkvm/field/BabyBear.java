package dev.bentoj.zkvm.field;

/**
 * The BabyBear prime field, p = 15·2^27 + 1 = 2013265921.
 *
 * <p>Elements are Java {@code int}s in 32-bit Montgomery form (x·2^32 mod p), always in
 * [0, p). Arithmetic never leaves that range, so the internal form is free; the canonical
 * integer ({@link #fromMont}) is used only when a value leaves the field (serialisation,
 * query bits, grinding). See {@code spec/stark-protocol.md} §1.
 */
public final class BabyBear {

    /** The modulus p = 2^31 − 2^27 + 1 = {@code 0x78000001}. */
    public static final int P = 0x78000001;

    /** p^−1 mod 2^32, for Montgomery reduction (also used by specialised kernels). */
    public static final int MU = 0x88000001;

    /** R² mod p with R = 2^32: {@code mul(x, R2)} puts canonical x into Montgomery form. */
    public static final int R2 = 0x45DDDDE3;

    /** Zero (same in both forms). */
    public static final int ZERO = 0;

    /** One in Montgomery form (2^32 mod p). */
    public static final int ONE = 0x0FFFFFFE;

    /** The generator 31 of the multiplicative group, in Montgomery form. */
    public static final int GENERATOR;

    /** Largest k with a primitive 2^k-th root of unity in the field. */
    public static final int TWO_ADICITY = 27;

    /** ROOTS[k] = ω_k in Montgomery form, ω_27 = 31^15, ω_{k−1} = ω_k². */
    private static final int[] ROOTS = new int[TWO_ADICITY + 1];

    static {
        GENERATOR = toMont(31);
        ROOTS[TWO_ADICITY] = pow(GENERATOR, 15);
        for (int k = TWO_ADICITY; k > 0; k--) {
            ROOTS[k - 1] = square(ROOTS[k]);
        }
    }

    private BabyBear() {
    }

    /** Returns a + b. */
    public static int add(int a, int b) {
        int s = a + b - P; // a + b may wrap past 2^31, but the difference is exact mod 2^32
        return s < 0 ? s + P : s;
    }

    /** Returns a − b. */
    public static int sub(int a, int b) {
        int d = a - b;
        return d < 0 ? d + P : d;
    }

    /** Returns −a. */
    public static int neg(int a) {
        return a == 0 ? 0 : P - a;
    }

    /** Returns a·b (Montgomery product a·b·2^−32 mod p of the two representations). */
    public static int mul(int a, int b) {
        long x = (long) a * b;                       // < p² < 2^62
        int t = (int) x * MU;                        // x·p^−1 mod 2^32, read as signed
        int r = (int) ((x - (long) t * P) >> 32);    // low 32 bits are 0; r in (−p/2, p)
        return r < 0 ? r + P : r;
    }

    /** Returns a². */
    public static int square(int a) {
        return mul(a, a);
    }

    /** Converts a canonical value in [0, p) to Montgomery form. */
    public static int toMont(int canonical) {
        return mul(canonical, R2);
    }

    /** Converts a Montgomery-form element to its canonical value in [0, p). */
    public static int fromMont(int a) {
        return mul(a, 1);
    }

    /**
     * Converts a canonical value to Montgomery form, checking its range.
     *
     * @throws IllegalArgumentException if {@code canonical} is negative or ≥ p
     */
    public static int fromCanonicalChecked(int canonical) {
        if (canonical < 0 || canonical >= P) {
            throw new IllegalArgumentException(
                    "not a canonical BabyBear element: " + Integer.toUnsignedString(canonical)
                            + " (must be in [0, " + P + "))");
        }
        return toMont(canonical);
    }

    /**
     * Reduces a non-negative integer modulo p and returns it in Montgomery form.
     *
     * @throws IllegalArgumentException if {@code x} is negative
     */
    public static int reduce(long x) {
        if (x < 0) {
            throw new IllegalArgumentException("cannot reduce a negative value: " + x);
        }
        return toMont((int) (x % P));
    }

    /**
     * Returns a^e; a^0 = 1 (also for a = 0).
     *
     * @throws IllegalArgumentException if {@code e} is negative
     */
    public static int pow(int a, long e) {
        if (e < 0) {
            throw new IllegalArgumentException("negative exponent " + e + ": use inv first");
        }
        int result = ONE;
        int base = a;
        while (e != 0) {
            if ((e & 1) != 0) {
                result = mul(result, base);
            }
            e >>>= 1;
            if (e != 0) {
                base = square(base);
            }
        }
        return result;
    }

    /**
     * Returns a^−1 = a^(p−2).
     *
     * @throws ArithmeticException if {@code a} is zero
     */
    public static int inv(int a) {
        if (a == 0) {
            throw new ArithmeticException("zero has no inverse in BabyBear");
        }
        return pow(a, P - 2);
    }

    /**
     * Writes the inverse of each {@code in[i]} to {@code out[i]} with one field inversion
     * (Montgomery's trick). {@code out} may be {@code in}; it must be at least as long.
     *
     * @throws ArithmeticException if any input is zero (then {@code out} is left untouched)
     */
    public static void batchInverse(int[] in, int[] out) {
        int n = in.length;
        if (out.length < n) {
            throw new IllegalArgumentException(
                    "output length " + out.length + " is shorter than input length " + n);
        }
        for (int i = 0; i < n; i++) {
            if (in[i] == 0) {
                throw new ArithmeticException("batchInverse: element " + i + " is zero");
            }
        }
        if (n == 0) {
            return;
        }
        int[] src = in == out ? in.clone() : in;
        // out[i] = src[0]·…·src[i]
        int acc = src[0];
        out[0] = acc;
        for (int i = 1; i < n; i++) {
            acc = mul(acc, src[i]);
            out[i] = acc;
        }
        int invAcc = inv(acc); // (src[0]·…·src[n−1])^−1
        for (int i = n - 1; i > 0; i--) {
            out[i] = mul(invAcc, out[i - 1]);
            invAcc = mul(invAcc, src[i]);
        }
        out[0] = invAcc;
    }

    /**
     * Returns ω_k, the primitive 2^k-th root of unity ω_27^(2^(27−k)) with ω_27 = 31^15,
     * in Montgomery form.
     *
     * @throws IllegalArgumentException unless 0 ≤ logN ≤ 27
     */
    public static int rootOfUnity(int logN) {
        if (logN < 0 || logN > TWO_ADICITY) {
            throw new IllegalArgumentException(
                    "no 2^" + logN + "-th root of unity: logN must be in [0, " + TWO_ADICITY + "]");
        }
        return ROOTS[logN];
    }
}
