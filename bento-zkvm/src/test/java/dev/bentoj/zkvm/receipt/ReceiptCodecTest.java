package dev.bentoj.zkvm.receipt;

import dev.bentoj.zkvm.elf.ElfLoader;
import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.image.MemoryImage;
import dev.bentoj.zkvm.rv32im.SegmentProof;
import dev.bentoj.zkvm.stark.VerificationException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static dev.bentoj.zkvm.receipt.SyntheticReceipts.assertSameInner;
import static dev.bentoj.zkvm.receipt.SyntheticReceipts.assertSameReceipt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReceiptCodecTest {
    private static final byte[] JOURNAL = "hello, world".getBytes(StandardCharsets.US_ASCII);
    /** In a receipt with JOURNAL: the inner kind, then a composite's segment count and first segment. */
    private static final int CLAIM_END = 8 + 140;
    private static final int INNER_KIND = CLAIM_END + 4 + JOURNAL.length;
    private static final int SEGMENT = INNER_KIND + 1 + 4;

    private final SyntheticReceipts synthetic = new SyntheticReceipts(7);

    static MemoryImage image(String guest) {
        try (InputStream in = ReceiptCodecTest.class.getResourceAsStream("/guests/" + guest + ".elf")) {
            return MemoryImage.of(ElfLoader.load(in.readAllBytes()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A composite receipt of three segments with one assumption, itself a one-segment receipt. */
    private Receipt composed() {
        Receipt assumed = synthetic.receipt(image("fibonacci"), new byte[] {1, 2, 3}, 0,
                new SegmentReceipt(synthetic.segment(true, 2)));
        Assumption a = new Assumption(assumed.claim().digest(), assumed);
        return synthetic.receipt(image("hello"), JOURNAL, 0, new CompositeReceipt(synthetic.run(3), List.of(a)));
    }

    /** A receipt of one segment of one page, wrapped as a composite. */
    private Receipt simple() {
        return synthetic.receipt(image("hello"), JOURNAL, 0,
                new CompositeReceipt(List.of(new SegmentReceipt(synthetic.segment(true, 1))), List.of()));
    }

    private static String rejection(byte[] bytes) {
        return assertThrows(VerificationException.class, () -> ReceiptCodec.decode(bytes)).getMessage();
    }

    private static byte[] patchU32(byte[] bytes, int offset, int value) {
        byte[] out = bytes.clone();
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return out;
    }

    private static byte[] patchU8(byte[] bytes, int offset, int value) {
        byte[] out = bytes.clone();
        out[offset] = (byte) value;
        return out;
    }

    @Test
    void aReceiptSurvivesTheRoundTrip() throws Exception {
        Receipt r = composed();
        byte[] bytes = ReceiptCodec.encode(r);
        Receipt back = ReceiptCodec.decode(bytes);
        assertSameReceipt(r, back);
        assertArrayEquals(bytes, ReceiptCodec.encode(back));
    }

    @Test
    void innerReceiptsSurviveTheRoundTrip() throws Exception {
        for (InnerReceipt inner : List.of(new SegmentReceipt(synthetic.segment(false, 3)), composed().inner())) {
            byte[] bytes = ReceiptCodec.encode(inner);
            InnerReceipt back = ReceiptCodec.decodeInner(bytes);
            assertSameInner(inner, back);
            assertArrayEquals(bytes, ReceiptCodec.encode(back));
        }
    }

    @Test
    void everyTruncationIsRejected() {
        byte[] bytes = ReceiptCodec.encode(composed());
        for (int length = 0; length < bytes.length; length++) {
            String reason = rejection(Arrays.copyOf(bytes, length));
            assertTrue(reason.startsWith("malformed receipt: truncated: "), length + ": " + reason);
        }
    }

    @Test
    void everyExtensionIsRejected() {
        byte[] bytes = ReceiptCodec.encode(composed());
        for (int extra = 1; extra <= 8; extra++) {
            assertEquals("malformed receipt: " + extra + " trailing bytes", rejection(Arrays.copyOf(bytes, bytes.length + extra)));
        }
        byte[] inner = ReceiptCodec.encode(composed().inner());
        assertThrows(VerificationException.class, () -> ReceiptCodec.decodeInner(Arrays.copyOf(inner, inner.length + 1)));
    }

    @Test
    void theHeaderIsChecked() {
        byte[] bytes = ReceiptCodec.encode(simple());
        assertEquals("malformed receipt: not a Bento-J receipt (bad magic)", rejection(patchU8(bytes, 0, 'X')));
        assertEquals("malformed receipt: format version 2 is not supported (this build reads version 1)",
                rejection(patchU8(bytes, 4, 2)));
        assertEquals("malformed receipt: expected a receipt (kind 1), found unknown kind 9", rejection(patchU8(bytes, 6, 9)));
        assertEquals("malformed receipt: reserved header byte is not zero", rejection(patchU8(bytes, 7, 1)));
        assertEquals("malformed receipt: inner receipt kind 1 is not 2 (segment) or 3 (composite)",
                rejection(patchU8(bytes, INNER_KIND, 1)));
        byte[] segment = ReceiptCodec.encode(new SegmentReceipt(synthetic.segment(true, 1)));
        assertEquals("malformed receipt: expected a receipt (kind 1), found a segment receipt (kind 2)", rejection(segment));
        VerificationException e = assertThrows(VerificationException.class, () -> ReceiptCodec.decodeInner(bytes));
        assertEquals("malformed receipt: expected a segment or composite receipt (kind 2 or 3), found a receipt (kind 1)",
                e.getMessage());
    }

    @Test
    void countsAreBoundedBeforeAnythingIsAllocated() {
        byte[] bytes = ReceiptCodec.encode(simple());
        assertEquals("malformed receipt: journal length 4294967295 exceeds " + ReceiptCodec.MAX_JOURNAL_BYTES,
                rejection(patchU32(bytes, CLAIM_END, -1)));
        assertEquals("malformed receipt: truncated: journal length 67108864 needs 67108864 bytes, "
                + (bytes.length - CLAIM_END - 4) + " left", rejection(patchU32(bytes, CLAIM_END, ReceiptCodec.MAX_JOURNAL_BYTES)));
        assertEquals("malformed receipt: segment count 4294967295 exceeds " + ReceiptCodec.MAX_SEGMENTS,
                rejection(patchU32(bytes, INNER_KIND + 1, -1)));
        assertTrue(rejection(patchU32(bytes, INNER_KIND + 1, 1000)).startsWith("malformed receipt: truncated: segment count 1000"));
        assertEquals("malformed receipt: a composite receipt has no segments", rejection(patchU32(bytes, INNER_KIND + 1, 0)));
        int po2 = bytes[SEGMENT];
        assertEquals("malformed receipt: segment 0: page count 4294967295 is outside [1, 2^" + po2 + "/64 = "
                + (1 << po2) / 64 + "]", rejection(patchU32(bytes, SEGMENT + 20, -1)));
        assertTrue(rejection(patchU32(bytes, SEGMENT + 20, 0)).contains("page count 0 is outside"));
        assertTrue(rejection(patchU32(bytes, SEGMENT + 20, 2)).startsWith(
                "malformed receipt: truncated: segment 0: the indices and contents of 2 pages needs"));
        int siblingCount = SEGMENT + 24 + 4 + 2048;
        assertEquals("malformed receipt: segment 0: sibling count 23 exceeds 22", rejection(patchU32(bytes, siblingCount, 23)));
        int starkLength = siblingCount + 4 + 3 * 32;
        assertEquals("malformed receipt: segment 0: STARK proof length 4294967295 exceeds " + ReceiptCodec.MAX_STARK_BYTES,
                rejection(patchU32(bytes, starkLength, -1)));
        int assumptionCount = bytes.length - 4;
        assertEquals("malformed receipt: assumption count 257 exceeds 256", rejection(patchU32(bytes, assumptionCount, 257)));
        assertTrue(rejection(patchU32(bytes, assumptionCount, 1)).startsWith("malformed receipt: truncated: assumption count 1"));
    }

    @Test
    void segmentHeadersHaveOneEncoding() {
        byte[] bytes = ReceiptCodec.encode(simple());
        assertEquals("malformed receipt: segment 0: po2 25 is outside [16, 24]", rejection(patchU8(bytes, SEGMENT, 25)));
        assertEquals("malformed receipt: segment 0: po2 15 is outside [16, 24]", rejection(patchU8(bytes, SEGMENT, 15)));
        assertEquals("malformed receipt: segment 0: halted flag is 2, not 0 or 1", rejection(patchU8(bytes, SEGMENT + 1, 2)));
        assertEquals("malformed receipt: segment 0: reserved segment header bytes are not zero",
                rejection(patchU8(bytes, SEGMENT + 3, 1)));
        byte[] notHalted = patchU8(bytes, SEGMENT + 1, 0);
        assertTrue(rejection(notHalted).startsWith(
                "malformed receipt: segment 0: a segment that did not halt has exit code and digest pointer 0"));
        assertThrows(IllegalArgumentException.class, () -> ReceiptCodec.encode(new SegmentReceipt(
                new SegmentProof(16, 0, 0, false, 3, 0, new int[] {0x3FFFC0}, new int[1][256], new int[1][256],
                        new Digest[0], new byte[0]))));
    }

    @Test
    void pageIndicesStrictlyIncreaseInsideTheAddressSpace() {
        SegmentProof p = synthetic.segment(true, 3);
        int[] indices = p.pageIndices();
        byte[] bytes = ReceiptCodec.encode(new SegmentReceipt(p));
        int first = 8 + 24;
        VerificationException twice = assertThrows(VerificationException.class,
                () -> ReceiptCodec.decodeInner(patchU32(bytes, first + 4, indices[0])));
        assertEquals("malformed receipt: page indices do not strictly increase at position 1", twice.getMessage());
        VerificationException outside = assertThrows(VerificationException.class,
                () -> ReceiptCodec.decodeInner(patchU32(bytes, first + 8, 1 << 22)));
        assertEquals("malformed receipt: page index 2 is 4194304, outside the 2^22 pages of the address space",
                outside.getMessage());
    }

    @Test
    void digestsMustBeCanonical() {
        byte[] bytes = ReceiptCodec.encode(simple());
        assertTrue(rejection(patchU32(bytes, 8, BabyBear.P)).startsWith(
                "malformed receipt: claim: pre_state root is not canonical"), rejection(patchU32(bytes, 8, BabyBear.P)));
        int firstSibling = SEGMENT + 24 + 4 + 2048 + 4;
        assertTrue(rejection(patchU32(bytes, firstSibling + 4, -1)).startsWith(
                "malformed receipt: segment 0: sibling 0 is not canonical"));
    }

    @Test
    void assumptionsNestAtMostEightDeep() {
        Receipt r = simple();
        for (int depth = 0; depth < ReceiptCodec.MAX_NESTING; depth++) {
            r = wrap(r);
        }
        Receipt deepest = r;
        assertSameReceipt(deepest, assertDecodes(ReceiptCodec.encode(deepest)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReceiptCodec.encode(wrap(deepest)));
        assertEquals("cannot encode: assumptions nested deeper than 8 receipts", e.getMessage());
    }

    @Test
    void assumptionsNestedTooDeepAreRejectedWhenDecoding() {
        // A receipt body = claim, journal, kind 3, one segment, its assumptions; built by hand,
        // since the encoder refuses to write nine levels.
        byte[] leaf = ReceiptCodec.encode(simple());
        byte[] head = Arrays.copyOfRange(leaf, 8, SEGMENT);
        byte[] segmentBody = Arrays.copyOfRange(leaf, SEGMENT, leaf.length - 4);
        byte[] body = Arrays.copyOfRange(leaf, 8, leaf.length);
        for (int depth = 0; depth <= ReceiptCodec.MAX_NESTING; depth++) {
            body = concat(head, segmentBody, u32(1), new byte[32], body);
        }
        String reason = rejection(concat(Arrays.copyOf(leaf, 8), body));
        assertTrue(reason.endsWith("assumptions nested deeper than 8 receipts"), reason);
        assertTrue(reason.startsWith("malformed receipt: assumption 0: assumption 0: "), reason);
    }

    private static Receipt assertDecodes(byte[] bytes) {
        try {
            return ReceiptCodec.decode(bytes);
        } catch (VerificationException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private Receipt wrap(Receipt assumed) {
        Assumption a = new Assumption(assumed.claim().digest(), assumed);
        return synthetic.receipt(image("hello"), JOURNAL, 0,
                new CompositeReceipt(List.of(new SegmentReceipt(synthetic.segment(true, 1))), List.of(a)));
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }
}
