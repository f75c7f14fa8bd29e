package dev.bentoj.zkvm.receipt;

import java.util.Objects;

/**
 * What a proving session hands back: the journal, the claim it asserts, and the inner receipt
 * that proves the claim. Nothing here is trusted until {@link Verifier} has checked it.
 *
 * @param journal the bytes the guest committed; copied on the way in and out
 */
public record Receipt(byte[] journal, InnerReceipt inner, ReceiptClaim claim) {
    public Receipt {
        journal = journal.clone();
        Objects.requireNonNull(inner, "inner");
        Objects.requireNonNull(claim, "claim");
    }

    @Override
    public byte[] journal() {
        return journal.clone();
    }
}
