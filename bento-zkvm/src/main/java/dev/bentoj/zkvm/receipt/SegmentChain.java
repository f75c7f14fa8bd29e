package dev.bentoj.zkvm.receipt;

import dev.bentoj.zkvm.image.SystemState;
import dev.bentoj.zkvm.rv32im.SegmentClaim;
import dev.bentoj.zkvm.stark.VerificationException;

import java.util.List;

/**
 * Joins the claims of consecutive segments into the claim of the run they make
 * (rv32im-air.md §7, hand-off): what a Join task checks, and the first step of verifying a
 * composite receipt.
 */
public final class SegmentChain {
    private SegmentChain() {
    }

    /**
     * Returns the run's claim: the pre-state of the first segment; the post-state, halt flag,
     * exit code and journal digest of the last.
     *
     * @param claims verified segment claims, in execution order
     * @throws VerificationException if there are none, a segment other than the last halted, or a
     *                               segment's pre-state is not its predecessor's post-state
     */
    public static SegmentClaim join(List<SegmentClaim> claims) throws VerificationException {
        if (claims.isEmpty()) {
            throw new VerificationException("no segments");
        }
        int last = claims.size() - 1;
        for (int i = 0; i <= last; i++) {
            SegmentClaim claim = claims.get(i);
            if (i > 0 && !claim.pre().equals(claims.get(i - 1).post())) {
                throw new VerificationException("segment " + i + ": pre_state does not match segment " + (i - 1)
                        + "'s post_state (" + difference(claim.pre(), claims.get(i - 1).post()) + ")");
            }
            if (i < last && claim.halted()) {
                throw new VerificationException("segment " + i + " halted but is not the last of "
                        + claims.size() + " segments");
            }
        }
        SegmentClaim first = claims.get(0);
        SegmentClaim end = claims.get(last);
        return new SegmentClaim(first.pre(), end.post(), end.halted(), end.exitCode(), end.journalDigest());
    }

    /** Says which half of a state differs, for the failure reason. */
    static String difference(SystemState a, SystemState b) {
        String pc = a.pc() == b.pc() ? null : String.format("pc 0x%08x vs 0x%08x", a.pc(), b.pc());
        String root = a.root().equals(b.root()) ? null
                : "memory root " + a.root().toHex().substring(0, 12) + "… vs " + b.root().toHex().substring(0, 12) + "…";
        return pc == null ? root : root == null ? pc : pc + ", " + root;
    }
}
