package dev.bentoj.agent.proving;

import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.image.SystemState;
import dev.bentoj.zkvm.receipt.InnerReceipt;
import dev.bentoj.zkvm.receipt.ReceiptCodec;
import dev.bentoj.zkvm.receipt.SegmentReceipt;
import dev.bentoj.zkvm.rv32im.SegmentClaim;
import dev.bentoj.zkvm.stark.VerificationException;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * A partial receipt as it waits in Redis between tasks: the inner receipt of a contiguous range
 * of segments and the claim of that range, established by the Prove task that verified each
 * segment proof and carried by the Joins that chained them (so a Join need not verify every
 * segment again). Finalize verifies the whole receipt, so a claim tampered with in Redis cannot
 * reach a session's receipt.
 *
 * <pre>"BZKI" | u8 halted | u8 has_digest | u16 0 | u32 exit_code | u32 pre_pc | 32 pre_root
 * | u32 post_pc | 32 post_root | [32 journal_digest] | receipt (ReceiptCodec, inner)</pre>
 */
public record ClaimedReceipt(SegmentClaim claim, InnerReceipt receipt) {
    private static final byte[] MAGIC = {'B', 'Z', 'K', 'I'};

    public byte[] encode() {
        byte[] inner = ReceiptCodec.encode(receipt);
        byte[] digest = claim.journalDigest();
        ByteBuffer b = ByteBuffer.allocate(4 + 4 + 4 + 2 * (4 + Digest.BYTES) + (digest == null ? 0 : 32) + inner.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) (claim.halted() ? 1 : 0)).put((byte) (digest == null ? 0 : 1)).putShort((short) 0);
        b.putInt(claim.exitCode());
        b.putInt(claim.pre().pc()).put(claim.pre().root().toBytes());
        b.putInt(claim.post().pc()).put(claim.post().root().toBytes());
        if (digest != null) {
            b.put(digest);
        }
        return b.put(inner).array();
    }

    /**
     * @param key the Redis key it came from, for the message
     * @throws VerificationException if the bytes are not a claimed receipt, or the claim does not
     *                               match the boundary of the segment proofs it carries
     */
    public static ClaimedReceipt decode(byte[] bytes, String key) throws VerificationException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        ClaimedReceipt r;
        try {
            byte[] magic = new byte[4];
            b.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new VerificationException(key + " does not hold a partial receipt");
            }
            boolean halted = b.get() == 1;
            boolean hasDigest = b.get() == 1;
            b.getShort();
            int exitCode = b.getInt();
            SystemState pre = new SystemState(b.getInt(), digest(b));
            SystemState post = new SystemState(b.getInt(), digest(b));
            byte[] journalDigest = null;
            if (hasDigest) {
                journalDigest = new byte[32];
                b.get(journalDigest);
            }
            byte[] inner = Arrays.copyOfRange(bytes, b.position(), bytes.length);
            r = new ClaimedReceipt(new SegmentClaim(pre, post, halted, exitCode, journalDigest),
                    ReceiptCodec.decodeInner(inner));
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new VerificationException(key + " holds a truncated or malformed partial receipt");
        } catch (VerificationException e) {
            throw new VerificationException(key + ": " + e.getMessage());
        }
        r.checkBoundary(key);
        return r;
    }

    /** The claim's pcs and halt flag are those of the first and last segment proofs carried. */
    private void checkBoundary(String key) throws VerificationException {
        List<SegmentReceipt> segments = receipt.segments();
        var first = segments.get(0).proof();
        var last = segments.get(segments.size() - 1).proof();
        if (first.prePc() != claim.pre().pc() || last.postPc() != claim.post().pc() || last.halted() != claim.halted()) {
            throw new VerificationException(key + ": the claim does not match the segment proofs it carries");
        }
    }

    private static Digest digest(ByteBuffer b) {
        byte[] d = new byte[Digest.BYTES];
        b.get(d);
        return Digest.fromBytes(d);
    }
}
