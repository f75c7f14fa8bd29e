package dev.bentoj.zkvm.receipt;

import dev.bentoj.zkvm.hash.Sha256;
import dev.bentoj.zkvm.image.SystemState;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReceiptClaimTest {
    private final SyntheticReceipts synthetic = new SyntheticReceipts(3);

    private ReceiptClaim claim() {
        return new ReceiptClaim(new SystemState(0x1_0000, synthetic.digest()), new SystemState(0x1_0234, synthetic.digest()),
                7, Sha256.digest(new byte[] {1}), Sha256.digest(new byte[] {2}));
    }

    private static byte[] tag(String tag) {
        return Sha256.digest(tag.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void theDigestIsTheDocumentedTaggedStruct() {
        ReceiptClaim c = claim();
        ByteBuffer b = ByteBuffer.allocate(32 * 5 + 4 * 3 + 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put(tag("bento.ReceiptClaim")).put(c.pre().root().toBytes()).put(c.post().root().toBytes())
                .put(c.journalDigest()).put(c.assumptionsDigest())
                .putInt(0x1_0000).putInt(0x1_0234).putInt(7).putShort((short) 4);
        assertArrayEquals(Sha256.digest(b.array()), c.digest());
    }

    @Test
    void everyFieldChangesTheDigest() {
        ReceiptClaim c = claim();
        List<ReceiptClaim> others = List.of(
                new ReceiptClaim(new SystemState(0x1_0004, c.pre().root()), c.post(), 7, c.journalDigest(), c.assumptionsDigest()),
                new ReceiptClaim(new SystemState(0x1_0000, synthetic.digest()), c.post(), 7, c.journalDigest(), c.assumptionsDigest()),
                new ReceiptClaim(c.pre(), new SystemState(0x1_0238, c.post().root()), 7, c.journalDigest(), c.assumptionsDigest()),
                new ReceiptClaim(c.pre(), c.post(), 8, c.journalDigest(), c.assumptionsDigest()),
                new ReceiptClaim(c.pre(), c.post(), 7, c.assumptionsDigest(), c.journalDigest()));
        for (ReceiptClaim other : others) {
            assertNotEquals(c, other);
            assertFalse(Arrays.equals(c.digest(), other.digest()), other.toString());
        }
        assertEquals(c, new ReceiptClaim(c.pre(), c.post(), 7, c.journalDigest(), c.assumptionsDigest()));
    }

    @Test
    void digestsAre32Bytes() {
        assertThrows(IllegalArgumentException.class, () -> new ReceiptClaim(claim().pre(), claim().post(), 0, new byte[31], new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> new ReceiptClaim(claim().pre(), claim().post(), 0, new byte[32], new byte[33]));
    }

    @Test
    void theAssumptionsDigestIsATaggedList() {
        assertArrayEquals(new byte[32], Assumption.listDigest(List.of()));
        Receipt r = synthetic.receipt(ReceiptCodecTest.image("hello"), new byte[0], 0,
                new SegmentReceipt(synthetic.segment(true, 1)));
        byte[] d1 = Sha256.digest(new byte[] {1});
        byte[] d2 = Sha256.digest(new byte[] {2});
        List<Assumption> two = List.of(new Assumption(d1, r), new Assumption(d2, r));
        byte[] tail = cons(d2, new byte[32]);
        assertArrayEquals(cons(d1, tail), Assumption.listDigest(two));
        assertFalse(Arrays.equals(Assumption.listDigest(two), Assumption.listDigest(List.of(two.get(1), two.get(0)))));
    }

    private static byte[] cons(byte[] head, byte[] tail) {
        ByteBuffer b = ByteBuffer.allocate(32 * 3 + 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put(tag("bento.Assumptions")).put(head).put(tail).putShort((short) 2);
        return Sha256.digest(b.array());
    }
}
