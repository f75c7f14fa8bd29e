package dev.bentoj.zkvm.receipt;

import dev.bentoj.zkvm.hash.Sha256;
import dev.bentoj.zkvm.image.SystemState;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What a receipt proves (prover.md, "Claim and receipt"): the guest ran from {@code pre} to
 * {@code post} and halted with {@code exitCode}, having committed a journal whose SHA-256 is
 * {@code journalDigest}, with the assumptions whose list digest is {@code assumptionsDigest}
 * ({@link Assumption#listDigest}; 32 zero bytes for none) resolved.
 *
 * <p>As in RISC Zero the claim names no image id: the image id is a function of {@code pre}
 * ({@code MemoryImage.imageId(pre)}), which the verifier compares with the one it expects.
 *
 * @param exitCode the guest's exit code, a u32
 * @param journalDigest 32 bytes, copied on the way in and out
 * @param assumptionsDigest 32 bytes, copied on the way in and out
 */
public record ReceiptClaim(SystemState pre, SystemState post, int exitCode, byte[] journalDigest,
                           byte[] assumptionsDigest) {
    /** The tag of {@link #digest()}. */
    public static final String TAG = "bento.ReceiptClaim";

    public ReceiptClaim {
        Objects.requireNonNull(pre, "pre");
        Objects.requireNonNull(post, "post");
        journalDigest = sha256Sized(journalDigest, "journal digest");
        assumptionsDigest = sha256Sized(assumptionsDigest, "assumptions digest");
    }

    private static byte[] sha256Sized(byte[] digest, String what) {
        Objects.requireNonNull(digest, what);
        if (digest.length != Sha256.BYTES) {
            throw new IllegalArgumentException("the " + what + " is " + Sha256.BYTES + " bytes, not " + digest.length);
        }
        return digest.clone();
    }

    @Override
    public byte[] journalDigest() {
        return journalDigest.clone();
    }

    @Override
    public byte[] assumptionsDigest() {
        return assumptionsDigest.clone();
    }

    /**
     * The claim digest, a tagged struct ({@link TaggedStruct}) with tag {@value #TAG}, the
     * digests {@code pre.root, post.root, journalDigest, assumptionsDigest} (each root as its 32
     * canonical little-endian bytes) and the words {@code pre.pc, post.pc, exitCode}:
     * <pre>SHA-256(SHA-256("bento.ReceiptClaim") ‖ pre.root ‖ post.root ‖ journal_digest
     *         ‖ assumptions_digest ‖ u32 pre.pc ‖ u32 post.pc ‖ u32 exit_code ‖ u16 4)</pre>
     */
    public byte[] digest() {
        return TaggedStruct.hash(TAG,
                new byte[][] {pre.root().toBytes(), post.root().toBytes(), journalDigest, assumptionsDigest},
                pre.pc(), post.pc(), exitCode);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReceiptClaim c && pre.equals(c.pre) && post.equals(c.post) && exitCode == c.exitCode
                && Arrays.equals(journalDigest, c.journalDigest) && Arrays.equals(assumptionsDigest, c.assumptionsDigest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pre, post, exitCode, Arrays.hashCode(journalDigest), Arrays.hashCode(assumptionsDigest));
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "ReceiptClaim[pre=" + pre + ", post=" + post + ", exitCode=" + Integer.toUnsignedString(exitCode)
                + ", journalDigest=" + hex.formatHex(journalDigest) + ", assumptionsDigest="
                + hex.formatHex(assumptionsDigest) + "]";
    }
}
