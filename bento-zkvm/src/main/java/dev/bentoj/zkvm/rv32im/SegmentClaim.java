package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.image.SystemState;

/**
 * What one verified segment proof establishes: execution went from {@code pre} to {@code post};
 * if {@code halted}, the guest called HALT with {@code exitCode} and {@code journalDigest} (the 32
 * bytes at the digest pointer in the post-state memory), otherwise both are 0 / null.
 */
public record SegmentClaim(SystemState pre, SystemState post, boolean halted, int exitCode, byte[] journalDigest) {
    public SegmentClaim {
        journalDigest = journalDigest == null ? null : journalDigest.clone();
    }

    @Override
    public byte[] journalDigest() {
        return journalDigest == null ? null : journalDigest.clone();
    }
}
