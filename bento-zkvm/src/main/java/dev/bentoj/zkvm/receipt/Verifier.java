package dev.bentoj.zkvm.receipt;

import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.Sha256;
import dev.bentoj.zkvm.image.MemoryImage;
import dev.bentoj.zkvm.rv32im.SegmentClaim;
import dev.bentoj.zkvm.rv32im.SegmentVerifier;
import dev.bentoj.zkvm.stark.VerificationException;
import dev.bentoj.zkvm.stark.VerifierPolicy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Verifies a receipt against the image id of the program it should come from (prover.md,
 * "Claim and receipt"), re-deriving its claim from the proofs: every segment proof verifies,
 * the segments chain ({@link SegmentChain}) and the last one halted, the first pre-state is the
 * image, the journal hashes to the journal digest, the exit code is the expected one, and every
 * assumption's receipt verifies and proves the claim it stands for. The checks on the asserted
 * claim come first: they are cheap, and a mismatch there has the clearest reason.
 */
public final class Verifier {
    private final SegmentVerifier segmentVerifier;

    private Verifier(VerifierPolicy policy) {
        this.segmentVerifier = new SegmentVerifier(policy);
    }

    /**
     * Verifies with the standard parameter policy, requiring exit code 0.
     *
     * @return the verified claim
     * @throws VerificationException with a one-line reason naming the first check that failed
     */
    public static ReceiptClaim verify(Receipt receipt, Digest imageId) throws VerificationException {
        return verify(receipt, imageId, VerifierPolicy.standard(), ExpectedExitCode.SUCCESS);
    }

    /**
     * Verifies with the parameter policy {@code policy}, accepting the exit codes {@code exitCode}
     * accepts.
     *
     * @return the verified claim
     * @throws VerificationException with a one-line reason naming the first check that failed
     */
    public static ReceiptClaim verify(Receipt receipt, Digest imageId, VerifierPolicy policy, ExpectedExitCode exitCode)
            throws VerificationException {
        ReceiptClaim claim = receipt.claim();
        Digest proven = MemoryImage.imageId(claim.pre());
        if (!proven.equals(imageId)) {
            throw new VerificationException("image id mismatch: receipt proves " + proven.toHex() + ", expected "
                    + imageId.toHex());
        }
        if (!exitCode.accepts(claim.exitCode())) {
            throw new VerificationException("guest exit code " + Integer.toUnsignedString(claim.exitCode())
                    + ", expected " + exitCode);
        }
        new Verifier(policy).checkIntegrity(receipt);
        return claim;
    }

    /** Everything that holds whoever asks: the journal, the proofs, the assumptions, the claim. */
    private void checkIntegrity(Receipt receipt) throws VerificationException {
        ReceiptClaim claim = receipt.claim();
        if (!Arrays.equals(Sha256.digest(receipt.journal()), claim.journalDigest())) {
            throw new VerificationException("journal does not match the journal digest");
        }
        List<SegmentReceipt> segments = receipt.inner().segments();
        List<SegmentClaim> claims = new ArrayList<>(segments.size());
        for (int i = 0; i < segments.size(); i++) {
            try {
                claims.add(segmentVerifier.verify(segments.get(i).proof()));
            } catch (VerificationException e) {
                throw new VerificationException("segment " + i + ": " + e.getMessage());
            }
        }
        SegmentClaim run = SegmentChain.join(claims);
        if (!run.halted()) {
            throw new VerificationException("the last segment (" + (segments.size() - 1)
                    + ") did not halt: the receipt does not reach the end of the execution");
        }
        List<Assumption> assumptions = receipt.inner().assumptions();
        for (int k = 0; k < assumptions.size(); k++) {
            Assumption a = assumptions.get(k);
            try {
                checkIntegrity(a.receipt());
            } catch (VerificationException e) {
                throw new VerificationException("assumption " + k + ": " + e.getMessage());
            }
            byte[] proves = a.receipt().claim().digest();
            if (!Arrays.equals(proves, a.claimDigest())) {
                throw new VerificationException("assumption " + k + ": its receipt proves claim " + hex(proves)
                        + ", not the assumed " + hex(a.claimDigest()));
            }
        }
        ReceiptClaim derived = new ReceiptClaim(run.pre(), run.post(), run.exitCode(), run.journalDigest(),
                Assumption.listDigest(assumptions));
        if (!derived.equals(claim)) {
            throw new VerificationException("the receipt's claim is not what its proofs establish: "
                    + difference(claim, derived));
        }
    }

    /** The first field in which the asserted claim differs from the proven one. */
    private static String difference(ReceiptClaim asserted, ReceiptClaim proven) {
        if (!asserted.pre().equals(proven.pre())) {
            return "pre_state " + SegmentChain.difference(asserted.pre(), proven.pre());
        }
        if (!asserted.post().equals(proven.post())) {
            return "post_state " + SegmentChain.difference(asserted.post(), proven.post());
        }
        if (asserted.exitCode() != proven.exitCode()) {
            return "exit code " + Integer.toUnsignedString(asserted.exitCode()) + " vs "
                    + Integer.toUnsignedString(proven.exitCode());
        }
        if (!Arrays.equals(asserted.journalDigest(), proven.journalDigest())) {
            return "journal digest " + hex(asserted.journalDigest()) + " vs " + hex(proven.journalDigest());
        }
        return "assumptions digest " + hex(asserted.assumptionsDigest()) + " vs " + hex(proven.assumptionsDigest());
    }

    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
