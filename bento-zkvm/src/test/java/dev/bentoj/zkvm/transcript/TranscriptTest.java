package dev.bentoj.zkvm.transcript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.Poseidon2;
import dev.bentoj.zkvm.hash.Poseidon2Hasher;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TranscriptTest {

    private static final byte[] PROTOCOL_ID = "bento-zkvm/stark/v1".getBytes(StandardCharsets.US_ASCII);

    private static Transcript started() {
        Transcript t = new Transcript();
        t.absorbBytes(PROTOCOL_ID);
        return t;
    }

    @Test
    void protocolIdVectorFromTheSpec() {
        Transcript t = started();
        assertEquals(223352242, BabyBear.fromMont(t.sampleBase()));
        assertEquals(1806423112, BabyBear.fromMont(t.sampleBase()));
    }

    /** The same vector from a direct reading of §3.2, one permutation by hand. */
    @Test
    void absorbBytesIsLengthThenLittleEndianThreeByteChunksInOneDuplex() {
        // 19 bytes: length + 7 chunks = 8 inputs, one duplex when sampling
        int[] s = new int[24];
        s[16] = BabyBear.toMont(Poseidon2Hasher.TRANSCRIPT);
        s[0] = BabyBear.toMont(PROTOCOL_ID.length);
        for (int i = 0, c = 1; i < PROTOCOL_ID.length; i += 3, c++) {
            int chunk = 0;
            for (int b = 0; b < 3 && i + b < PROTOCOL_ID.length; b++) {
                chunk |= (PROTOCOL_ID[i + b] & 0xff) << (8 * b);
            }
            s[c] = BabyBear.toMont(chunk);
        }
        s[23] = BabyBear.toMont(8);
        Poseidon2.T24.permute(s);
        Transcript t = started();
        for (int i = 0; i < 16; i++) {
            assertEquals(s[i], t.sampleBase(), "output " + i);
        }
        // outputs exhausted: the next draw permutes again with no input and no counter change
        Poseidon2.T24.permute(s);
        assertEquals(s[0], t.sampleBase());
    }

    @Test
    void sixteenObservationsDuplexAtOnceAndAddSixteenToTheCounter() {
        Transcript t = new Transcript();
        int[] s = new int[24];
        s[16] = BabyBear.toMont(Poseidon2Hasher.TRANSCRIPT);
        for (int i = 0; i < 16; i++) {
            t.observeCanonical(100 + i);
            s[i] = BabyBear.toMont(100 + i);
        }
        s[23] = BabyBear.toMont(16);
        Poseidon2.T24.permute(s);
        assertEquals(s[0], t.sampleBase());
        assertEquals(s[1], t.sampleBase());
    }

    @Test
    void sameOperationsGiveSameChallenges() {
        Transcript a = started();
        Transcript b = started();
        for (int i = 0; i < 40; i++) {
            a.observeCanonical(i * 7919);
            b.observeCanonical(i * 7919);
            if (i % 13 == 0) {
                assertEquals(a.sampleExt(), b.sampleExt());
            }
        }
        assertEquals(a.sampleBase(), b.sampleBase());
        assertEquals(a.sampleBits(20), b.sampleBits(20));
    }

    @Test
    void copyIsIndependentAndContinuesIdentically() {
        Transcript a = started();
        a.observeCanonical(5);
        Transcript b = a.copy();
        int fromA = a.sampleBase();
        assertEquals(fromA, b.sampleBase());
        a.observeCanonical(6);
        b.observeCanonical(7);
        assertNotEquals(a.sampleBase(), b.sampleBase());
    }

    @Test
    void observationOrderMatters() {
        Transcript a = started();
        a.observeCanonical(1);
        a.observeCanonical(2);
        Transcript b = started();
        b.observeCanonical(2);
        b.observeCanonical(1);
        assertNotEquals(a.sampleBase(), b.sampleBase());
    }

    @Test
    void observingAfterSamplingChangesLaterChallenges() {
        Transcript a = started();
        Transcript b = started();
        a.sampleBase();
        b.sampleBase();
        a.observeCanonical(0);
        assertNotEquals(a.sampleBase(), b.sampleBase());
    }

    @Test
    void trailingZeroInputIsNotPadding() {
        // the counter in s[23] separates (x) from (x, 0)
        Transcript a = started();
        a.observeCanonical(9);
        Transcript b = started();
        b.observeCanonical(9);
        b.observeCanonical(0);
        assertNotEquals(a.sampleBase(), b.sampleBase());
    }

    @Test
    void absorbBytesDistinguishesLengths() {
        Transcript a = new Transcript();
        a.absorbBytes(new byte[] {1, 2});
        Transcript b = new Transcript();
        b.absorbBytes(new byte[] {1, 2, 0});
        assertNotEquals(a.sampleBase(), b.sampleBase());
    }

    @Test
    void digestAndExtAreObservedCellByCell() {
        Digest d = Digest.fromCanonical(1, 2, 3, 4, 5, 6, 7, 8);
        Ext e = Ext.fromCanonical(9, 10, 11, 12);
        Transcript a = started();
        a.observeDigest(d);
        a.observeExt(e);
        Transcript b = started();
        for (int i = 1; i <= 12; i++) {
            b.observeCanonical(i);
        }
        assertEquals(a.sampleExt(), b.sampleExt());
    }

    @Test
    void sampleExtIsFourBaseDraws() {
        Transcript a = started();
        Transcript b = started();
        Ext e = a.sampleExt();
        assertEquals(e, new Ext(b.sampleBase(), b.sampleBase(), b.sampleBase(), b.sampleBase()));
    }

    @Test
    void nonCanonicalInputsAreRejected() {
        Transcript t = new Transcript();
        assertThrows(IllegalArgumentException.class, () -> t.observeCanonical(BabyBear.P));
        assertThrows(IllegalArgumentException.class, () -> t.observeCanonical(-1));
        assertThrows(IllegalArgumentException.class, () -> t.observe(BabyBear.P));
        assertThrows(IllegalArgumentException.class, () -> t.sampleBits(28));
        assertThrows(IllegalArgumentException.class, () -> t.sampleBits(-1));
    }

    @Test
    void sampleBitsStaysInRangeAndLooksUniform() {
        Transcript t = started();
        int bits = 4;
        int draws = 16_000;
        int[] counts = new int[1 << bits];
        for (int i = 0; i < draws; i++) {
            int v = t.sampleBits(bits);
            assertTrue(v >= 0 && v < 1 << bits, "draw " + v);
            counts[v]++;
        }
        // chi-square with 15 degrees of freedom: 40 is beyond the 0.9995 quantile
        double expected = (double) draws / counts.length;
        double chi2 = 0;
        for (int c : counts) {
            chi2 += (c - expected) * (c - expected) / expected;
        }
        assertTrue(chi2 < 40, "chi-square " + chi2);
        for (int b : new int[] {0, 1, 13, 27}) {
            for (int i = 0; i < 200; i++) {
                int v = t.sampleBits(b);
                assertTrue(v >= 0 && v < 1 << b, b + " bits gave " + v);
            }
        }
        assertEquals(0, t.sampleBits(0));
    }

    @Test
    void sampleBitsIsTheLowBitsOfTheCanonicalDraw() {
        Transcript a = started();
        Transcript b = started();
        for (int i = 0; i < 50; i++) {
            int x = BabyBear.fromMont(b.sampleBase());
            // p − 1 never appears in 50 draws with overwhelming probability; the test would
            // then fail loudly rather than pass wrongly
            assertNotEquals(BabyBear.P - 1, x);
            assertEquals(x & ((1 << 17) - 1), a.sampleBits(17));
        }
    }

    @Test
    void grindAndCheckGrindAgree() {
        for (int buffered = 0; buffered < 17; buffered += 5) {
            Transcript prover = started();
            for (int i = 0; i < buffered; i++) {
                prover.observeCanonical(i);
            }
            Transcript verifier = prover.copy();
            int nonce = prover.grind(8);
            assertTrue(nonce >= 0 && nonce < BabyBear.P);
            assertTrue(verifier.checkGrind(8, nonce));
            assertEquals(prover.sampleBase(), verifier.sampleBase());
        }
    }

    @Test
    void grindFindsTheSmallestNonce() {
        Transcript prover = started();
        Transcript probe = prover.copy();
        int nonce = prover.grind(6);
        for (int v = 0; v < nonce; v++) {
            assertFalse(probe.copy().checkGrind(6, v), "nonce " + v + " also passes");
        }
    }

    @Test
    void parallelGrindMatchesTheSequentialDefinition() {
        Transcript prover = started();
        prover.observeCanonical(42);
        Transcript verifier = prover.copy();
        Transcript probe = prover.copy();
        int nonce = prover.grind(14);
        assertTrue(verifier.checkGrind(14, nonce));
        // the smallest: check a window below it
        for (int v = Math.max(0, nonce - 2000); v < nonce; v++) {
            assertFalse(probe.copy().checkGrind(14, v), "smaller nonce " + v + " passes");
        }
    }

    @Test
    void wrongNonceFailsCheckGrind() {
        Transcript prover = started();
        Transcript verifier = prover.copy();
        int nonce = prover.grind(12);
        int failures = 0;
        for (int delta = 1; delta <= 8; delta++) {
            if (!verifier.copy().checkGrind(12, nonce + delta)) {
                failures++;
            }
        }
        assertTrue(failures >= 7, "a wrong nonce passed " + (8 - failures) + " times in 8");
        assertFalse(verifier.copy().checkGrind(12, BabyBear.P));
        assertFalse(verifier.copy().checkGrind(12, -1));
    }

    @Test
    void zeroBitsGrindDoesNothing() {
        Transcript a = started();
        Transcript b = started();
        assertEquals(0, a.grind(0));
        assertTrue(b.checkGrind(0, 0));
        assertFalse(b.copy().checkGrind(0, 1));
        assertEquals(a.sampleBase(), b.sampleBase());
    }
}
