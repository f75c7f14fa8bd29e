package dev.bentoj.zkvm.hash;

import dev.bentoj.zkvm.field.BabyBear;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;

/**
 * Leaf and node hashes of each suite written the slow, obvious way, independent of the
 * {@link MerkleHasher}s: Poseidon2 through {@link Poseidon2Hasher}, SHA-256 by building the
 * message with a byte stream and reducing the words with {@link BigInteger}.
 */
public final class ReferenceHashes {
    private static final BigInteger P = BigInteger.valueOf(BabyBear.P);

    private ReferenceHashes() {
    }

    /** The leaf hash of {@code values} (Montgomery form). */
    public static Digest leaf(HashSuite suite, int[] values) {
        if (suite == HashSuite.POSEIDON2_24) {
            return Poseidon2Hasher.INSTANCE.hashLeaf(values, 0, values.length);
        }
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.write(1);
        for (int v : values) {
            writeU32(m, BabyBear.fromMont(v));
        }
        return sha256ToDigest(m.toByteArray());
    }

    /** The parent of {@code left} and {@code right}. */
    public static Digest node(HashSuite suite, Digest left, Digest right) {
        if (suite == HashSuite.POSEIDON2_24) {
            return Poseidon2Hasher.INSTANCE.compress(left, right);
        }
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.write(2);
        m.writeBytes(left.toBytes());
        m.writeBytes(right.toBytes());
        return sha256ToDigest(m.toByteArray());
    }

    private static void writeU32(ByteArrayOutputStream m, int v) {
        for (int i = 0; i < 4; i++) {
            m.write(v >>> (8 * i));
        }
    }

    private static Digest sha256ToDigest(byte[] message) {
        byte[] h = Sha256.digest(message);
        int[] canonical = new int[Digest.SIZE];
        for (int i = 0; i < Digest.SIZE; i++) {
            byte[] bigEndian = {0, h[4 * i + 3], h[4 * i + 2], h[4 * i + 1], h[4 * i]};
            canonical[i] = new BigInteger(bigEndian).mod(P).intValueExact();
        }
        return Digest.fromCanonical(canonical);
    }
}
