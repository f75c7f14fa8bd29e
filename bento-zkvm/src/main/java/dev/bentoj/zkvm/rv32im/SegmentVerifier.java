package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.exec.GuestMemoryMap;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.image.SystemState;
import dev.bentoj.zkvm.stark.ProofCodec;
import dev.bentoj.zkvm.stark.StarkProof;
import dev.bentoj.zkvm.stark.StarkVerifier;
import dev.bentoj.zkvm.stark.VerificationException;
import dev.bentoj.zkvm.stark.VerifierPolicy;

import java.util.Arrays;

/** Verifies one segment proof and returns what it proves (rv32im-air.md §8). */
public final class SegmentVerifier {
    private final VerifierPolicy policy;

    public SegmentVerifier(VerifierPolicy policy) {
        this.policy = policy;
    }

    /** @throws VerificationException naming the first check that failed */
    public SegmentClaim verify(SegmentProof proof) throws VerificationException {
        int po2 = proof.po2();
        if (po2 < Rv32imAir.MIN_PO2 || po2 > Rv32imAir.MAX_PO2) {
            throw new VerificationException("segment po2 " + po2 + " outside [" + Rv32imAir.MIN_PO2 + ", "
                    + Rv32imAir.MAX_PO2 + "]");
        }
        int listed = proof.pageIndices().length;
        if ((long) listed * Rv32imAir.PAGE_OUT_ROWS >= 1L << po2) {
            throw new VerificationException(listed + " listed pages do not fit a segment of 2^" + po2 + " rows");
        }
        PageList pages;
        Digest preRoot;
        Digest postRoot;
        try {
            pages = new PageList(proof.pageIndices(), proof.pagesBefore(), proof.pagesAfter());
            preRoot = SegmentPublics.root(pages, pages.before(), proof.siblings());
            postRoot = SegmentPublics.root(pages, pages.after(), proof.siblings());
        } catch (IllegalArgumentException e) {
            throw new VerificationException(e.getMessage());
        }
        int sys = pages.position(GuestMemoryMap.SYSTEM_PAGE);
        if (sys < 0) {
            throw new VerificationException("the register page is not listed");
        }
        if (pages.before()[sys][0] != 0 || pages.after()[sys][0] != 0) {
            throw new VerificationException("register x0 is not 0");
        }
        byte[] journalDigest = null;
        if (proof.halted()) {
            journalDigest = journalDigest(pages, proof.digestPtr());
        } else if (proof.exitCode() != 0 || proof.digestPtr() != 0) {
            throw new VerificationException("exit code or digest pointer given for a segment that did not halt");
        }
        int[] expected = SegmentPublics.values(po2, proof.prePc(), proof.postPc(), preRoot, postRoot, proof.halted(),
                proof.exitCode(), proof.digestPtr(), pages);
        Rv32imAir air = new Rv32imAir(pages);
        AirLayout layout = AirLayout.of(air);
        StarkProof header = ProofCodec.decode(proof.stark(), layout);
        if (header.logN() != po2) {
            throw new VerificationException("the STARK has 2^" + header.logN() + " rows, the segment says 2^" + po2);
        }
        if (!Arrays.equals(header.publicValues(), expected)) {
            throw new VerificationException("the STARK's public values do not match the segment's boundary");
        }
        new StarkVerifier(policy).verify(layout, header);
        return new SegmentClaim(new SystemState(proof.prePc(), preRoot), new SystemState(proof.postPc(), postRoot),
                proof.halted(), proof.exitCode(), journalDigest);
    }

    /** The 32 bytes at the digest pointer in the post-state pages. */
    private static byte[] journalDigest(PageList pages, int ptr) throws VerificationException {
        if ((ptr & 3) != 0 || !GuestMemoryMap.isGuestRange(ptr, 32)) {
            throw new VerificationException(String.format("journal digest pointer 0x%08x is not an aligned guest "
                    + "address", ptr));
        }
        byte[] digest = new byte[32];
        for (int i = 0; i < 8; i++) {
            int addr = ptr + 4 * i;
            int p = pages.position(addr >>> GuestMemoryMap.PAGE_SHIFT);
            if (p < 0) {
                throw new VerificationException(String.format("journal digest at 0x%08x is on an unlisted page", addr));
            }
            int w = pages.after()[p][(addr >>> 2) & (GuestMemoryMap.PAGE_WORDS - 1)];
            for (int j = 0; j < 4; j++) {
                digest[4 * i + j] = (byte) (w >>> (8 * j));
            }
        }
        return digest;
    }
}
