package dev.bentoj.zkvm.exec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Random;

import static dev.bentoj.zkvm.exec.Asm.add;
import static dev.bentoj.zkvm.exec.Asm.addi;
import static dev.bentoj.zkvm.exec.Asm.beq;
import static dev.bentoj.zkvm.exec.Asm.ecall;
import static dev.bentoj.zkvm.exec.Asm.jal;
import static dev.bentoj.zkvm.exec.Asm.li;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HALT, READ, COMMIT and LOG as {@code guest-abi.md} defines them. */
class SystemCallTest {
    private static final int HALT = 0;
    private static final int READ = 1;
    private static final int COMMIT = 2;
    private static final int LOG = 3;
    /** Where TestPrograms places the {@code data} bytes (after the empty journal's digest). */
    private static final int DATA = TestPrograms.DATA_BASE + 32;
    /** Zero-filled guest memory no segment loads: a destination for READ. */
    private static final int BUFFER = 0x0040_0000;
    private static final int A0 = 10;
    private static final int A1 = 11;
    private static final int A7 = 17;

    // ---------------------------------------------------------------- helpers

    /** Appends {@code a7 = call; a0 = arg0; a1 = arg1; ecall}. */
    private static void syscall(TestPrograms.Code c, int call, int arg0, int arg1) {
        c.add(li(A0, arg0)).add(li(A1, arg1)).add(addi(A7, 0, call)).add(ecall());
    }

    /** Appends a HALT with exit code {@code exit} and the digest at {@code digestAddr}. */
    private static void halt(TestPrograms.Code c, int exit, int digestAddr) {
        syscall(c, HALT, exit, digestAddr);
    }

    private static ExecutionResult run(TestPrograms.Code c, byte[] data, byte[] input) {
        return new Executor(TestPrograms.program(c, data), input, ExecutorOptions.defaults()).run();
    }

    private static ExecutionResult run(TestPrograms.Code c, byte[] data, byte[] input, int po2) {
        return new Executor(TestPrograms.program(c, data), input, ExecutorOptions.defaults().withPo2(po2)).run();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static byte[] padTo4(byte[] b) {
        return Arrays.copyOf(b, (b.length + 3) & ~3);
    }

    private static byte[] randomBytes(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /**
     * A program that READs once into BUFFER with max {@code max}, LOGs the bytes it got and
     * exits with the count.
     */
    private static TestPrograms.Code readOnceAndEcho(int max) {
        TestPrograms.Code c = new TestPrograms.Code();
        syscall(c, READ, BUFFER, max);
        c.add(add(20, A0, 0));                 // s4 = count
        c.add(li(A0, BUFFER)).add(add(A1, 20, 0)).add(addi(A7, 0, LOG)).add(ecall());
        c.add(add(A0, 20, 0));
        c.haltWithA0();
        return c;
    }

    /**
     * A program that READs with max {@code max} per call into consecutive memory until READ
     * returns 0, LOGs everything read, and exits with the total.
     */
    private static TestPrograms.Code readAllAndEcho(int max) {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(20, BUFFER));                 // s4 = write pointer
        int loop = c.here();
        c.add(add(A0, 20, 0)).add(li(A1, max)).add(addi(A7, 0, READ)).add(ecall());
        int exitBranch = c.here();
        c.add(beq(A0, 0, 0));                  // patched: to done
        c.add(add(20, 20, A0));
        c.add(jal(0, loop - c.here()));
        int done = c.here();
        c.add(li(A0, BUFFER));
        c.add(Asm.sub(A1, 20, A0));
        c.add(addi(A7, 0, LOG)).add(ecall());
        c.add(li(A0, BUFFER));
        c.add(Asm.sub(A0, 20, A0));
        c.haltWithA0();
        int[] words = c.words();
        words[(exitBranch - TestPrograms.CODE_BASE) / 4] = beq(A0, 0, done - exitBranch);
        return new TestPrograms.Code().add(words);
    }

    // ---------------------------------------------------------------- READ

    @Test
    void readCopiesAllRemainingInputWhenItFitsAndReturnsTheCount() {
        byte[] input = "hello".getBytes(StandardCharsets.US_ASCII);
        ExecutionResult r = run(readOnceAndEcho(10), new byte[0], input);
        assertEquals(5, r.exitCode());
        assertArrayEquals(input, r.log());
    }

    @Test
    void readCopiesAtMostA1Bytes() {
        byte[] input = randomBytes(1, 20);
        ExecutionResult r = run(readOnceAndEcho(10), new byte[0], input);
        assertEquals(10, r.exitCode());
        assertArrayEquals(Arrays.copyOf(input, 10), r.log());
    }

    @Test
    void readReturnsZeroAtEndOfInput() {
        ExecutionResult r = run(readOnceAndEcho(10), new byte[0], new byte[0]);
        assertEquals(0, r.exitCode());
        assertEquals(0, r.log().length);
    }

    @Test
    void readWithZeroMaxCopiesNothing() {
        TestPrograms.Code c = new TestPrograms.Code();
        syscall(c, READ, BUFFER, 0);
        c.add(add(21, A0, 0));
        syscall(c, READ, BUFFER, 3);            // the input is still all there
        c.add(Asm.slli(A0, A0, 8)).add(add(A0, A0, 21));
        c.haltWithA0();
        assertEquals(3 << 8, run(c, new byte[0], new byte[] {1, 2, 3, 4}).exitCode());
    }

    @Test
    void successiveReadsContinueWhereThePreviousStoppedThenHitEndOfInput() {
        TestPrograms.Code c = new TestPrograms.Code();
        syscall(c, READ, BUFFER, 3);
        c.add(add(21, A0, 0));                  // 3
        syscall(c, READ, BUFFER + 3, 100);
        c.add(add(22, A0, 0));                  // 4
        syscall(c, READ, BUFFER + 7, 100);
        c.add(add(23, A0, 0));                  // 0
        c.add(li(A0, BUFFER)).add(li(A1, 8)).add(addi(A7, 0, LOG)).add(ecall());
        // exit code = count1 | count2 << 8 | count3 << 16
        c.add(Asm.slli(22, 22, 8)).add(Asm.slli(23, 23, 16));
        c.add(Asm.or(A0, 21, 22)).add(Asm.or(A0, A0, 23));
        c.haltWithA0();
        ExecutionResult r = run(c, new byte[0], new byte[] {1, 2, 3, 4, 5, 6, 7});
        assertEquals(3 | 4 << 8, r.exitCode());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 0}, r.log());
    }

    @Test
    void readToAnUnalignedDestinationWritesEveryByte() {
        byte[] input = randomBytes(2, 23);
        TestPrograms.Code c = new TestPrograms.Code();
        syscall(c, READ, BUFFER + 1, 23);
        c.add(li(A0, BUFFER)).add(li(A1, 25)).add(addi(A7, 0, LOG)).add(ecall());
        c.add(addi(A0, 0, 0));
        c.haltWithA0();
        ExecutionResult r = run(c, new byte[0], input);
        assertArrayEquals(concat(new byte[1], input, new byte[1]), r.log());
    }

    @Test
    void readCapsOneCallAt65535Bytes() {
        byte[] input = randomBytes(3, 100_000);
        ExecutionResult r = run(readOnceAndEcho(100_000), new byte[0], input);
        assertEquals(65_535, r.exitCode());
        assertArrayEquals(Arrays.copyOf(input, 65_535), r.log());
    }

    @Test
    void aLoopOfReadsGetsALargeInput() {
        byte[] input = randomBytes(4, 200_001);
        ExecutionResult r = run(readAllAndEcho(1 << 20), new byte[0], input);
        assertEquals(200_001, r.exitCode());
        assertArrayEquals(input, r.log());
    }

    @Test
    void aLoopOfReadsGetsALargeInputAcrossSmallSegments() {
        // At po2 12 one READ cannot write 65,535 bytes into a segment: the executor may return
        // fewer, and the loop still assembles the whole input.
        byte[] input = randomBytes(5, 100_003);
        ExecutionResult r = run(readAllAndEcho(65_535), new byte[0], input, 12);
        assertEquals(100_003, r.exitCode());
        assertArrayEquals(input, r.log());
        assertTrue(r.segments() > 1);
    }

    // ---------------------------------------------------------------- COMMIT, LOG, HALT

    @Test
    void commitAppendsToTheJournalAndHaltAcceptsItsDigest() {
        byte[] first = "journal:".getBytes(StandardCharsets.US_ASCII);
        byte[] second = "0123456789".getBytes(StandardCharsets.US_ASCII);
        byte[] journal = concat(first, second);
        byte[] payload = padTo4(concat(first, second));
        int digestAt = DATA + payload.length;
        byte[] data = concat(payload, sha256(journal));

        TestPrograms.Code c = new TestPrograms.Code();
        syscall(c, COMMIT, DATA, first.length);
        syscall(c, COMMIT, DATA + first.length, second.length);
        halt(c, 0, digestAt);
        ExecutionResult r = run(c, data, new byte[0]);
        assertEquals(0, r.exitCode());
        assertArrayEquals(journal, r.journal());
        assertEquals(0, r.log().length);
    }

    @Test
    void commitOfZeroBytesLeavesTheJournalEmpty() {
        TestPrograms.Code c = new TestPrograms.Code();
        syscall(c, COMMIT, DATA, 0);
        c.add(addi(A0, 0, 0));
        c.haltWithA0();
        ExecutionResult r = run(c, new byte[0], new byte[0]);
        assertEquals(0, r.journal().length);
    }

    @Test
    void logAppendsToTheLogAndNotToTheJournal() {
        byte[] a = "line one\n".getBytes(StandardCharsets.US_ASCII);
        byte[] b = "line two\n".getBytes(StandardCharsets.US_ASCII);
        byte[] data = padTo4(concat(a, b));
        TestPrograms.Code c = new TestPrograms.Code();
        syscall(c, LOG, DATA, a.length);
        syscall(c, LOG, DATA + a.length, b.length);
        c.add(addi(A0, 0, 0));
        c.haltWithA0();                         // the empty journal's digest: LOG did not commit
        ExecutionResult r = run(c, data, new byte[0]);
        assertArrayEquals(concat(a, b), r.log());
        assertEquals(0, r.journal().length);
    }

    @Test
    void haltWithTheEmptyJournalsDigestSucceeds() {
        TestPrograms.Code c = new TestPrograms.Code();
        halt(c, 0, TestPrograms.DATA_BASE);
        ExecutionResult r = run(c, new byte[0], new byte[0]);
        assertEquals(0, r.exitCode());
        assertEquals(6, r.userCycles());        // li a0 (2), li a1 (2), addi a7, ecall
    }

    @Test
    void aNonZeroExitCodeIsReportedNotAFault() {
        for (int exit : new int[] {1, 7, 255, -1, Integer.MIN_VALUE}) {
            TestPrograms.Code c = new TestPrograms.Code();
            halt(c, exit, TestPrograms.DATA_BASE);
            assertEquals(exit, run(c, new byte[0], new byte[0]).exitCode(), "exit code " + exit);
        }
    }

    @Test
    void haltReportsTheExitCodeAlongWithACommittedJournal() {
        byte[] journal = "result=42".getBytes(StandardCharsets.US_ASCII);
        byte[] payload = padTo4(journal);
        TestPrograms.Code c = new TestPrograms.Code();
        syscall(c, COMMIT, DATA, journal.length);
        halt(c, 3, DATA + payload.length);
        ExecutionResult r = run(c, concat(payload, sha256(journal)), new byte[0]);
        assertEquals(3, r.exitCode());
        assertArrayEquals(journal, r.journal());
    }

    @Test
    void haltWithAWrongDigestFaults() {
        byte[] journal = "abc".getBytes(StandardCharsets.US_ASCII);
        TestPrograms.Code c = new TestPrograms.Code();
        syscall(c, COMMIT, DATA, journal.length);
        int ecallPc = c.here() + 5 * 4;         // after li a0 (2), li a1 (2), addi a7
        halt(c, 0, TestPrograms.DATA_BASE);     // SHA-256 of "", not of "abc"
        GuestFault f = assertThrows(GuestFault.class, () -> run(c, padTo4(journal), new byte[0]));
        assertEquals(ecallPc, f.pc());
        assertTrue(f.reason().contains("digest does not match"), f.getMessage());
        assertTrue(f.reason().contains("3 committed bytes"), f.getMessage());
    }

    @Test
    void haltWithADigestOfOtherBytesFaults() {
        byte[] journal = "abc".getBytes(StandardCharsets.US_ASCII);
        byte[] payload = padTo4(journal);
        TestPrograms.Code c = new TestPrograms.Code();
        syscall(c, COMMIT, DATA, journal.length);
        halt(c, 0, DATA + payload.length);
        byte[] wrong = sha256("abd".getBytes(StandardCharsets.US_ASCII));
        GuestFault f = assertThrows(GuestFault.class, () -> run(c, concat(payload, wrong), new byte[0]));
        assertTrue(f.reason().contains("digest does not match"), f.getMessage());
    }

    @Test
    void haltWithAMisalignedDigestPointerFaults() {
        // The right digest, but two bytes into the data: the ABI requires 4-byte alignment.
        TestPrograms.Code c = new TestPrograms.Code();
        halt(c, 0, DATA + 2);
        byte[] data = concat(new byte[2], sha256(new byte[0]), new byte[2]);
        GuestFault f = assertThrows(GuestFault.class, () -> run(c, data, new byte[0]));
        assertTrue(f.reason().contains("not 4-byte aligned"), f.getMessage());
        assertTrue(f.reason().contains(String.format("0x%08x", DATA + 2)), f.getMessage());
    }

    @Test
    void unknownSystemCallNumbersFault() {
        for (int a7 : new int[] {4, 5, 93, 0x7FF, -1}) {
            TestPrograms.Code c = new TestPrograms.Code();
            c.add(li(A7, a7));
            int ecallPc = c.here();
            c.add(ecall());
            c.haltWithA0();
            GuestFault f = assertThrows(GuestFault.class, () -> run(c, new byte[0], new byte[0]), "a7 = " + a7);
            assertEquals(ecallPc, f.pc());
            assertTrue(f.reason().contains("unknown system call " + Integer.toUnsignedString(a7)), f.getMessage());
        }
    }

    @Test
    void systemCallsPreserveRegistersOtherThanA0() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(5, 0x1234_5678));
        syscall(c, LOG, DATA, 4);
        syscall(c, READ, BUFFER, 4);
        c.add(li(6, 0x1234_5678));
        c.add(Asm.sub(A0, 5, 6));               // 0 if t0 survived
        c.add(addi(7, 0, 4));
        c.add(Asm.sub(6, A1, 7));               // a1 still 4 → 0
        c.add(Asm.or(A0, A0, 6));
        c.add(addi(7, 0, READ));
        c.add(Asm.sub(6, A7, 7));               // a7 still READ → 0
        c.add(Asm.or(A0, A0, 6));
        c.haltWithA0();
        assertEquals(0, run(c, new byte[] {9, 9, 9, 9}, new byte[] {1, 2}).exitCode());
    }
}
