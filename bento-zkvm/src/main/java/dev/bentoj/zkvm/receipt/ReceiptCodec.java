package dev.bentoj.zkvm.receipt;

import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.Sha256;
import dev.bentoj.zkvm.image.MemoryTree;
import dev.bentoj.zkvm.image.SystemState;
import dev.bentoj.zkvm.rv32im.SegmentProof;
import dev.bentoj.zkvm.stark.VerificationException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The receipt format, version 1. Little-endian; {@code u8/u16/u32} are unsigned integers, a
 * {@code root} or {@code sibling} is a Poseidon2 digest as 8 canonical u32 (each below the
 * BabyBear modulus), a {@code sha} is 32 raw bytes.
 *
 * <pre>
 * object    = "BZKR" | u16 version = 1 | u8 kind | u8 0 | body(kind)
 * kind 1    receipt   = claim | u32 journal_len | journal | u8 inner_kind (2 or 3) | body(inner_kind)
 * kind 2    segment   = u8 po2 | u8 halted (0 or 1) | u16 0 | u32 pre_pc | u32 post_pc | u32 exit_code
 *                       | u32 digest_ptr | u32 page_count | page_count × u32 page_index
 *                       | page_count × 256 × u32 word before | page_count × 256 × u32 word after
 *                       | u32 sibling_count | sibling_count × sibling | u32 stark_len | stark
 * kind 3    composite = u32 segment_count | segment_count × body(2)
 *                       | u32 assumption_count | assumption_count × (sha claim_digest | body(1))
 * claim     = root pre | u32 pre_pc | root post | u32 post_pc | u32 exit_code
 *             | sha journal_digest | sha assumptions_digest
 * </pre>
 *
 * <p>Decoding is strict, so that every value has exactly one encoding and no length can make it
 * allocate more than the input holds: unknown magic, version, kind or reserved bytes are
 * rejected; each count is bounded (below) and compared with the bytes left before anything is
 * allocated; page indices strictly increase below 2^22; a segment that did not halt has exit
 * code and digest pointer 0 (the proof does not bind them); no byte may be left over. Each
 * failure is a {@link VerificationException} whose one-line reason names the field, e.g.
 * {@code malformed receipt: segment 2: page count 2000 is outside [1, 2^16/64 = 1024]}. Encoding applies
 * the same rules and throws {@link IllegalArgumentException}, so what it writes decodes.
 */
public final class ReceiptCodec {
    public static final byte[] MAGIC = {'B', 'Z', 'K', 'R'};
    public static final int VERSION = 1;
    public static final int KIND_RECEIPT = 1;
    public static final int KIND_SEGMENT = 2;
    public static final int KIND_COMPOSITE = 3;

    /** The segment sizes the RV32IM AIR proves (rv32im-air.md §8: its tables need 2^16 rows). */
    public static final int MIN_SEGMENT_PO2 = 16;
    public static final int MAX_SEGMENT_PO2 = 24;
    /** The largest journal a receipt carries; encoding a larger one fails. */
    public static final int MAX_JOURNAL_BYTES = 64 << 20;
    /** 2^20 segments of at least 2^16 rows: room for more than the default cycle limit of 2^32 cycles. */
    public static final int MAX_SEGMENTS = 1 << 20;
    public static final int MAX_ASSUMPTIONS = 256;
    /** How deep assumption receipts may carry assumptions of their own. */
    public static final int MAX_NESTING = 8;
    /** An allocation bound only: the STARK codec checks the exact length of a segment proof. */
    public static final int MAX_STARK_BYTES = 16 << 20;

    private static final int HEADER_BYTES = 8;
    private static final int PAGE_WORDS = 256;
    private static final int PAGE_BYTES = 4 * PAGE_WORDS;
    /** po2, halted, reserved, four u32 and the page count. */
    private static final int SEGMENT_HEADER_BYTES = 24;
    private static final int CLAIM_BYTES = 2 * (Digest.BYTES + 4) + 4 + 2 * Sha256.BYTES;
    /** A segment of one page, no siblings, an empty proof: what a count of segments must leave room for. */
    private static final int MIN_SEGMENT_BYTES = SEGMENT_HEADER_BYTES + 4 + 2 * PAGE_BYTES + 4 + 4;
    /** A claim digest and a receipt of one such segment with an empty journal. */
    private static final int MIN_ASSUMPTION_BYTES = Sha256.BYTES + CLAIM_BYTES + 4 + 1 + MIN_SEGMENT_BYTES;

    private ReceiptCodec() {
    }

    // ------------------------------------------------------------------ encode

    /** @throws IllegalArgumentException if the receipt breaks a rule of the format */
    public static byte[] encode(Receipt receipt) {
        Out out = new Out();
        out.header(KIND_RECEIPT);
        writeReceipt(out, receipt, 0);
        return out.bytes();
    }

    /** @throws IllegalArgumentException if the receipt breaks a rule of the format */
    public static byte[] encode(InnerReceipt inner) {
        Out out = new Out();
        out.header(kindOf(inner));
        writeInner(out, inner, 0);
        return out.bytes();
    }

    private static int kindOf(InnerReceipt inner) {
        return inner instanceof SegmentReceipt ? KIND_SEGMENT : KIND_COMPOSITE;
    }

    private static void writeReceipt(Out out, Receipt r, int depth) {
        ReceiptClaim c = r.claim();
        out.digest(c.pre().root()).u32(c.pre().pc()).digest(c.post().root()).u32(c.post().pc()).u32(c.exitCode());
        out.raw(c.journalDigest()).raw(c.assumptionsDigest());
        byte[] journal = r.journal();
        encodable(() -> checkCount("journal length", journal.length, MAX_JOURNAL_BYTES));
        out.u32(journal.length).raw(journal);
        out.u8(kindOf(r.inner()));
        writeInner(out, r.inner(), depth);
    }

    private static void writeInner(Out out, InnerReceipt inner, int depth) {
        if (inner instanceof SegmentReceipt s) {
            writeSegment(out, s.proof());
            return;
        }
        List<SegmentReceipt> segments = inner.segments();
        List<Assumption> assumptions = inner.assumptions();
        encodable(() -> {
            checkCount("segment count", segments.size(), MAX_SEGMENTS);
            checkCount("assumption count", assumptions.size(), MAX_ASSUMPTIONS);
            checkNesting(depth, assumptions.size());
        });
        out.u32(segments.size());
        for (SegmentReceipt s : segments) {
            writeSegment(out, s.proof());
        }
        out.u32(assumptions.size());
        for (Assumption a : assumptions) {
            out.raw(a.claimDigest());
            writeReceipt(out, a.receipt(), depth + 1);
        }
    }

    private static void writeSegment(Out out, SegmentProof p) {
        int n = p.pageIndices().length;
        encodable(() -> {
            checkSegmentHeader(p.po2(), p.halted() ? 1 : 0, 0, p.exitCode(), p.digestPtr());
            checkPageCount(n, p.po2());
            checkPageIndices(p.pageIndices());
            checkCount("sibling count", p.siblings().length, MemoryTree.DEPTH * n);
            checkCount("STARK proof length", p.stark().length, MAX_STARK_BYTES);
        });
        if (p.pagesBefore().length != n || p.pagesAfter().length != n) {
            throw new IllegalArgumentException("cannot encode: " + n + " page indices but " + p.pagesBefore().length
                    + " pages before and " + p.pagesAfter().length + " after");
        }
        out.u8(p.po2()).u8(p.halted() ? 1 : 0).u16(0).u32(p.prePc()).u32(p.postPc()).u32(p.exitCode()).u32(p.digestPtr());
        out.u32(n).words(p.pageIndices());
        for (int[][] pages : new int[][][] {p.pagesBefore(), p.pagesAfter()}) {
            for (int[] page : pages) {
                if (page.length != PAGE_WORDS) {
                    throw new IllegalArgumentException("cannot encode: a page has " + page.length + " words, not " + PAGE_WORDS);
                }
                out.words(page);
            }
        }
        out.u32(p.siblings().length);
        for (Digest d : p.siblings()) {
            out.digest(d);
        }
        out.u32(p.stark().length).raw(p.stark());
    }

    private interface Rule {
        void check() throws VerificationException;
    }

    /** Applies the decoder's rules to what is about to be written. */
    private static void encodable(Rule rule) {
        try {
            rule.check();
        } catch (VerificationException e) {
            throw new IllegalArgumentException("cannot encode: " + e.getMessage(), e);
        }
    }

    /** Little-endian writer. */
    private static final class Out {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        void header(int kind) {
            raw(MAGIC).u16(VERSION).u8(kind).u8(0);
        }

        Out u8(int v) {
            bytes.write(v);
            return this;
        }

        Out u16(int v) {
            return u8(v).u8(v >>> 8);
        }

        Out u32(int v) {
            return u16(v).u16(v >>> 16);
        }

        Out words(int[] ws) {
            ByteBuffer b = ByteBuffer.allocate(4 * ws.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asIntBuffer().put(ws);
            return raw(b.array());
        }

        Out digest(Digest d) {
            return raw(d.toBytes());
        }

        Out raw(byte[] b) {
            bytes.writeBytes(b);
            return this;
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }

    // ------------------------------------------------------------------ decode

    /**
     * Parses a receipt (kind 1).
     *
     * @throws VerificationException naming the first rule the bytes break
     */
    public static Receipt decode(byte[] bytes) throws VerificationException {
        In in = new In(bytes);
        int kind = in.header();
        in.require(kind == KIND_RECEIPT, "expected a receipt (kind " + KIND_RECEIPT + "), found " + kindName(kind));
        Receipt r = readReceipt(in, 0, "");
        in.end();
        return r;
    }

    /**
     * Parses a segment or composite receipt (kind 2 or 3).
     *
     * @throws VerificationException naming the first rule the bytes break
     */
    public static InnerReceipt decodeInner(byte[] bytes) throws VerificationException {
        In in = new In(bytes);
        int kind = in.header();
        in.require(kind == KIND_SEGMENT || kind == KIND_COMPOSITE,
                "expected a segment or composite receipt (kind 2 or 3), found " + kindName(kind));
        InnerReceipt r = readInner(in, kind, 0, "");
        in.end();
        return r;
    }

    private static String kindName(int kind) {
        return switch (kind) {
            case KIND_RECEIPT -> "a receipt (kind 1)";
            case KIND_SEGMENT -> "a segment receipt (kind 2)";
            case KIND_COMPOSITE -> "a composite receipt (kind 3)";
            default -> "unknown kind " + kind;
        };
    }

    private static Receipt readReceipt(In in, int depth, String at) throws VerificationException {
        in.at(at + "claim: ").need(CLAIM_BYTES, "the claim");
        Digest preRoot = in.digest("pre_state root");
        int prePc = in.u32();
        Digest postRoot = in.digest("post_state root");
        int postPc = in.u32();
        int exitCode = in.u32();
        byte[] journalDigest = in.raw(Sha256.BYTES);
        byte[] assumptionsDigest = in.raw(Sha256.BYTES);
        ReceiptClaim claim = new ReceiptClaim(new SystemState(prePc, preRoot), new SystemState(postPc, postRoot),
                exitCode, journalDigest, assumptionsDigest);
        in.at(at);
        byte[] journal = in.raw((int) in.count("journal length", 1, MAX_JOURNAL_BYTES));
        in.need(1, "the inner receipt kind");
        int kind = in.u8();
        in.require(kind == KIND_SEGMENT || kind == KIND_COMPOSITE, "inner receipt kind " + kind
                + " is not " + KIND_SEGMENT + " (segment) or " + KIND_COMPOSITE + " (composite)");
        return new Receipt(journal, readInner(in, kind, depth, at), claim);
    }

    private static InnerReceipt readInner(In in, int kind, int depth, String at) throws VerificationException {
        if (kind == KIND_SEGMENT) {
            return new SegmentReceipt(readSegment(in, at));
        }
        in.at(at);
        long segmentCount = in.count("segment count", MIN_SEGMENT_BYTES, MAX_SEGMENTS);
        in.require(segmentCount > 0, "a composite receipt has no segments");
        List<SegmentReceipt> segments = new ArrayList<>();
        for (int i = 0; i < segmentCount; i++) {
            segments.add(new SegmentReceipt(readSegment(in, at + "segment " + i + ": ")));
        }
        in.at(at);
        long assumptionCount = in.count("assumption count", MIN_ASSUMPTION_BYTES, MAX_ASSUMPTIONS);
        try {
            checkNesting(depth, (int) assumptionCount);
        } catch (VerificationException e) {
            throw in.malformed(e.getMessage());
        }
        List<Assumption> assumptions = new ArrayList<>();
        for (int k = 0; k < assumptionCount; k++) {
            String here = at + "assumption " + k + ": ";
            in.at(here).need(Sha256.BYTES, "the claim digest");
            byte[] claimDigest = in.raw(Sha256.BYTES);
            assumptions.add(new Assumption(claimDigest, readReceipt(in, depth + 1, here)));
        }
        return new CompositeReceipt(segments, assumptions);
    }

    private static SegmentProof readSegment(In in, String at) throws VerificationException {
        in.at(at).need(SEGMENT_HEADER_BYTES, "the segment header");
        int po2 = in.u8();
        int halted = in.u8();
        int reserved = in.u16();
        int prePc = in.u32();
        int postPc = in.u32();
        int exitCode = in.u32();
        int digestPtr = in.u32();
        long pageCount = Integer.toUnsignedLong(in.u32());
        try {
            checkSegmentHeader(po2, halted, reserved, exitCode, digestPtr);
            checkPageCount(pageCount, po2);
        } catch (VerificationException e) {
            throw in.malformed(e.getMessage());
        }
        int n = (int) pageCount;
        in.need((long) n * (4 + 2 * PAGE_BYTES), "the indices and contents of " + n + " pages");
        int[] indices = in.words(n);
        try {
            checkPageIndices(indices);
        } catch (VerificationException e) {
            throw in.malformed(e.getMessage());
        }
        int[][] before = new int[n][];
        int[][] after = new int[n][];
        for (int i = 0; i < n; i++) {
            before[i] = in.words(PAGE_WORDS);
        }
        for (int i = 0; i < n; i++) {
            after[i] = in.words(PAGE_WORDS);
        }
        long siblingCount = in.count("sibling count", Digest.BYTES, (long) MemoryTree.DEPTH * n);
        Digest[] siblings = new Digest[(int) siblingCount];
        for (int i = 0; i < siblings.length; i++) {
            siblings[i] = in.digest("sibling " + i);
        }
        long starkLength = in.count("STARK proof length", 1, MAX_STARK_BYTES);
        byte[] stark = in.raw((int) starkLength);
        return new SegmentProof(po2, prePc, postPc, halted == 1, exitCode, digestPtr, indices, before, after, siblings,
                stark);
    }

    // ------------------------------------------------------------------ rules shared by both directions

    private static void checkSegmentHeader(int po2, int halted, int reserved, int exitCode, int digestPtr)
            throws VerificationException {
        if (po2 < MIN_SEGMENT_PO2 || po2 > MAX_SEGMENT_PO2) {
            throw new VerificationException("po2 " + po2 + " is outside [" + MIN_SEGMENT_PO2 + ", " + MAX_SEGMENT_PO2 + "]");
        }
        if (halted != 0 && halted != 1) {
            throw new VerificationException("halted flag is " + halted + ", not 0 or 1");
        }
        if (reserved != 0) {
            throw new VerificationException("reserved segment header bytes are not zero");
        }
        if (halted == 0 && (exitCode != 0 || digestPtr != 0)) {
            throw new VerificationException("a segment that did not halt has exit code and digest pointer 0, not "
                    + Integer.toUnsignedString(exitCode) + String.format(" and 0x%08x", digestPtr));
        }
    }

    private static void checkPageCount(long n, int po2) throws VerificationException {
        long max = (1L << po2) / 64;
        if (n < 1 || n > max) {
            throw new VerificationException("page count " + n + " is outside [1, 2^" + po2 + "/64 = " + max + "]");
        }
    }

    private static void checkPageIndices(int[] indices) throws VerificationException {
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= 1 << MemoryTree.DEPTH) {
                throw new VerificationException("page index " + i + " is " + Integer.toUnsignedString(indices[i])
                        + ", outside the 2^" + MemoryTree.DEPTH + " pages of the address space");
            }
            if (i > 0 && indices[i] <= indices[i - 1]) {
                throw new VerificationException("page indices do not strictly increase at position " + i);
            }
        }
    }

    private static void checkCount(String what, long count, long max) throws VerificationException {
        if (count > max) {
            throw new VerificationException(what + " " + count + " exceeds " + max);
        }
    }

    private static void checkNesting(int depth, int assumptions) throws VerificationException {
        if (assumptions > 0 && depth >= MAX_NESTING) {
            throw new VerificationException("assumptions nested deeper than " + MAX_NESTING + " receipts");
        }
    }

    /** Little-endian reader that names the field and its place in every failure. */
    private static final class In {
        private final ByteBuffer b;
        private String at = "";

        In(byte[] bytes) {
            b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        In at(String place) {
            at = place;
            return this;
        }

        VerificationException malformed(String reason) {
            return new VerificationException("malformed receipt: " + at + reason);
        }

        void require(boolean ok, String reason) throws VerificationException {
            if (!ok) {
                throw malformed(reason);
            }
        }

        In need(long length, String what) throws VerificationException {
            if (length > b.remaining()) {
                throw new VerificationException("malformed receipt: truncated: " + at + what + " needs " + length
                        + " bytes, " + b.remaining() + " left");
            }
            return this;
        }

        int header() throws VerificationException {
            need(HEADER_BYTES, "the header");
            require(Arrays.equals(raw(MAGIC.length), MAGIC), "not a Bento-J receipt (bad magic)");
            int version = u16();
            require(version == VERSION, "format version " + version + " is not supported (this build reads version "
                    + VERSION + ")");
            int kind = u8();
            require(u8() == 0, "reserved header byte is not zero");
            return kind;
        }

        /**
         * Reads a u32 count of items of at least {@code itemBytes} each, at most {@code max}, and
         * checks that they can fit in what is left.
         */
        long count(String what, int itemBytes, long max) throws VerificationException {
            need(4, "the " + what);
            long n = Integer.toUnsignedLong(u32());
            try {
                checkCount(what, n, max);
            } catch (VerificationException e) {
                throw malformed(e.getMessage());
            }
            need(n * itemBytes, what + " " + n);
            return n;
        }

        int u8() {
            return Byte.toUnsignedInt(b.get());
        }

        int u16() {
            return Short.toUnsignedInt(b.getShort());
        }

        int u32() {
            return b.getInt();
        }

        byte[] raw(int length) {
            byte[] out = new byte[length];
            b.get(out);
            return out;
        }

        int[] words(int count) {
            int[] out = new int[count];
            b.asIntBuffer().get(out);
            b.position(b.position() + 4 * count);
            return out;
        }

        Digest digest(String what) throws VerificationException {
            need(Digest.BYTES, "the " + what);
            try {
                return Digest.fromBytes(raw(Digest.BYTES));
            } catch (IllegalArgumentException e) {
                throw malformed(what + " is not canonical: " + e.getMessage());
            }
        }

        void end() throws VerificationException {
            if (b.hasRemaining()) {
                throw new VerificationException("malformed receipt: " + b.remaining() + " trailing bytes");
            }
        }
    }
}
