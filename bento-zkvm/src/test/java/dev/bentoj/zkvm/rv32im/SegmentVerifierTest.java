package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.exec.GuestMemoryMap;
import dev.bentoj.zkvm.exec.TestPrograms;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.stark.VerificationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.function.UnaryOperator;

import static dev.bentoj.zkvm.exec.Asm.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One honest segment proof, and its tampered twins at the receipt level (rv32im-air.md §8,
 * checklist rows 23–25): every listed field the verifier recomputes from, changed in turn.
 */
class SegmentVerifierTest {
    static SegmentProof honest;
    static SegmentClaim claim;

    @BeforeAll
    static void prove() throws Exception {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(8, TestPrograms.DATA_BASE + 64)).add(li(5, 1234)).add(sw(5, 8, 0), lw(6, 8, 0));
        c.add(li(10, TestPrograms.DATA_BASE + 96)).add(li(11, 6)).add(li(17, 1)).add(ecall());
        c.add(addi(10, 0, 3)).haltWithA0();
        Proving.Run run = Proving.prove(TestPrograms.program(c, new byte[128]), "input!".getBytes(), 16);
        honest = run.proofs().get(0);
        claim = Proving.VERIFIER.verify(honest);
    }

    static SegmentProof with(UnaryOperator<Object[]> change) {
        Object[] f = {honest.po2(), honest.prePc(), honest.postPc(), honest.halted(), honest.exitCode(),
            honest.digestPtr(), honest.pageIndices().clone(), deep(honest.pagesBefore()), deep(honest.pagesAfter()),
            honest.siblings().clone(), honest.stark().clone()};
        f = change.apply(f);
        return new SegmentProof((int) f[0], (int) f[1], (int) f[2], (boolean) f[3], (int) f[4], (int) f[5],
                (int[]) f[6], (int[][]) f[7], (int[][]) f[8], (Digest[]) f[9], (byte[]) f[10]);
    }

    static int[][] deep(int[][] a) {
        return Arrays.stream(a).map(int[]::clone).toArray(int[][]::new);
    }

    static String rejected(SegmentProof p) {
        return assertThrows(VerificationException.class, () -> Proving.VERIFIER.verify(p)).getMessage();
    }

    @Test
    void honestProofGivesTheClaim() {
        assertTrue(claim.halted());
        assertEquals(3, claim.exitCode());
        assertArrayEquals(java.util.HexFormat.of().parseHex(
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), claim.journalDigest());
        assertEquals(honest.prePc(), claim.pre().pc());
    }

    @Test
    void exitCodeChanged() {
        rejected(with(f -> {
            f[4] = 0;
            return f;
        }));
    }

    @Test
    void haltedFlagDropped() {
        rejected(with(f -> {
            f[3] = false;
            f[4] = 0;
            f[5] = 0;
            return f;
        }));
    }

    @Test
    void digestPointerMoved() {
        rejected(with(f -> {
            f[5] = (int) f[5] + 4;
            return f;
        }));
        rejected(with(f -> {
            f[5] = (int) f[5] + 2;
            return f;
        }));
    }

    @Test
    void boundaryPcsChanged() {
        rejected(with(f -> {
            f[1] = (int) f[1] + 4;
            return f;
        }));
        rejected(with(f -> {
            f[2] = (int) f[2] + 4;
            return f;
        }));
    }

    @Test
    void po2Changed() {
        rejected(with(f -> {
            f[0] = 17;
            return f;
        }));
        assertTrue(rejected(with(f -> {
            f[0] = 25;
            return f;
        })).contains("po2"));
    }

    @Test
    void pageOmitted() {
        rejected(with(f -> {
            int[] idx = (int[]) f[6];
            f[6] = Arrays.copyOfRange(idx, 1, idx.length);
            f[7] = Arrays.copyOfRange((int[][]) f[7], 1, idx.length);
            f[8] = Arrays.copyOfRange((int[][]) f[8], 1, idx.length);
            return f;
        }));
    }

    @Test
    void pageListedTwice() {
        assertTrue(rejected(with(f -> {
            int[] idx = (int[]) f[6];
            int[] twice = new int[idx.length + 1];
            twice[0] = idx[0];
            System.arraycopy(idx, 0, twice, 1, idx.length);
            f[6] = twice;
            int[][] b = (int[][]) f[7];
            int[][] a = (int[][]) f[8];
            int[][] b2 = new int[b.length + 1][];
            int[][] a2 = new int[a.length + 1][];
            b2[0] = b[0];
            a2[0] = a[0];
            System.arraycopy(b, 0, b2, 1, b.length);
            System.arraycopy(a, 0, a2, 1, a.length);
            f[7] = b2;
            f[8] = a2;
            return f;
        })).contains("strictly increasing"));
    }

    @Test
    void pageOutsideTheGuest() {
        assertTrue(rejected(with(f -> {
            ((int[]) f[6])[0] = 0x3f;
            return f;
        })).contains("neither a guest page"));
    }

    @Test
    void forgedSibling() {
        rejected(with(f -> {
            Digest[] s = (Digest[]) f[9];
            int[] e = s[3].toCanonical();
            e[0] = (e[0] + 1) % dev.bentoj.zkvm.field.BabyBear.P;
            s[3] = Digest.fromCanonical(e);
            return f;
        }));
    }

    @Test
    void siblingDroppedOrAdded() {
        assertTrue(rejected(with(f -> {
            Digest[] s = (Digest[]) f[9];
            f[9] = Arrays.copyOf(s, s.length - 1);
            return f;
        })).contains("siblings"));
        assertTrue(rejected(with(f -> {
            Digest[] s = (Digest[]) f[9];
            f[9] = Arrays.copyOf(s, s.length + 1);
            ((Digest[]) f[9])[s.length] = s[0];
            return f;
        })).contains("siblings"));
    }

    @Test
    void wordBeforeOrAfterChanged() {
        rejected(with(f -> {
            ((int[][]) f[7])[0][5] ^= 1;
            return f;
        }));
        rejected(with(f -> {
            ((int[][]) f[8])[0][5] ^= 1;
            return f;
        }));
    }

    @Test
    void x0NotZero() {
        assertTrue(rejected(with(f -> {
            int[] idx = (int[]) f[6];
            int sys = Arrays.binarySearch(idx, GuestMemoryMap.SYSTEM_PAGE);
            ((int[][]) f[7])[sys][0] = 5;
            ((int[][]) f[8])[sys][0] = 5;
            return f;
        })).contains("x0"));
    }

    @Test
    void proofBytesFlipped() {
        for (int at : new int[] {200, honest.stark().length / 2, honest.stark().length - 5}) {
            rejected(with(f -> {
                ((byte[]) f[10])[at] ^= 0x10;
                return f;
            }));
        }
    }

    @Test
    void proofTruncated() {
        rejected(with(f -> {
            f[10] = Arrays.copyOf((byte[]) f[10], ((byte[]) f[10]).length - 1);
            return f;
        }));
    }
}
