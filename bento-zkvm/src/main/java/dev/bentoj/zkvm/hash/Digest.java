package dev.bentoj.zkvm.hash;

import dev.bentoj.zkvm.field.BabyBear;

import java.util.Arrays;
import java.util.Objects;

/**
 * A Poseidon2 digest: 8 BabyBear elements, held in Montgomery form.
 *
 * <p>Serialised as 8 canonical u32 words, little-endian (32 bytes), or as the 64 lowercase
 * hex digits of those bytes. Equality is by content.
 *
 * @param elements the 8 elements in Montgomery form, each in [0, p); copied on the way in and
 *                 on the way out
 */
public record Digest(int[] elements) {

    /** Number of field elements in a digest. */
    public static final int SIZE = 8;

    /** Length of {@link #toBytes()}. */
    public static final int BYTES = 4 * SIZE;

    /** The all-zero digest. */
    public static final Digest ZERO = new Digest(new int[SIZE]);

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /**
     * @throws IllegalArgumentException unless there are exactly 8 elements, each in [0, p)
     */
    public Digest {
        Objects.requireNonNull(elements, "elements");
        if (elements.length != SIZE) {
            throw new IllegalArgumentException(
                    "a digest has " + SIZE + " field elements, got " + elements.length);
        }
        elements = elements.clone();
        for (int i = 0; i < SIZE; i++) {
            if (elements[i] < 0 || elements[i] >= BabyBear.P) {
                throw new IllegalArgumentException("digest element " + i + " is not a reduced "
                        + "field element: " + Integer.toUnsignedString(elements[i]));
            }
        }
    }

    /** Builds a digest from 8 canonical values, each in [0, p). */
    public static Digest fromCanonical(int... canonical) {
        if (canonical.length != SIZE) {
            throw new IllegalArgumentException(
                    "a digest has " + SIZE + " field elements, got " + canonical.length);
        }
        int[] mont = new int[SIZE];
        for (int i = 0; i < SIZE; i++) {
            mont[i] = BabyBear.fromCanonicalChecked(canonical[i]);
        }
        return new Digest(mont);
    }

    /** Returns a copy of the 8 elements in Montgomery form. */
    @Override
    public int[] elements() {
        return elements.clone();
    }

    /** Returns element {@code i} in Montgomery form. */
    public int element(int i) {
        return elements[i];
    }

    /** Copies the 8 Montgomery-form elements to {@code dst[offset..offset+8)}. */
    public void copyTo(int[] dst, int offset) {
        System.arraycopy(elements, 0, dst, offset, SIZE);
    }

    /** Returns the 8 elements as canonical values. */
    public int[] toCanonical() {
        int[] out = new int[SIZE];
        for (int i = 0; i < SIZE; i++) {
            out[i] = BabyBear.fromMont(elements[i]);
        }
        return out;
    }

    /** Returns the 8 canonical values as little-endian u32 words (32 bytes). */
    public byte[] toBytes() {
        byte[] out = new byte[BYTES];
        for (int i = 0; i < SIZE; i++) {
            int v = BabyBear.fromMont(elements[i]);
            out[4 * i] = (byte) v;
            out[4 * i + 1] = (byte) (v >>> 8);
            out[4 * i + 2] = (byte) (v >>> 16);
            out[4 * i + 3] = (byte) (v >>> 24);
        }
        return out;
    }

    /**
     * Parses 32 bytes of little-endian canonical u32 words.
     *
     * @throws IllegalArgumentException if the length is not 32 or a word is ≥ p
     */
    public static Digest fromBytes(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException(
                    "a digest is " + BYTES + " bytes, got " + bytes.length);
        }
        int[] mont = new int[SIZE];
        for (int i = 0; i < SIZE; i++) {
            int v = (bytes[4 * i] & 0xff)
                    | (bytes[4 * i + 1] & 0xff) << 8
                    | (bytes[4 * i + 2] & 0xff) << 16
                    | (bytes[4 * i + 3] & 0xff) << 24;
            if (v < 0 || v >= BabyBear.P) {
                throw new IllegalArgumentException("digest word " + i + " is "
                        + Integer.toUnsignedString(v) + ", not a canonical BabyBear element (< "
                        + BabyBear.P + ")");
            }
            mont[i] = BabyBear.toMont(v);
        }
        return new Digest(mont);
    }

    /** Returns the 64 lowercase hex digits of {@link #toBytes()}. */
    public String toHex() {
        byte[] bytes = toBytes();
        char[] out = new char[2 * BYTES];
        for (int i = 0; i < BYTES; i++) {
            out[2 * i] = HEX[(bytes[i] >>> 4) & 0xf];
            out[2 * i + 1] = HEX[bytes[i] & 0xf];
        }
        return new String(out);
    }

    /**
     * Parses exactly 64 lowercase hex digits (no prefix, no whitespace, no uppercase).
     *
     * @throws IllegalArgumentException if the text is malformed or encodes a word ≥ p
     */
    public static Digest fromHex(String hex) {
        if (hex.length() != 2 * BYTES) {
            throw new IllegalArgumentException(
                    "a digest is " + 2 * BYTES + " lowercase hex digits, got " + hex.length()
                            + " characters");
        }
        byte[] bytes = new byte[BYTES];
        for (int i = 0; i < BYTES; i++) {
            bytes[i] = (byte) (hexDigit(hex, 2 * i) << 4 | hexDigit(hex, 2 * i + 1));
        }
        return fromBytes(bytes);
    }

    private static int hexDigit(String hex, int index) {
        char c = hex.charAt(index);
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        throw new IllegalArgumentException("digest hex has '" + c + "' at position " + index
                + ": only the digits 0-9 and a-f are allowed");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Digest other && Arrays.equals(elements, other.elements);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(elements);
    }

    @Override
    public String toString() {
        return "Digest[" + toHex() + "]";
    }
}
