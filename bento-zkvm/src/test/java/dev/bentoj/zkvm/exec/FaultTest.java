package dev.bentoj.zkvm.exec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static dev.bentoj.zkvm.exec.Asm.addi;
import static dev.bentoj.zkvm.exec.Asm.ecall;
import static dev.bentoj.zkvm.exec.Asm.jal;
import static dev.bentoj.zkvm.exec.Asm.jalr;
import static dev.bentoj.zkvm.exec.Asm.li;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every fault of the guest ABI: the run ends with a {@link GuestFault} whose pc is the faulting
 * instruction's address (for a bad jump: the target whose fetch fails) and whose message names
 * the pc and the reason.
 */
class FaultTest {
    private static final int A0 = 10;
    private static final int A1 = 11;
    private static final int A7 = 17;
    /** An address inside guest memory with a word of data (TestPrograms' data segment). */
    private static final int DATA = TestPrograms.DATA_BASE + 32;

    // ---------------------------------------------------------------- helpers

    /** Runs the program (with 8 data bytes) and returns its fault, failing if it does not fault. */
    private static GuestFault faultOf(TestPrograms.Code c, ExecutorOptions options) {
        return assertThrows(GuestFault.class,
                () -> new Executor(TestPrograms.program(c, new byte[8]), new byte[0], options).run());
    }

    /** Asserts the fault happened at {@code pc} for a reason containing every {@code reasonParts}. */
    private static void assertFault(TestPrograms.Code c, int pc, String... reasonParts) {
        assertFault(c, ExecutorOptions.defaults(), pc, reasonParts);
    }

    private static void assertFault(TestPrograms.Code c, ExecutorOptions options, int pc, String... reasonParts) {
        GuestFault f = faultOf(c, options);
        assertEquals(pc, f.pc(), () -> String.format("fault pc 0x%08x, expected 0x%08x (%s)", f.pc(), pc, f.getMessage()));
        String prefix = String.format("guest fault at pc 0x%08x: ", pc);
        assertTrue(f.getMessage().startsWith(prefix), () -> "message '" + f.getMessage() + "' should start with '" + prefix + "'");
        assertEquals(prefix + f.reason(), f.getMessage());
        for (String part : reasonParts) {
            assertTrue(f.reason().contains(part), () -> "reason '" + f.reason() + "' should contain '" + part + "'");
        }
    }

    private static String hex(int v) {
        return String.format("0x%08x", v);
    }

    /** Code that puts {@code addr} in t0 then runs {@code insn}; returns the code and insn's pc. */
    private static TestPrograms.Code withBase(int addr, int insn, int[] pcOut) {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(5, addr));
        c.add(li(6, 0x1234_5678));
        pcOut[0] = c.here();
        c.add(insn);
        c.add(addi(A0, 0, 0));
        c.haltWithA0();
        return c;
    }

    // ---------------------------------------------------------------- misaligned data accesses

    static Stream<Arguments> misalignedAccesses() {
        return Stream.of(
                Arguments.of("LW", Asm.lw(A0, 5, 0), DATA + 1, "misaligned 4-byte load"),
                Arguments.of("LW", Asm.lw(A0, 5, 0), DATA + 2, "misaligned 4-byte load"),
                Arguments.of("LW", Asm.lw(A0, 5, 0), DATA + 3, "misaligned 4-byte load"),
                Arguments.of("LW", Asm.lw(A0, 5, 3), DATA, "misaligned 4-byte load"),
                Arguments.of("LH", Asm.lh(A0, 5, 0), DATA + 1, "misaligned 2-byte load"),
                Arguments.of("LH", Asm.lh(A0, 5, 0), DATA + 3, "misaligned 2-byte load"),
                Arguments.of("LHU", Asm.lhu(A0, 5, 0), DATA + 1, "misaligned 2-byte load"),
                Arguments.of("SW", Asm.sw(6, 5, 0), DATA + 2, "misaligned 4-byte store"),
                Arguments.of("SW", Asm.sw(6, 5, 0), DATA + 1, "misaligned 4-byte store"),
                Arguments.of("SW", Asm.sw(6, 5, -1), DATA, "misaligned 4-byte store"),
                Arguments.of("SH", Asm.sh(6, 5, 0), DATA + 1, "misaligned 2-byte store"),
                Arguments.of("SH", Asm.sh(6, 5, 0), DATA + 3, "misaligned 2-byte store"));
    }

    @ParameterizedTest(name = "{0} at offset {2}")
    @MethodSource("misalignedAccesses")
    void misalignedLoadsAndStoresFault(String op, int insn, int base, String reason) {
        int[] pc = new int[1];
        TestPrograms.Code c = withBase(base, insn, pc);
        int addr = base + effectiveOffset(insn);
        assertFault(c, pc[0], reason, "at " + hex(addr));
    }

    /** The immediate of a load or store word. */
    private static int effectiveOffset(int insn) {
        boolean store = (insn & 0x7f) == 0x23;
        return store ? ((insn >> 25) << 5) | ((insn >>> 7) & 31) : insn >> 20;
    }

    @Test
    void byteAccessesAtAnyOffsetDoNotFault() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(5, DATA + 3));
        c.add(Asm.lb(6, 5, 0), Asm.lbu(6, 5, 0), Asm.sb(6, 5, 0), Asm.lh(6, 5, -1), Asm.sh(6, 5, -1));
        c.add(addi(A0, 0, 0));
        c.haltWithA0();
        assertEquals(0, TestPrograms.exitCode(c));
    }

    // ---------------------------------------------------------------- accesses outside guest memory

    static Stream<Arguments> outOfRangeAccesses() {
        int[] addresses = {0, 0x8000, 0xFFFC, 0x0C00_0000, 0x0C00_0004, 0x1000_0000, 0x8000_0000, 0xFFFF_0000,
                0xFFFF_0028 /* a0 in the register page */, 0xFFFF_FFFC};
        Stream.Builder<Arguments> b = Stream.builder();
        for (int addr : addresses) {
            b.add(Arguments.of("LW", Asm.lw(A0, 5, 0), addr, "4-byte load at " + hex(addr) + " outside guest memory"));
            b.add(Arguments.of("LHU", Asm.lhu(A0, 5, 0), addr, "2-byte load at " + hex(addr) + " outside guest memory"));
            b.add(Arguments.of("LB", Asm.lb(A0, 5, 0), addr, "1-byte load at " + hex(addr) + " outside guest memory"));
            b.add(Arguments.of("SW", Asm.sw(6, 5, 0), addr, "4-byte store at " + hex(addr) + " outside guest memory"));
            b.add(Arguments.of("SH", Asm.sh(6, 5, 0), addr, "2-byte store at " + hex(addr) + " outside guest memory"));
            b.add(Arguments.of("SB", Asm.sb(6, 5, 0), addr, "1-byte store at " + hex(addr) + " outside guest memory"));
        }
        // Just below the guest range, reached through a negative immediate.
        b.add(Arguments.of("LB", Asm.lb(A0, 5, -1), 0x0001_0000, "1-byte load at 0x0000ffff outside guest memory"));
        b.add(Arguments.of("SB", Asm.sb(6, 5, 1), 0x0BFF_FFFF, "1-byte store at 0x0c000000 outside guest memory"));
        return b.build();
    }

    @ParameterizedTest(name = "{0} at {2}")
    @MethodSource("outOfRangeAccesses")
    void accessesOutsideGuestMemoryFault(String op, int insn, int base, String reason) {
        int[] pc = new int[1];
        TestPrograms.Code c = withBase(base, insn, pc);
        assertFault(c, pc[0], reason);
    }

    @Test
    void theEdgesOfGuestMemoryAreAccessible() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(5, 0x0BFF_FFFC));
        c.add(li(6, 0x0102_0304));
        c.add(Asm.sw(6, 5, 0));
        c.add(Asm.lbu(7, 5, 3));                 // the last guest byte: 0x01
        c.add(Asm.sb(6, 2, -1));                 // sp = 0x0C000000 at start: byte 0x0BFFFFFF
        c.add(li(5, 0x0001_0000));
        c.add(Asm.lw(28, 5, 0));                 // the first guest word (code)
        c.add(Asm.lbu(A0, 2, -1));              // 0x04
        c.add(Asm.add(A0, A0, 7));              // 0x05
        c.haltWithA0();
        assertEquals(5, TestPrograms.exitCode(c));
    }

    // ---------------------------------------------------------------- bad jumps

    @ParameterizedTest(name = "jalr to {0}")
    @ValueSource(ints = {0x0001_0002, 0x0001_0006, 0x0002_0002, 0x0C00_0002})
    void jumpingToAMisalignedTargetFaultsAtTheTargetFetch(int target) {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(5, target));
        c.add(jalr(1, 5, 0));
        c.haltWithA0();
        assertFault(c, target, "misaligned instruction fetch");
    }

    @Test
    void aJalOrBranchToAHalfWordTargetFaultsAtTheTarget() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(Asm.fence());
        int pc = c.here();
        c.add(jal(0, 6));
        c.haltWithA0();
        assertFault(c, pc + 6, "misaligned instruction fetch");

        TestPrograms.Code b = new TestPrograms.Code();
        int bpc = b.here();
        b.add(Asm.beq(0, 0, 10));
        b.haltWithA0();
        assertFault(b, bpc + 10, "misaligned instruction fetch");
    }

    @Test
    void jalrClearsBitZeroBeforeTheAlignmentCheck() {
        // Target 0x00010003: bit 0 is cleared, leaving 0x00010002, which is still misaligned.
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(5, 0x0001_0003));
        c.add(jalr(1, 5, 0));
        c.haltWithA0();
        assertFault(c, 0x0001_0002, "misaligned instruction fetch");
    }

    @Test
    void aNotTakenBranchToAMisalignedTargetDoesNotFault() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(addi(5, 0, 1));
        c.add(Asm.beq(5, 0, 6));
        c.add(addi(A0, 0, 0));
        c.haltWithA0();
        assertEquals(0, TestPrograms.exitCode(c));
    }

    @ParameterizedTest(name = "jump to {0}")
    @ValueSource(ints = {0, 0x0000_FFFC, 0x0C00_0000, 0x1000_0000, 0x8000_0000, 0xFFFF_0000, 0xFFFF_FFFC})
    void jumpingOutsideGuestMemoryFaultsAtTheTargetFetch(int target) {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(5, target));
        c.add(jalr(1, 5, 0));
        c.haltWithA0();
        assertFault(c, target, "instruction fetch outside guest memory");
    }

    @Test
    void executingPastTheLastGuestWordFaults() {
        // A jump to the last guest word, which holds 0: an illegal instruction there.
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(5, 0x0BFF_FFFC));
        c.add(li(6, addi(0, 0, 0)));            // a nop at the last word
        c.add(Asm.sw(6, 5, 0));
        c.add(jalr(0, 5, 0));
        assertFault(c, 0x0C00_0000, "instruction fetch outside guest memory");
    }

    // ---------------------------------------------------------------- illegal instructions

    static Stream<Arguments> illegalInstructions() {
        return Stream.of(
                Arguments.of("all zeros", 0x0000_0000),
                Arguments.of("all ones", 0xFFFF_FFFF),
                Arguments.of("compressed c.li a0, 0", 0x0000_4501),
                Arguments.of("compressed c.addi4spn", 0x0000_0040),
                Arguments.of("csrrw x0, 0, x0", 0x0000_1073),
                Arguments.of("rdcycle a0", 0xC000_2573),
                Arguments.of("csrrwi", 0x0000_5073),
                Arguments.of("fadd.s", 0x0000_0053),
                Arguments.of("flw", 0x0000_2007),
                Arguments.of("fsw", 0x0000_2027),
                Arguments.of("fmadd.s", 0x0000_0043),
                Arguments.of("amoadd.w", 0x0000_202F),
                Arguments.of("lr.w", 0x1005_252F),
                Arguments.of("fence.i", 0x0000_100F),
                Arguments.of("mret", 0x3020_0073),
                Arguments.of("wfi", 0x1050_0073),
                Arguments.of("ecall with rd set", 0x0000_00F3),
                Arguments.of("slli with bit 25 set", Asm.slli(A0, A0, 1) | (1 << 25)),
                Arguments.of("slli with funct7 0x20", Asm.slli(A0, A0, 1) | (0x20 << 25)),
                Arguments.of("srli with bit 25 set", Asm.srli(A0, A0, 1) | (1 << 25)),
                Arguments.of("srai with bit 25 set", Asm.srai(A0, A0, 1) | (1 << 25)),
                Arguments.of("srli with funct7 0x40", Asm.srli(A0, A0, 1) | (0x40 << 25)),
                Arguments.of("add with funct7 0x02", Asm.r(0x02, 6, 5, 0, A0, 0x33)),
                Arguments.of("add with funct7 0x40", Asm.r(0x40, 6, 5, 0, A0, 0x33)),
                Arguments.of("sll with funct7 0x20", Asm.r(0x20, 6, 5, 1, A0, 0x33)),
                Arguments.of("xor with funct7 0x20", Asm.r(0x20, 6, 5, 4, A0, 0x33)),
                Arguments.of("mul with funct7 0x21", Asm.r(0x21, 6, 5, 0, A0, 0x33)),
                Arguments.of("jalr with funct3 1", 0x0000_1067),
                Arguments.of("branch funct3 2", 0x0000_2063),
                Arguments.of("branch funct3 3", 0x0000_3063),
                Arguments.of("ld (funct3 3)", 0x0000_3003),
                Arguments.of("lwu (funct3 6)", 0x0000_6003),
                Arguments.of("load funct3 7", 0x0000_7003),
                Arguments.of("sd (funct3 3)", 0x0000_3023),
                Arguments.of("store funct3 4", 0x0000_4023),
                Arguments.of("addiw (OP-IMM-32)", 0x0000_001B),
                Arguments.of("addw (OP-32)", 0x0000_003B),
                Arguments.of("custom-0", 0x0000_000B),
                Arguments.of("opcode 0x7f", 0x0000_007F));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("illegalInstructions")
    void instructionsOutsideRv32imFault(String what, int insn) {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(addi(A0, 0, 1), addi(A0, A0, 1));
        int pc = c.here();
        c.add(insn);
        c.haltWithA0();
        assertFault(c, pc, String.format("illegal instruction 0x%08x", insn));
    }

    @Test
    void compressedPatternsAreNamedAsSuch() {
        TestPrograms.Code c = new TestPrograms.Code();
        int pc = c.here();
        c.add(0x0000_4501);
        c.haltWithA0();
        assertFault(c, pc, "illegal instruction 0x00004501", "compressed");
    }

    @Test
    void ebreakFaults() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(addi(A0, 0, 0));
        int pc = c.here();
        c.add(Asm.ebreak());
        c.haltWithA0();
        assertFault(c, pc, "ebreak");
    }

    @Test
    void aFaultStopsExecutionBeforeTheFaultingInstructionHasAnyEffect() {
        // A store that faults must not have written; nothing after it runs.
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(5, DATA + 2));
        c.add(li(6, -1));
        int pc = c.here();
        c.add(Asm.sw(6, 5, 0));
        c.add(addi(A0, 0, 0));
        c.haltWithA0();
        assertFault(c, pc, "misaligned 4-byte store at " + hex(DATA + 2));
    }

    // ---------------------------------------------------------------- system call buffers

    static Stream<Arguments> badBuffers() {
        return Stream.of(
                Arguments.of("READ", 1, 0x0BFF_FFF0, 32, "READ buffer"),
                Arguments.of("READ", 1, 0x0000_8000, 4, "READ buffer"),
                Arguments.of("READ", 1, 0x0000_FFFF, 2, "READ buffer"),
                Arguments.of("READ", 1, 0xFFFF_0000, 4, "READ buffer"),
                Arguments.of("READ", 1, 0xFFFF_FFFF, 2, "READ buffer"),
                Arguments.of("READ", 1, 0x0BFF_0002, 0x7FFF_FFFF, "READ buffer"),
                Arguments.of("COMMIT", 2, 0x0BFF_FFF0, 32, "COMMIT buffer"),
                Arguments.of("COMMIT", 2, 0x0000_8000, 4, "COMMIT buffer"),
                Arguments.of("COMMIT", 2, DATA, 0xFFFF_FFFF, "COMMIT buffer"),
                Arguments.of("COMMIT", 2, DATA, 0x8000_0000, "COMMIT buffer"),
                Arguments.of("COMMIT", 2, 0xFFFF_FFF0, 0x20, "COMMIT buffer"),
                Arguments.of("COMMIT", 2, 0xFFFF_0000, 4, "COMMIT buffer"),
                Arguments.of("LOG", 3, 0x0BFF_FFF0, 32, "LOG buffer"),
                Arguments.of("LOG", 3, 0x0000_0000, 1, "LOG buffer"),
                Arguments.of("LOG", 3, DATA, 0xFFFF_FFFF, "LOG buffer"),
                Arguments.of("LOG", 3, 0xFFFF_FFF0, 0x20, "LOG buffer"),
                Arguments.of("HALT digest", 0, 0x0BFF_FFF0, 0, "HALT journal digest"),
                Arguments.of("HALT digest", 0, 0x0000_0000, 0, "HALT journal digest"),
                Arguments.of("HALT digest", 0, 0xFFFF_0000, 0, "HALT journal digest"),
                Arguments.of("HALT digest", 0, 0xFFFF_FFF0, 0, "HALT journal digest"));
    }

    @ParameterizedTest(name = "{0} [{2}, +{3})")
    @MethodSource("badBuffers")
    void systemCallBuffersLeavingGuestMemoryFault(String what, int call, int addr, int len, String reason) {
        TestPrograms.Code c = new TestPrograms.Code();
        if (call == 0) {                          // HALT: a0 = exit code, a1 = digest address
            c.add(li(A0, 0)).add(li(A1, addr));
        } else {
            c.add(li(A0, addr)).add(li(A1, len));
        }
        c.add(addi(A7, 0, call));
        int pc = c.here();
        c.add(ecall());
        c.haltWithA0();
        assertFault(c, pc, reason, hex(addr), "leaves guest memory");
    }

    @Test
    void systemCallBuffersEndingExactlyAtTheTopOfGuestMemoryAreAccepted() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(A0, 0x0BFF_FFF0)).add(li(A1, 16)).add(addi(A7, 0, 3)).add(ecall());     // LOG
        c.add(li(A0, 0x0BFF_FFF0)).add(li(A1, 16)).add(addi(A7, 0, 1)).add(ecall());     // READ
        c.add(li(A0, 0x0001_0000)).add(li(A1, 4)).add(addi(A7, 0, 3)).add(ecall());      // LOG
        c.add(addi(A0, 0, 0));
        c.haltWithA0();
        ExecutionResult r = new Executor(TestPrograms.program(c), new byte[] {1, 2}, ExecutorOptions.defaults()).run();
        assertEquals(20, r.log().length);
    }

    // ---------------------------------------------------------------- cycle limit

    /** addi, then haltWithA0 (li = 2, addi, ecall): 5 user cycles. */
    private static TestPrograms.Code fiveCycleProgram() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(addi(A0, 0, 0));
        c.haltWithA0();
        return c;
    }

    @Test
    void aProgramExactlyAtTheCycleLimitSucceeds() {
        ExecutionResult r = new Executor(TestPrograms.program(fiveCycleProgram()), new byte[0],
                ExecutorOptions.defaults().withCycleLimit(5)).run();
        assertEquals(0, r.exitCode());
        assertEquals(5, r.userCycles());
    }

    @Test
    void oneCycleOverTheLimitFaultsAtTheInstructionThatWouldExceedIt() {
        TestPrograms.Code c = fiveCycleProgram();
        int ecallPc = TestPrograms.CODE_BASE + 4 * 4;
        assertFault(c, ExecutorOptions.defaults().withCycleLimit(4), ecallPc, "cycle limit", "4 cycles");
    }

    @Test
    void anInfiniteLoopFaultsAtTheCycleLimit() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(addi(A0, 0, 0));
        int loop = c.here();
        c.add(jal(0, 0));
        assertFault(c, ExecutorOptions.defaults().withCycleLimit(100_000), loop, "cycle limit of 100000 cycles exceeded");
    }

    @Test
    void theCycleLimitCountsSystemCalls() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(addi(A7, 0, 3));
        c.add(li(A0, DATA));                      // 3 cycles so far
        int loop = c.here();
        c.add(ecall());                           // LOG of a1 = 0 bytes: 2 cycles a round
        c.add(jal(0, loop - c.here()));
        assertFault(c, ExecutorOptions.defaults().withCycleLimit(1001), loop, "cycle limit of 1001");
    }
}
