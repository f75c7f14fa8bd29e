package dev.bentoj.zkvm.receipt;

import dev.bentoj.zkvm.exec.GuestMemoryMap;
import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.Sha256;
import dev.bentoj.zkvm.image.MemoryImage;
import dev.bentoj.zkvm.image.SystemState;
import dev.bentoj.zkvm.rv32im.SegmentProof;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Receipts with well-formed shapes and random contents (STARK bytes included): they exercise
 * the codec and the checks the verifier makes before any proof, and no proof in them verifies.
 */
final class SyntheticReceipts {
    private final Random rnd;

    SyntheticReceipts(long seed) {
        rnd = new Random(seed);
    }

    /** A segment proof over {@code pages} pages (the last one the register page). */
    SegmentProof segment(boolean halted, int pages) {
        TreeSet<Integer> indices = new TreeSet<>();
        while (indices.size() < pages - 1) {
            indices.add(GuestMemoryMap.FIRST_GUEST_PAGE + rnd.nextInt(GuestMemoryMap.GUEST_PAGE_END - GuestMemoryMap.FIRST_GUEST_PAGE));
        }
        indices.add(GuestMemoryMap.SYSTEM_PAGE);
        int[][] before = new int[pages][256];
        int[][] after = new int[pages][256];
        for (int i = 0; i < pages; i++) {
            for (int w = 0; w < 256; w++) {
                before[i][w] = rnd.nextInt();
                after[i][w] = rnd.nextInt();
            }
        }
        Digest[] siblings = new Digest[3 * pages];
        for (int i = 0; i < siblings.length; i++) {
            siblings[i] = digest();
        }
        byte[] stark = new byte[40 + rnd.nextInt(40)];
        rnd.nextBytes(stark);
        return new SegmentProof(16 + rnd.nextInt(3), rnd.nextInt() & ~3, rnd.nextInt() & ~3, halted,
                halted ? rnd.nextInt(256) : 0, halted ? 0x0010_0000 : 0,
                indices.stream().mapToInt(Integer::intValue).toArray(), before, after, siblings, stark);
    }

    /** Segment receipts for a run of {@code count} segments, the last halted. */
    List<SegmentReceipt> run(int count) {
        List<SegmentReceipt> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new SegmentReceipt(segment(i == count - 1, 1 + rnd.nextInt(3))));
        }
        return out;
    }

    Digest digest() {
        int[] c = new int[Digest.SIZE];
        for (int i = 0; i < c.length; i++) {
            c[i] = rnd.nextInt(BabyBear.P);
        }
        return Digest.fromCanonical(c);
    }

    /** A receipt whose claim starts from {@code image}, with the given journal, exit code and inner receipt. */
    Receipt receipt(MemoryImage image, byte[] journal, int exitCode, InnerReceipt inner) {
        ReceiptClaim claim = new ReceiptClaim(new SystemState(image.entry(), image.root()),
                new SystemState(rnd.nextInt() & ~3, digest()), exitCode, Sha256.digest(journal),
                Assumption.listDigest(inner.assumptions()));
        return new Receipt(journal, inner, claim);
    }

    static void assertSameSegment(SegmentProof a, SegmentProof b) {
        assertEquals(a.po2(), b.po2());
        assertEquals(a.prePc(), b.prePc());
        assertEquals(a.postPc(), b.postPc());
        assertEquals(a.halted(), b.halted());
        assertEquals(a.exitCode(), b.exitCode());
        assertEquals(a.digestPtr(), b.digestPtr());
        assertArrayEquals(a.pageIndices(), b.pageIndices());
        assertArrayEquals(a.pagesBefore(), b.pagesBefore());
        assertArrayEquals(a.pagesAfter(), b.pagesAfter());
        assertArrayEquals(a.siblings(), b.siblings());
        assertArrayEquals(a.stark(), b.stark());
    }

    static void assertSameReceipt(Receipt a, Receipt b) {
        assertEquals(a.claim(), b.claim());
        assertArrayEquals(a.journal(), b.journal());
        assertSameInner(a.inner(), b.inner());
    }

    static void assertSameInner(InnerReceipt a, InnerReceipt b) {
        assertEquals(a.getClass(), b.getClass());
        assertEquals(a.segments().size(), b.segments().size());
        for (int i = 0; i < a.segments().size(); i++) {
            assertSameSegment(a.segments().get(i).proof(), b.segments().get(i).proof());
        }
        assertEquals(a.assumptions().size(), b.assumptions().size());
        for (int k = 0; k < a.assumptions().size(); k++) {
            assertArrayEquals(a.assumptions().get(k).claimDigest(), b.assumptions().get(k).claimDigest());
            assertSameReceipt(a.assumptions().get(k).receipt(), b.assumptions().get(k).receipt());
        }
    }
}
