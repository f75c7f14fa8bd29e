package dev.bentoj.zkvm.exec;

import dev.bentoj.zkvm.hash.Digest;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A segment as bytes, for handing it from the executor to a prover in another process (the
 * cluster keeps it in Redis). Little-endian:
 *
 * <pre>
 * "BZKS" | u16 version = 1 | u16 0 | u32 index | u8 po2 | u8 halted | u16 0 | u32 pre_pc | u32 post_pc
 * | u32 exit_code | u64 user_cycles | u32 host_write_rows | u64 input_start | u64 journal_start
 * | u64 journal_end | u32 page_count | page_count × u32 index | page_count × 256 × u32 before
 * | page_count × 256 × u32 after | u32 input_len | input | u32 committed_len | committed
 * | i32 sibling_count (-1: none) | sibling_count × 32-byte digest
 * </pre>
 *
 * <p>Decoding checks every count against the bytes left before allocating, and that nothing is
 * left over; what it cannot check (that the segment is an honest one) the prover's replay and
 * the proof's verifier do.
 */
public final class SegmentCodec {
    private static final byte[] MAGIC = {'B', 'Z', 'K', 'S'};
    private static final int VERSION = 1;
    private static final int PAGE_WORDS = GuestMemoryMap.PAGE_WORDS;

    private SegmentCodec() {
    }

    public static byte[] encode(Segment s) {
        int pages = s.pageIndices().length;
        int committed = s.committed() == null ? 0 : s.committed().length;
        int siblings = s.siblings() == null ? 0 : s.siblings().length;
        long size = 4 + 4 + 4 + 4 + 4 + 4 + 4 + 8 + 4 + 8 + 8 + 8 + 4 + 4L * pages + 2L * pages * PAGE_WORDS * 4
                + 4 + s.inputConsumed().length + 4 + committed + 4 + (long) siblings * Digest.BYTES;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("segment " + s.index() + " is too large to encode: " + size + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) VERSION).putShort((short) 0);
        b.putInt(s.index()).put((byte) s.po2()).put((byte) (s.halted() ? 1 : 0)).putShort((short) 0);
        b.putInt(s.prePc()).putInt(s.postPc()).putInt(s.exitCode());
        b.putLong(s.userCycles()).putInt(s.hostWriteRows()).putLong(s.inputStart());
        b.putLong(s.journalStart()).putLong(s.journalEnd());
        b.putInt(pages);
        for (int p : s.pageIndices()) {
            b.putInt(p);
        }
        for (int[] page : s.pagesBefore()) {
            putPage(b, page);
        }
        for (int[] page : s.pagesAfter()) {
            putPage(b, page);
        }
        b.putInt(s.inputConsumed().length).put(s.inputConsumed());
        b.putInt(committed);
        if (committed > 0) {
            b.put(s.committed());
        }
        if (s.siblings() == null) {
            b.putInt(-1);
        } else {
            b.putInt(siblings);
            for (Digest d : s.siblings()) {
                b.put(d.toBytes());
            }
        }
        return b.array();
    }

    private static void putPage(ByteBuffer b, int[] page) {
        if (page.length != PAGE_WORDS) {
            throw new IllegalArgumentException("a page has " + PAGE_WORDS + " words, not " + page.length);
        }
        for (int w : page) {
            b.putInt(w);
        }
    }

    /** @throws IllegalArgumentException with the reason, if the bytes are not an encoded segment */
    public static Segment decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try {
            byte[] magic = new byte[4];
            b.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC) || b.getShort() != VERSION || b.getShort() != 0) {
                throw new IllegalArgumentException("not an encoded segment (magic or version)");
            }
            int index = b.getInt();
            int po2 = b.get();
            int halted = b.get();
            if (halted != 0 && halted != 1 || b.getShort() != 0) {
                throw new IllegalArgumentException("malformed segment header");
            }
            int prePc = b.getInt();
            int postPc = b.getInt();
            int exitCode = b.getInt();
            long userCycles = b.getLong();
            int hostWriteRows = b.getInt();
            long inputStart = b.getLong();
            long journalStart = b.getLong();
            long journalEnd = b.getLong();
            int pages = count(b, b.getInt(), 4 + 2 * PAGE_WORDS * 4, "page");
            int[] indices = new int[pages];
            for (int i = 0; i < pages; i++) {
                indices[i] = b.getInt();
            }
            int[][] before = readPages(b, pages);
            int[][] after = readPages(b, pages);
            byte[] input = new byte[count(b, b.getInt(), 1, "input byte")];
            b.get(input);
            byte[] committed = new byte[count(b, b.getInt(), 1, "journal byte")];
            b.get(committed);
            if (journalEnd - journalStart != committed.length || journalStart < 0) {
                throw new IllegalArgumentException("journal range [" + journalStart + ", " + journalEnd + ") does not hold "
                        + committed.length + " committed bytes");
            }
            int siblingCount = b.getInt();
            Digest[] siblings = null;
            if (siblingCount != -1) {
                siblings = new Digest[count(b, siblingCount, Digest.BYTES, "sibling")];
                byte[] d = new byte[Digest.BYTES];
                for (int i = 0; i < siblings.length; i++) {
                    b.get(d);
                    siblings[i] = Digest.fromBytes(d);
                }
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException(b.remaining() + " bytes left over after the segment");
            }
            return new Segment(index, po2, prePc, postPc, indices, before, after, userCycles, hostWriteRows, inputStart,
                    input, journalStart, journalEnd, halted == 1, exitCode, siblings, committed);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated segment (" + bytes.length + " bytes)");
        }
    }

    private static int count(ByteBuffer b, int n, int bytesEach, String what) {
        if (n < 0 || (long) n * bytesEach > b.remaining()) {
            throw new IllegalArgumentException(what + " count " + Integer.toUnsignedString(n) + " exceeds the "
                    + b.remaining() + " bytes left");
        }
        return n;
    }

    private static int[][] readPages(ByteBuffer b, int pages) {
        int[][] out = new int[pages][PAGE_WORDS];
        for (int[] page : out) {
            for (int i = 0; i < PAGE_WORDS; i++) {
                page[i] = b.getInt();
            }
        }
        return out;
    }
}
