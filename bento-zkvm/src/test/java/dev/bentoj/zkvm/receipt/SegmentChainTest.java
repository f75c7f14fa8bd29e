package dev.bentoj.zkvm.receipt;

import dev.bentoj.zkvm.image.SystemState;
import dev.bentoj.zkvm.rv32im.SegmentClaim;
import dev.bentoj.zkvm.stark.VerificationException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentChainTest {
    private final SyntheticReceipts synthetic = new SyntheticReceipts(11);

    /** Claims of a run of {@code n} segments that chain, the last halted with exit code 5. */
    private List<SegmentClaim> run(int n) {
        List<SegmentClaim> claims = new ArrayList<>();
        SystemState state = new SystemState(0x1_0000, synthetic.digest());
        for (int i = 0; i < n; i++) {
            SystemState next = new SystemState(0x1_0000 + 4 * (i + 1), synthetic.digest());
            boolean last = i == n - 1;
            claims.add(new SegmentClaim(state, next, last, last ? 5 : 0, last ? new byte[32] : null));
            state = next;
        }
        return claims;
    }

    private static String rejection(List<SegmentClaim> claims) {
        return assertThrows(VerificationException.class, () -> SegmentChain.join(claims)).getMessage();
    }

    @Test
    void aRunStartsWhereTheFirstSegmentStartsAndEndsWhereTheLastEnds() throws Exception {
        List<SegmentClaim> claims = run(4);
        SegmentClaim joined = SegmentChain.join(claims);
        assertEquals(claims.get(0).pre(), joined.pre());
        assertEquals(claims.get(3).post(), joined.post());
        assertTrue(joined.halted());
        assertEquals(5, joined.exitCode());
        assertArrayEquals(new byte[32], joined.journalDigest());
    }

    @Test
    void segmentsSwappedDroppedOrDuplicatedDoNotChain() {
        List<SegmentClaim> claims = run(4);
        assertEquals("segment 1: pre_state does not match segment 0's post_state (pc 0x00010008 vs 0x00010004, memory root "
                        + claims.get(2).pre().root().toHex().substring(0, 12) + "… vs "
                        + claims.get(0).post().root().toHex().substring(0, 12) + "…)",
                rejection(List.of(claims.get(0), claims.get(2), claims.get(1), claims.get(3))));
        assertTrue(rejection(List.of(claims.get(0), claims.get(2), claims.get(3)))
                .startsWith("segment 1: pre_state does not match segment 0's post_state"));
        assertTrue(rejection(List.of(claims.get(0), claims.get(1), claims.get(1), claims.get(2), claims.get(3)))
                .startsWith("segment 2: pre_state does not match segment 1's post_state"));
    }

    @Test
    void onlyTheLastSegmentMayHalt() {
        List<SegmentClaim> claims = run(3);
        SegmentClaim halting = claims.get(1);
        List<SegmentClaim> early = List.of(claims.get(0),
                new SegmentClaim(halting.pre(), halting.post(), true, 0, new byte[32]), claims.get(2));
        assertEquals("segment 1 halted but is not the last of 3 segments", rejection(early));
    }

    @Test
    void aRunHasSegments() {
        assertEquals("no segments", rejection(List.of()));
    }

    @Test
    void aStateWithAnotherMemoryRootDoesNotChain() {
        List<SegmentClaim> claims = run(2);
        SegmentClaim second = claims.get(1);
        SystemState forged = new SystemState(second.pre().pc(), synthetic.digest());
        String reason = rejection(List.of(claims.get(0), new SegmentClaim(forged, second.post(), true, 5, new byte[32])));
        assertTrue(reason.endsWith("(memory root " + forged.root().toHex().substring(0, 12) + "… vs "
                + second.pre().root().toHex().substring(0, 12) + "…)"), reason);
    }
}
