package dev.bentoj.zkvm.receipt;

import dev.bentoj.zkvm.hash.Sha256;

import java.util.List;
import java.util.Objects;

/**
 * A claim the execution relies on, identified by its {@link ReceiptClaim#digest()}, resolved by
 * the receipt that proves it. (Guest ABI v1 has no call that consumes an assumption yet: they
 * are verified and committed to in the claim, but no segment depends on them.)
 *
 * @param claimDigest 32 bytes, copied on the way in and out
 */
public record Assumption(byte[] claimDigest, Receipt receipt) {
    /** The tag of {@link #listDigest}. */
    public static final String LIST_TAG = "bento.Assumptions";

    public Assumption {
        Objects.requireNonNull(receipt, "receipt");
        if (claimDigest.length != Sha256.BYTES) {
            throw new IllegalArgumentException("a claim digest is " + Sha256.BYTES + " bytes, not " + claimDigest.length);
        }
        claimDigest = claimDigest.clone();
    }

    @Override
    public byte[] claimDigest() {
        return claimDigest.clone();
    }

    /**
     * The assumptions digest of a claim, RISC Zero's tagged list: 32 zero bytes for none, else
     * {@code SHA-256(SHA-256("bento.Assumptions") ‖ head.claimDigest ‖ listDigest(tail) ‖ u16 2)}
     * (the tagged struct of {@link ReceiptClaim#digest()} with two digests and no words).
     */
    public static byte[] listDigest(List<Assumption> assumptions) {
        byte[] digest = new byte[Sha256.BYTES];
        for (int i = assumptions.size() - 1; i >= 0; i--) {
            digest = TaggedStruct.hash(LIST_TAG, new byte[][] {assumptions.get(i).claimDigest, digest});
        }
        return digest;
    }
}
