package dev.bentoj.zkvm.field;

/**
 * An element c0 + c1·X + c2·X² + c3·X³ of the extension K = Fp4 = F_p[X]/(X^4 − 11), with
 * each coordinate a BabyBear element in Montgomery form (see {@code spec/stark-protocol.md} §1).
 *
 * <p>An immutable value for cold paths: challenges, out-of-domain values, the verifier. Hot
 * loops over many K elements use the array kernels of {@link Fp4} instead, which allocate
 * nothing per operation. Equality and hash code are by value (a record's).
 *
 * @param c0 coordinate of X^0, Montgomery form, in [0, p)
 * @param c1 coordinate of X^1
 * @param c2 coordinate of X^2
 * @param c3 coordinate of X^3
 */
public record Ext(int c0, int c1, int c2, int c3) {

    /** The additive identity. */
    public static final Ext ZERO = new Ext(0, 0, 0, 0);

    /** The multiplicative identity. */
    public static final Ext ONE = new Ext(BabyBear.ONE, 0, 0, 0);

    /**
     * Checks that every coordinate is a reduced Montgomery value.
     *
     * @throws IllegalArgumentException if a coordinate is negative or ≥ p
     */
    public Ext {
        if ((c0 | c1 | c2 | c3) < 0 || c0 >= BabyBear.P || c1 >= BabyBear.P || c2 >= BabyBear.P
                || c3 >= BabyBear.P) {
            throw new IllegalArgumentException("Ext coordinates must lie in [0, p): " + c0 + ", "
                    + c1 + ", " + c2 + ", " + c3);
        }
    }

    /** Embeds a base field element (Montgomery form) as a + 0·X + 0·X² + 0·X³. */
    public static Ext fromBase(int a) {
        return new Ext(a, 0, 0, 0);
    }

    /**
     * Builds an element from its four canonical coordinates (as serialised).
     *
     * @throws IllegalArgumentException unless exactly four values, each in [0, p), are given
     */
    public static Ext fromCanonical(int... canonical) {
        if (canonical.length != 4) {
            throw new IllegalArgumentException(
                    "an Fp4 element has 4 coordinates, got " + canonical.length);
        }
        return new Ext(BabyBear.fromCanonicalChecked(canonical[0]),
                BabyBear.fromCanonicalChecked(canonical[1]),
                BabyBear.fromCanonicalChecked(canonical[2]),
                BabyBear.fromCanonicalChecked(canonical[3]));
    }

    /** Returns the canonical coordinates {c0, c1, c2, c3}, each in [0, p). */
    public int[] toCanonical() {
        return new int[] {BabyBear.fromMont(c0), BabyBear.fromMont(c1), BabyBear.fromMont(c2),
                BabyBear.fromMont(c3)};
    }

    /** Returns the Montgomery coordinates {c0, c1, c2, c3} (the layout {@link Fp4} uses). */
    public int[] toArray() {
        return new int[] {c0, c1, c2, c3};
    }

    /** Reads the element stored at {@code a[i..i+4)} in Montgomery form ({@link Fp4} layout). */
    public static Ext fromArray(int[] a, int i) {
        return new Ext(a[i], a[i + 1], a[i + 2], a[i + 3]);
    }

    /** Returns true for the zero element. */
    public boolean isZero() {
        return (c0 | c1 | c2 | c3) == 0;
    }

    /** Returns this + b. */
    public Ext add(Ext b) {
        return new Ext(BabyBear.add(c0, b.c0), BabyBear.add(c1, b.c1), BabyBear.add(c2, b.c2),
                BabyBear.add(c3, b.c3));
    }

    /** Returns this − b. */
    public Ext sub(Ext b) {
        return new Ext(BabyBear.sub(c0, b.c0), BabyBear.sub(c1, b.c1), BabyBear.sub(c2, b.c2),
                BabyBear.sub(c3, b.c3));
    }

    /** Returns −this. */
    public Ext neg() {
        return new Ext(BabyBear.neg(c0), BabyBear.neg(c1), BabyBear.neg(c2), BabyBear.neg(c3));
    }

    /** Returns this · b (product of polynomials reduced with X^4 = 11). */
    public Ext mul(Ext b) {
        // The formula of Fp4.mul on fields instead of arrays: 11·b_k first, so that every
        // pair of products stays below 2p² for one reduction.
        long w1 = BabyBear.mul(b.c1, Fp4.W);
        long w2 = BabyBear.mul(b.c2, Fp4.W);
        long w3 = BabyBear.mul(b.c3, Fp4.W);
        long a0 = c0;
        long a1 = c1;
        long a2 = c2;
        long a3 = c3;
        return new Ext(
                BabyBear.add(Fp4.reduceSum(a0 * b.c0 + a1 * w3), Fp4.reduceSum(a2 * w2 + a3 * w1)),
                BabyBear.add(Fp4.reduceSum(a0 * b.c1 + a1 * b.c0), Fp4.reduceSum(a2 * w3 + a3 * w2)),
                BabyBear.add(Fp4.reduceSum(a0 * b.c2 + a1 * b.c1), Fp4.reduceSum(a2 * b.c0 + a3 * w3)),
                BabyBear.add(Fp4.reduceSum(a0 * b.c3 + a1 * b.c2), Fp4.reduceSum(a2 * b.c1 + a3 * b.c0)));
    }

    /** Returns this · s for a base field element s (Montgomery form). */
    public Ext mulBase(int s) {
        return new Ext(BabyBear.mul(c0, s), BabyBear.mul(c1, s), BabyBear.mul(c2, s),
                BabyBear.mul(c3, s));
    }

    /** Returns this². */
    public Ext square() {
        return mul(this);
    }

    /**
     * Returns this^e; this^0 = 1 (also for zero).
     *
     * @throws IllegalArgumentException if {@code e} is negative
     */
    public Ext pow(long e) {
        if (e < 0) {
            throw new IllegalArgumentException("negative exponent " + e + ": use inv first");
        }
        Ext result = ONE;
        Ext base = this;
        while (e != 0) {
            if ((e & 1) != 0) {
                result = result.mul(base);
            }
            e >>>= 1;
            if (e != 0) {
                base = base.square();
            }
        }
        return result;
    }

    /**
     * Returns this^−1, with one base field inversion (the norm trick of spec §1).
     *
     * @throws ArithmeticException if this is zero
     */
    public Ext inv() {
        int[] out = new int[4];
        Fp4.inv(toArray(), 0, out, 0);
        return new Ext(out[0], out[1], out[2], out[3]);
    }

    /** Shows the canonical coordinates, e.g. {@code Ext[5, 0, 0, 1]}. */
    @Override
    public String toString() {
        int[] c = toCanonical();
        return "Ext[" + c[0] + ", " + c[1] + ", " + c[2] + ", " + c[3] + "]";
    }
}
