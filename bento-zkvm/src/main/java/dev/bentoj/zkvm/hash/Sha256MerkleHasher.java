package dev.bentoj.zkvm.hash;

import dev.bentoj.zkvm.field.BabyBear;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.DigestException;
import java.security.MessageDigest;

/**
 * {@link HashSuite#SHA256}: leaf = SHA-256(0x01 ‖ the row's canonical values as u32 LE),
 * node = SHA-256(0x02 ‖ left ‖ right) with each child as its 32 {@link Digest#toBytes() bytes}.
 * The leading byte separates leaves from nodes (a 16-element leaf is as long as a node); the
 * row length needs no encoding because SHA-256 pads with the message length.
 *
 * <p>The 32-byte output becomes a {@link Digest} by reading 8 little-endian u32 words and
 * reducing each modulo p. The reduction makes every digest canonical, so it serialises, is
 * absorbed by the transcript and is hashed again exactly like a Poseidon2 digest; its cost is a
 * small bias (see {@link #collisionBits()}).
 *
 * <p>The message buffer grows to the widest leaf seen and is reused: no allocation per row.
 */
final class Sha256MerkleHasher implements MerkleHasher {
    private static final byte LEAF_PREFIX = 0x01;
    private static final byte NODE_PREFIX = 0x02;

    private static final VarHandle U32_LE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int D = Digest.SIZE;
    private static final int NODE_BYTES = 1 + 2 * Digest.BYTES;

    private final MessageDigest sha = Sha256.newDigest();
    private final byte[] output = new byte[Sha256.BYTES];
    private byte[] message = new byte[NODE_BYTES];

    @Override
    public void hashLeaf(int[] values, int offset, int length, int[] out, int outOff) {
        int bytes = 1 + 4 * length;
        if (message.length < bytes) {
            message = new byte[bytes];
        }
        byte[] m = message;
        m[0] = LEAF_PREFIX;
        for (int i = 0, at = 1; i < length; i++, at += 4) {
            U32_LE.set(m, at, BabyBear.fromMont(values[offset + i]));
        }
        digestInto(bytes, out, outOff);
    }

    @Override
    public void compress(int[] children, int offset, int[] out, int outOff) {
        byte[] m = message;
        m[0] = NODE_PREFIX;
        for (int i = 0, at = 1; i < 2 * D; i++, at += 4) {
            U32_LE.set(m, at, BabyBear.fromMont(children[offset + i]));
        }
        digestInto(NODE_BYTES, out, outOff);
    }

    private void digestInto(int length, int[] out, int outOff) {
        sha.update(message, 0, length);
        try {
            sha.digest(output, 0, Sha256.BYTES);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 refused a 32-byte output buffer", e);
        }
        for (int i = 0; i < D; i++) {
            int word = (int) U32_LE.get(output, 4 * i);
            out[outOff + i] = BabyBear.reduce(Integer.toUnsignedLong(word));
        }
    }

    /**
     * Collision resistance in bits. A digest word is a uniform u32 reduced mod p: the k = 2^32 − 2p
     * residues below k have three preimages, the other p − k two, so two words agree with
     * probability c = (9k + 4(p − k))/2^64 ≈ 2^−30.87 (uniform mod p would give 2^−30.91) and two
     * digests with c^8 ≈ 2^−247. The birthday bound halves that exponent: ≈ 123.5 bits, below
     * SHA-256's own 128.
     */
    static double collisionBits() {
        double k = Math.pow(2, 32) - 2.0 * BabyBear.P;
        double c = (9 * k + 4 * (BabyBear.P - k)) / Math.pow(2, 64);
        return Math.min(128, -8 * (Math.log(c) / Math.log(2)) / 2);
    }
}
