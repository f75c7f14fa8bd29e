package dev.bentoj.zkvm.receipt;

import dev.bentoj.zkvm.hash.Sha256;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * RISC Zero's tagged-struct hash (risc0/binfmt/src/hash.rs), with our tags:
 * {@code SHA-256(SHA-256(tag) ‖ digest_1 ‖ … ‖ digest_n ‖ word_1 ‖ … ‖ word_m ‖ n)}, the words
 * as u32 and {@code n} as u16, both little-endian. The tag keeps digests of different structures
 * apart; the count keeps digests from being read as words.
 */
final class TaggedStruct {
    private TaggedStruct() {
    }

    static byte[] hash(String tag, byte[][] digests, int... words) {
        ByteBuffer b = ByteBuffer.allocate(Sha256.BYTES * (1 + digests.length) + 4 * words.length + 2)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(Sha256.digest(tag.getBytes(StandardCharsets.US_ASCII)));
        for (byte[] d : digests) {
            b.put(d);
        }
        for (int w : words) {
            b.putInt(w);
        }
        b.putShort((short) digests.length);
        return Sha256.digest(b.array());
    }
}
