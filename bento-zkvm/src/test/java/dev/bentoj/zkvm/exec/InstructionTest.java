package dev.bentoj.zkvm.exec;

import dev.bentoj.zkvm.elf.Program;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.bentoj.zkvm.exec.Asm.add;
import static dev.bentoj.zkvm.exec.Asm.addi;
import static dev.bentoj.zkvm.exec.Asm.auipc;
import static dev.bentoj.zkvm.exec.Asm.ecall;
import static dev.bentoj.zkvm.exec.Asm.jal;
import static dev.bentoj.zkvm.exec.Asm.jalr;
import static dev.bentoj.zkvm.exec.Asm.li;
import static dev.bentoj.zkvm.exec.Asm.lui;
import static dev.bentoj.zkvm.exec.Asm.lw;
import static dev.bentoj.zkvm.exec.Asm.sw;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The semantics of every RV32IM instruction, one small program per case: operands go into
 * registers with {@code li}, the instruction writes a0, and the program halts with exit code a0.
 * Expected values are written out or derived with BigInteger, never with the executor's helpers.
 */
class InstructionTest {
    private static final int MIN = Integer.MIN_VALUE;
    private static final int MAX = Integer.MAX_VALUE;
    /** Where TestPrograms places the {@code data} bytes (after the empty journal's digest). */
    private static final int DATA = TestPrograms.DATA_BASE + 32;
    private static final int A0 = 10;

    @FunctionalInterface
    interface RType {
        int encode(int rd, int rs1, int rs2);
    }

    @FunctionalInterface
    interface IType {
        int encode(int rd, int rs1, int imm);
    }

    record RCase(String op, RType enc, int a, int b, int expected) {
        @Override
        public String toString() {
            return String.format("%s(0x%08x, 0x%08x) = 0x%08x", op, a, b, expected);
        }
    }

    record ICase(String op, IType enc, int a, int imm, int expected) {
        @Override
        public String toString() {
            return String.format("%s(0x%08x, %d) = 0x%08x", op, a, imm, expected);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static int runRType(RType op, int a, int b) {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(5, a)).add(li(6, b)).add(op.encode(A0, 5, 6)).haltWithA0();
        return TestPrograms.exitCode(c);
    }

    private static int runIType(IType op, int a, int imm) {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(5, a)).add(op.encode(A0, 5, imm)).haltWithA0();
        return TestPrograms.exitCode(c);
    }

    /** a7 = LOG of [addr, addr + len): lets a test see guest memory in the result's log. */
    static int[] logMemory(int addr, int len) {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(10, addr)).add(li(11, len)).add(addi(17, 0, 3)).add(ecall());
        return c.words();
    }

    private static int exitCode(Program program) {
        return new Executor(program, new byte[0], ExecutorOptions.defaults()).run().exitCode();
    }

    private static ExecutionResult run(TestPrograms.Code c, byte[] data) {
        return new Executor(TestPrograms.program(c, data), new byte[0], ExecutorOptions.defaults()).run();
    }

    private static byte[] le(int... words) {
        ByteBuffer b = ByteBuffer.allocate(4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : words) {
            b.putInt(w);
        }
        return b.array();
    }

    // ---------------------------------------------------------------- register-register ALU and M

    static Stream<RCase> registerCases() {
        return Stream.of(
                new RCase("ADD", Asm::add, 1, 2, 3),
                new RCase("ADD", Asm::add, MAX, 1, MIN),
                new RCase("ADD", Asm::add, 0xFFFF_FFFF, 1, 0),
                new RCase("ADD", Asm::add, MIN, MIN, 0),
                new RCase("ADD", Asm::add, -5, 3, -2),
                new RCase("SUB", Asm::sub, 0, 1, 0xFFFF_FFFF),
                new RCase("SUB", Asm::sub, MIN, 1, MAX),
                new RCase("SUB", Asm::sub, 5, 7, -2),
                new RCase("SUB", Asm::sub, 0, MIN, MIN),
                new RCase("SLL", Asm::sll, 1, 31, MIN),
                new RCase("SLL", Asm::sll, 0x1234_5678, 4, 0x2345_6780),
                new RCase("SLL", Asm::sll, 1, 32, 1),
                new RCase("SLL", Asm::sll, 1, 33, 2),
                new RCase("SLL", Asm::sll, 1, -1, MIN),
                new RCase("SLL", Asm::sll, 0xFFFF_FFFF, 0xFFFF_FFFC, 0xF000_0000),  // shift by 28
                new RCase("SLT", Asm::slt, -1, 0, 1),
                new RCase("SLT", Asm::slt, 0, -1, 0),
                new RCase("SLT", Asm::slt, MIN, MAX, 1),
                new RCase("SLT", Asm::slt, MAX, MIN, 0),
                new RCase("SLT", Asm::slt, 5, 5, 0),
                new RCase("SLTU", Asm::sltu, 0, 0xFFFF_FFFF, 1),
                new RCase("SLTU", Asm::sltu, 0xFFFF_FFFF, 0, 0),
                new RCase("SLTU", Asm::sltu, MAX, 0x8000_0000, 1),
                new RCase("SLTU", Asm::sltu, 0x8000_0000, MAX, 0),
                new RCase("SLTU", Asm::sltu, 5, 5, 0),
                new RCase("SLTU", Asm::sltu, 0, 1, 1),
                new RCase("XOR", Asm::xor, 0xFF00_FF00, 0x0FF0_0FF0, 0xF0F0_F0F0),
                new RCase("XOR", Asm::xor, 0x1234_5678, 0xFFFF_FFFF, 0xEDCB_A987),
                new RCase("OR", Asm::or, 0xFF00_FF00, 0x0FF0_0FF0, 0xFFF0_FFF0),
                new RCase("OR", Asm::or, 0, 0, 0),
                new RCase("AND", Asm::and, 0xFF00_FF00, 0x0FF0_0FF0, 0x0F00_0F00),
                new RCase("AND", Asm::and, 0x1234_5678, 0xFFFF_FFFF, 0x1234_5678),
                new RCase("SRL", Asm::srl, 0x8000_0000, 31, 1),
                new RCase("SRL", Asm::srl, 0x8000_0000, 4, 0x0800_0000),
                new RCase("SRL", Asm::srl, 0x8000_0000, 32, 0x8000_0000),
                new RCase("SRL", Asm::srl, 0x8000_0000, 33, 0x4000_0000),
                new RCase("SRL", Asm::srl, 0xF000_0000, -1, 1),
                new RCase("SRL", Asm::srl, 0xFFFF_FFFF, 0, 0xFFFF_FFFF),
                new RCase("SRA", Asm::sra, 0x8000_0000, 31, 0xFFFF_FFFF),
                new RCase("SRA", Asm::sra, 0x8000_0000, 4, 0xF800_0000),
                new RCase("SRA", Asm::sra, 0x8000_0000, 32, 0x8000_0000),
                new RCase("SRA", Asm::sra, 0x8000_0000, 33, 0xC000_0000),
                new RCase("SRA", Asm::sra, 0x8000_0000, -1, 0xFFFF_FFFF),
                new RCase("SRA", Asm::sra, MAX, -1, 0),
                new RCase("SRA", Asm::sra, 0x7FFF_FFF0, 4, 0x07FF_FFFF),
                new RCase("MUL", Asm::mul, 3, 4, 12),
                new RCase("MUL", Asm::mul, -3, 4, -12),
                new RCase("MUL", Asm::mul, -1, -1, 1),
                new RCase("MUL", Asm::mul, MIN, MIN, 0),
                new RCase("MUL", Asm::mul, MIN, -1, MIN),
                new RCase("MUL", Asm::mul, 0x0001_0000, 0x0001_0000, 0),
                new RCase("MUL", Asm::mul, 0x0001_0001, 0x0001_0001, 0x0002_0001),
                // MULH: high word of the signed 64-bit product
                new RCase("MULH", Asm::mulh, -1, -1, 0),
                new RCase("MULH", Asm::mulh, MIN, MIN, 0x4000_0000),
                new RCase("MULH", Asm::mulh, MIN, -1, 0),
                new RCase("MULH", Asm::mulh, 0xFFFF_FFFF, 0xFFFF_FFFF, 0),
                new RCase("MULH", Asm::mulh, MIN, MAX, 0xC000_0000),
                new RCase("MULH", Asm::mulh, 2, MIN, 0xFFFF_FFFF),
                new RCase("MULH", Asm::mulh, -1, 1, 0xFFFF_FFFF),
                new RCase("MULH", Asm::mulh, MAX, MAX, 0x3FFF_FFFF),
                // MULHSU: rs1 signed, rs2 unsigned
                new RCase("MULHSU", Asm::mulhsu, -1, -1, 0xFFFF_FFFF),
                new RCase("MULHSU", Asm::mulhsu, MIN, MIN, 0xC000_0000),
                new RCase("MULHSU", Asm::mulhsu, MIN, -1, 0x8000_0000),
                new RCase("MULHSU", Asm::mulhsu, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF),
                new RCase("MULHSU", Asm::mulhsu, 1, -1, 0),
                new RCase("MULHSU", Asm::mulhsu, MAX, -1, 0x7FFF_FFFE),
                new RCase("MULHSU", Asm::mulhsu, -1, 1, 0xFFFF_FFFF),
                new RCase("MULHSU", Asm::mulhsu, -1, 0, 0),
                // MULHU: both unsigned
                new RCase("MULHU", Asm::mulhu, -1, -1, 0xFFFF_FFFE),
                new RCase("MULHU", Asm::mulhu, MIN, MIN, 0x4000_0000),
                new RCase("MULHU", Asm::mulhu, MIN, -1, 0x7FFF_FFFF),
                new RCase("MULHU", Asm::mulhu, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFE),
                new RCase("MULHU", Asm::mulhu, 0x0001_0000, 0x0001_0000, 1),
                // DIV truncates toward zero
                new RCase("DIV", Asm::div, 7, 2, 3),
                new RCase("DIV", Asm::div, -7, 2, -3),
                new RCase("DIV", Asm::div, 7, -2, -3),
                new RCase("DIV", Asm::div, -7, -2, 3),
                new RCase("DIV", Asm::div, 7, 0, -1),
                new RCase("DIV", Asm::div, -7, 0, -1),
                new RCase("DIV", Asm::div, 0, 0, -1),
                new RCase("DIV", Asm::div, MIN, -1, MIN),
                new RCase("DIV", Asm::div, MIN, 1, MIN),
                new RCase("DIV", Asm::div, MIN, 2, 0xC000_0000),
                new RCase("DIV", Asm::div, MAX, -1, -MAX),
                new RCase("DIVU", Asm::divu, 7, 2, 3),
                new RCase("DIVU", Asm::divu, -1, 2, MAX),
                new RCase("DIVU", Asm::divu, 7, 0, 0xFFFF_FFFF),
                new RCase("DIVU", Asm::divu, 0, 0, 0xFFFF_FFFF),
                new RCase("DIVU", Asm::divu, MIN, -1, 0),
                new RCase("DIVU", Asm::divu, -1, -1, 1),
                new RCase("DIVU", Asm::divu, -7, 2, 0x7FFF_FFFC),
                new RCase("DIVU", Asm::divu, MIN, 0x10, 0x0800_0000),
                // REM takes the dividend's sign
                new RCase("REM", Asm::rem, 7, 2, 1),
                new RCase("REM", Asm::rem, -7, 2, -1),
                new RCase("REM", Asm::rem, 7, -2, 1),
                new RCase("REM", Asm::rem, -7, -2, -1),
                new RCase("REM", Asm::rem, 7, 0, 7),
                new RCase("REM", Asm::rem, -7, 0, -7),
                new RCase("REM", Asm::rem, MIN, 0, MIN),
                new RCase("REM", Asm::rem, MIN, -1, 0),
                new RCase("REM", Asm::rem, MIN, 3, -2),
                new RCase("REMU", Asm::remu, 7, 2, 1),
                new RCase("REMU", Asm::remu, -1, 2, 1),
                new RCase("REMU", Asm::remu, 7, 0, 7),
                new RCase("REMU", Asm::remu, -7, 0, -7),
                new RCase("REMU", Asm::remu, MIN, -1, MIN),
                new RCase("REMU", Asm::remu, 0xFFFF_FFFF, 0x10, 0xF),
                new RCase("REMU", Asm::remu, -7, 2, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registerCases")
    void registerRegisterInstructionsComputeTheirSpecifiedResult(RCase c) {
        assertEquals(c.expected(), runRType(c.enc(), c.a(), c.b()), c.toString());
    }

    @Test
    void divisionByZeroGivesAllOnesAndRemainderByZeroGivesTheDividend() {
        assertEquals(0xFFFF_FFFF, runRType(Asm::div, 12345, 0));
        assertEquals(0xFFFF_FFFF, runRType(Asm::divu, 12345, 0));
        assertEquals(12345, runRType(Asm::rem, 12345, 0));
        assertEquals(12345, runRType(Asm::remu, 12345, 0));
    }

    @Test
    void signedDivisionOverflowGivesMinAndZeroRemainder() {
        assertEquals(MIN, runRType(Asm::div, MIN, -1));
        assertEquals(0, runRType(Asm::rem, MIN, -1));
    }

    @Test
    void anInstructionMayReadAndWriteTheSameRegister() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(A0, 21)).add(add(A0, A0, A0)).haltWithA0();
        assertEquals(42, TestPrograms.exitCode(c));
    }

    // ---------------------------------------------------------------- register-immediate ALU

    static Stream<ICase> immediateCases() {
        return Stream.of(
                new ICase("ADDI", Asm::addi, 5, -1, 4),
                new ICase("ADDI", Asm::addi, 0, -1, 0xFFFF_FFFF),
                new ICase("ADDI", Asm::addi, MAX, 1, MIN),
                new ICase("ADDI", Asm::addi, -1, 1, 0),
                new ICase("ADDI", Asm::addi, 0, 2047, 2047),
                new ICase("ADDI", Asm::addi, 0, -2048, 0xFFFF_F800),
                new ICase("ADDI", Asm::addi, MIN, -1, MAX),
                new ICase("SLTI", Asm::slti, -1, 0, 1),
                new ICase("SLTI", Asm::slti, 0, -1, 0),
                new ICase("SLTI", Asm::slti, MIN, -2048, 1),
                new ICase("SLTI", Asm::slti, MAX, 2047, 0),
                new ICase("SLTI", Asm::slti, 4, 5, 1),
                new ICase("SLTI", Asm::slti, 5, 5, 0),
                new ICase("SLTI", Asm::slti, -2048, -2048, 0),
                new ICase("SLTI", Asm::slti, -2049, -2048, 1),
                // SLTIU sign-extends the immediate, then compares unsigned: -1 is 0xFFFFFFFF
                new ICase("SLTIU", Asm::sltiu, 0, -1, 1),
                new ICase("SLTIU", Asm::sltiu, 0xFFFF_FFFE, -1, 1),
                new ICase("SLTIU", Asm::sltiu, 0xFFFF_FFFF, -1, 0),
                new ICase("SLTIU", Asm::sltiu, MAX, -2048, 1),
                new ICase("SLTIU", Asm::sltiu, 0xFFFF_F800, -2048, 0),
                new ICase("SLTIU", Asm::sltiu, 0, 1, 1),
                new ICase("SLTIU", Asm::sltiu, 1, 1, 0),
                new ICase("SLTIU", Asm::sltiu, 5, 0, 0),
                new ICase("XORI", Asm::xori, 0x1234_5678, -1, 0xEDCB_A987),
                new ICase("XORI", Asm::xori, 0xF0F0_F0F0, 0x0FF, 0xF0F0_F00F),
                new ICase("XORI", Asm::xori, 0, -2048, 0xFFFF_F800),
                new ICase("ORI", Asm::ori, 0, -2048, 0xFFFF_F800),
                new ICase("ORI", Asm::ori, 0x1234_0000, 0x7FF, 0x1234_07FF),
                new ICase("ORI", Asm::ori, 0x1234_5678, 0, 0x1234_5678),
                new ICase("ANDI", Asm::andi, 0x1234_5678, -1, 0x1234_5678),
                new ICase("ANDI", Asm::andi, 0xFFFF_FFFF, 0x7FF, 0x7FF),
                new ICase("ANDI", Asm::andi, 0x1234_5678, -16, 0x1234_5670),
                new ICase("ANDI", Asm::andi, 0x1234_5678, 0xF0, 0x70),
                new ICase("SLLI", Asm::slli, 1, 31, MIN),
                new ICase("SLLI", Asm::slli, 0x1234_5678, 0, 0x1234_5678),
                new ICase("SLLI", Asm::slli, 0x1234_5678, 4, 0x2345_6780),
                new ICase("SLLI", Asm::slli, -1, 1, 0xFFFF_FFFE),
                new ICase("SRLI", Asm::srli, MIN, 31, 1),
                new ICase("SRLI", Asm::srli, -1, 1, MAX),
                new ICase("SRLI", Asm::srli, MIN, 0, MIN),
                new ICase("SRLI", Asm::srli, 0x1234_5678, 8, 0x0012_3456),
                new ICase("SRAI", Asm::srai, MIN, 31, 0xFFFF_FFFF),
                new ICase("SRAI", Asm::srai, MIN, 4, 0xF800_0000),
                new ICase("SRAI", Asm::srai, 0x7FFF_FFF0, 4, 0x07FF_FFFF),
                new ICase("SRAI", Asm::srai, -1, 0, 0xFFFF_FFFF),
                new ICase("SRAI", Asm::srai, 0x4000_0000, 30, 1),
                new ICase("SRAI", Asm::srai, 0x8765_4321, 8, 0xFF87_6543));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("immediateCases")
    void registerImmediateInstructionsComputeTheirSpecifiedResult(ICase c) {
        assertEquals(c.expected(), runIType(c.enc(), c.a(), c.imm()), c.toString());
    }

    // ---------------------------------------------------------------- x0

    @Test
    void writesToX0AreDiscardedAndX0ReadsAsZero() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(addi(0, 0, 5));
        c.add(lui(0, 0x12345));
        c.add(auipc(0, 1));
        c.add(li(5, 7));
        c.add(add(0, 5, 5));
        c.add(Asm.mul(0, 5, 5));
        c.add(li(6, DATA));
        c.add(lw(0, 6, 0));           // data word is 0xDEADBEEF
        c.add(jal(0, 4));             // link into x0, jump to the next instruction
        c.add(add(A0, 0, 0));
        c.haltWithA0();
        assertEquals(0, exitCode(TestPrograms.program(c, le(0xDEAD_BEEF))));
    }

    @Test
    void x0AsASourceOperandIsZero() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(addi(0, 0, 99));
        c.add(li(5, 7));
        c.add(Asm.sub(A0, 0, 5));
        c.haltWithA0();
        assertEquals(-7, TestPrograms.exitCode(c));
    }

    @Test
    void registersStartAtZeroExceptSpAtTheTopOfGuestMemory() {
        TestPrograms.Code c = new TestPrograms.Code();
        for (int r = 1; r < 32; r++) {
            if (r != 2) {
                c.add(Asm.or(A0, A0, r));     // a0 itself starts as one of the ORed values
            }
        }
        c.add(li(5, 0x0C00_0000));
        c.add(Asm.sub(5, 2, 5));
        c.add(Asm.or(A0, A0, 5));
        c.haltWithA0();
        assertEquals(0, TestPrograms.exitCode(c));
    }

    // ---------------------------------------------------------------- LUI, AUIPC

    @Test
    void luiLoadsTheUpperTwentyBitsAndClearsTheLowTwelve() {
        for (int[] c : new int[][] {{0x12345, 0x1234_5000}, {0xFFFFF, 0xFFFF_F000}, {0x80000, MIN}, {0, 0}}) {
            TestPrograms.Code code = new TestPrograms.Code();
            code.add(li(A0, -1)).add(lui(A0, c[0])).haltWithA0();
            assertEquals(c[1], TestPrograms.exitCode(code), String.format("lui 0x%05x", c[0]));
        }
    }

    @Test
    void auipcAddsToItsOwnPc() {
        for (int imm20 : new int[] {0, 1, 0xFFFFF, 0x80000, 0x12345}) {
            TestPrograms.Code c = new TestPrograms.Code();
            c.add(Asm.fence(), Asm.fence(), Asm.fence());
            int pc = c.here();
            c.add(auipc(A0, imm20));
            c.haltWithA0();
            int expected = (int) ((Integer.toUnsignedLong(pc) + ((long) imm20 << 12)) & 0xFFFF_FFFFL);
            assertEquals(expected, TestPrograms.exitCode(c), String.format("auipc 0x%05x at 0x%08x", imm20, pc));
        }
    }

    // ---------------------------------------------------------------- JAL, JALR

    @Test
    void jalLinksTheNextPcAndJumpsForward() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(Asm.fence());
        int pc = c.here();
        c.add(jal(1, 8));               // over the next instruction
        c.add(addi(7, 0, 1));           // skipped
        c.add(add(A0, 1, 7));
        c.haltWithA0();
        assertEquals(pc + 4, TestPrograms.exitCode(c));
    }

    @Test
    void jalJumpsBackward() {
        TestPrograms.Code c = new TestPrograms.Code();
        int start = c.here();
        c.add(jal(0, 12));              // to start + 12
        c.add(addi(A0, A0, 40));        // start + 4: reached only by the backward jump
        c.add(jal(0, 12));              // to start + 20
        c.add(addi(A0, 0, 2));          // start + 12
        int back = c.here();
        c.add(jal(1, start + 4 - back)); // start + 16
        c.haltWithA0();                 // start + 20
        assertEquals(42, TestPrograms.exitCode(c));
    }

    @Test
    void jalWithALargeOffsetReachesItsTargetAndJumpsFarBack() {
        // The program writes two instructions 512 KiB ahead (beyond any branch's reach), calls
        // them with JAL, and they jump back with a large negative JAL offset.
        int target = TestPrograms.CODE_BASE + 0x8_0000;
        int jalAt = TestPrograms.CODE_BASE + 8 * 4;
        int after = jalAt + 4;
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(6, target));
        c.add(li(5, addi(A0, 0, 77)));
        c.add(sw(5, 6, 0));
        c.add(li(5, jal(0, after - (target + 4))));
        c.add(sw(5, 6, 4));
        assertEquals(jalAt, c.here());
        c.add(jal(1, target - jalAt));
        c.haltWithA0();
        assertEquals(77, TestPrograms.exitCode(c));
    }

    @Test
    void jalrJumpsToRs1PlusImmediateAndLinks() {
        for (int imm : new int[] {0, 3, -8, 2047, -2048}) {
            TestPrograms.Code c = new TestPrograms.Code();
            int start = c.here();
            int target = start + 16;
            c.add(li(5, target - imm));     // start, start + 4
            c.add(jalr(1, 5, imm));         // start + 8
            c.add(addi(7, 0, 1));           // start + 12: skipped
            c.add(add(A0, 1, 7));           // start + 16
            c.haltWithA0();
            assertEquals(start + 12, TestPrograms.exitCode(c), "jalr imm " + imm);
        }
    }

    @Test
    void jalrClearsBitZeroOfTheTarget() {
        TestPrograms.Code c = new TestPrograms.Code();
        int start = c.here();
        c.add(li(5, start + 16 + 1));       // odd target
        c.add(jalr(1, 5, 0));
        c.add(addi(7, 0, 1));               // skipped
        c.add(add(A0, 1, 7));               // start + 16
        c.haltWithA0();
        assertEquals(start + 12, TestPrograms.exitCode(c));

        TestPrograms.Code viaImmediate = new TestPrograms.Code();
        viaImmediate.add(li(5, start + 16));
        viaImmediate.add(jalr(1, 5, 1));    // even base + odd immediate
        viaImmediate.add(addi(7, 0, 1));
        viaImmediate.add(add(A0, 1, 7));
        viaImmediate.haltWithA0();
        assertEquals(start + 12, TestPrograms.exitCode(viaImmediate));
    }

    @Test
    void jalrWithRdEqualToRs1UsesTheOldValueAsTarget() {
        TestPrograms.Code c = new TestPrograms.Code();
        int start = c.here();
        c.add(li(5, start + 16));
        c.add(jalr(5, 5, 0));               // start + 8: x5 ← start + 12, jump to start + 16
        c.add(addi(7, 0, 1));               // skipped
        c.add(add(A0, 5, 7));
        c.haltWithA0();
        assertEquals(start + 12, TestPrograms.exitCode(c));
    }

    @Test
    void jalrReturnsThroughTheLinkRegister() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(addi(A0, 0, 1));              // word 0
        c.add(jal(1, 24));                  // word 1: call the function at word 7
        c.add(addi(A0, A0, 100));           // word 2: after the return
        c.haltWithA0();                     // words 3..6
        assertEquals(TestPrograms.CODE_BASE + 7 * 4, c.here());
        c.add(Asm.slli(A0, A0, 3));         // the function: a0 = 8
        c.add(jalr(0, 1, 0));               // ret
        assertEquals(108, TestPrograms.exitCode(c));
    }

    // ---------------------------------------------------------------- branches

    record BranchCase(String op, RType enc, int a, int b, boolean taken) {
        @Override
        public String toString() {
            return String.format("%s(0x%08x, 0x%08x) %s", op, a, b, taken ? "taken" : "not taken");
        }
    }

    static Stream<BranchCase> branchCases() {
        return Stream.of(
                new BranchCase("BEQ", Asm::beq, 5, 5, true),
                new BranchCase("BEQ", Asm::beq, 5, 6, false),
                new BranchCase("BEQ", Asm::beq, MIN, MIN, true),
                new BranchCase("BEQ", Asm::beq, 0, -1, false),
                new BranchCase("BNE", Asm::bne, 5, 6, true),
                new BranchCase("BNE", Asm::bne, 5, 5, false),
                new BranchCase("BNE", Asm::bne, 0, MIN, true),
                new BranchCase("BLT", Asm::blt, -1, 0, true),
                new BranchCase("BLT", Asm::blt, 0, -1, false),
                new BranchCase("BLT", Asm::blt, MIN, MAX, true),
                new BranchCase("BLT", Asm::blt, MAX, MIN, false),
                new BranchCase("BLT", Asm::blt, 5, 5, false),
                new BranchCase("BGE", Asm::bge, 0, -1, true),
                new BranchCase("BGE", Asm::bge, -1, 0, false),
                new BranchCase("BGE", Asm::bge, 5, 5, true),
                new BranchCase("BGE", Asm::bge, MIN, MAX, false),
                new BranchCase("BGE", Asm::bge, MAX, MIN, true),
                new BranchCase("BLTU", Asm::bltu, 0, -1, true),
                new BranchCase("BLTU", Asm::bltu, -1, 0, false),
                new BranchCase("BLTU", Asm::bltu, MAX, MIN, true),
                new BranchCase("BLTU", Asm::bltu, MIN, MAX, false),
                new BranchCase("BLTU", Asm::bltu, 5, 5, false),
                new BranchCase("BGEU", Asm::bgeu, -1, 0, true),
                new BranchCase("BGEU", Asm::bgeu, 0, -1, false),
                new BranchCase("BGEU", Asm::bgeu, 5, 5, true),
                new BranchCase("BGEU", Asm::bgeu, MIN, MAX, true),
                new BranchCase("BGEU", Asm::bgeu, MAX, MIN, false));
    }

    @ParameterizedTest(name = "forward {0}")
    @MethodSource("branchCases")
    void forwardBranchesFollowTheirCondition(BranchCase bc) {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(5, bc.a())).add(li(6, bc.b()));
        c.add(addi(A0, 0, 0));
        c.add(bc.enc().encode(5, 6, 8));     // skip one instruction when taken
        c.add(addi(A0, 0, 1));
        c.haltWithA0();
        assertEquals(bc.taken() ? 0 : 1, TestPrograms.exitCode(c), bc.toString());
    }

    @ParameterizedTest(name = "backward {0}")
    @MethodSource("branchCases")
    void backwardBranchesFollowTheirCondition(BranchCase bc) {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(jal(0, 12));                   // over the backward target
        int target = c.here();
        c.add(addi(A0, 0, 7));
        c.add(jal(0, 0));                    // patched below to the halt
        c.add(li(5, bc.a())).add(li(6, bc.b()));
        int br = c.here();
        c.add(bc.enc().encode(5, 6, target - br));
        c.add(addi(A0, 0, 3));
        int halt = c.here();
        c.haltWithA0();
        int[] words = c.words();
        words[(target + 4 - TestPrograms.CODE_BASE) / 4] = jal(0, halt - (target + 4));
        assertEquals(bc.taken() ? 7 : 3, TestPrograms.exitCode(new TestPrograms.Code().add(words)), bc.toString());
    }

    @Test
    void aCountdownLoopRunsItsBodyTheRightNumberOfTimes() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(5, 1000)).add(addi(A0, 0, 0));
        int loop = c.here();
        c.add(addi(A0, A0, 3));
        c.add(addi(5, 5, -1));
        c.add(Asm.bne(5, 0, loop - c.here()));
        c.haltWithA0();
        assertEquals(3000, TestPrograms.exitCode(c));
    }

    // ---------------------------------------------------------------- loads

    /** Data words: bytes 81 7F 00 80 | FF FF 34 12. */
    private static final byte[] LOAD_DATA = {(byte) 0x81, 0x7F, 0x00, (byte) 0x80, (byte) 0xFF, (byte) 0xFF, 0x34, 0x12};

    record LoadCase(String op, IType enc, int offset, int expected) {
        @Override
        public String toString() {
            return String.format("%s at +%d = 0x%08x", op, offset, expected);
        }
    }

    static Stream<LoadCase> loadCases() {
        return Stream.of(
                new LoadCase("LB", Asm::lb, 0, 0xFFFF_FF81),
                new LoadCase("LB", Asm::lb, 1, 0x7F),
                new LoadCase("LB", Asm::lb, 2, 0),
                new LoadCase("LB", Asm::lb, 3, 0xFFFF_FF80),
                new LoadCase("LB", Asm::lb, 4, 0xFFFF_FFFF),
                new LoadCase("LB", Asm::lb, 6, 0x34),
                new LoadCase("LB", Asm::lb, 7, 0x12),
                new LoadCase("LBU", Asm::lbu, 0, 0x81),
                new LoadCase("LBU", Asm::lbu, 1, 0x7F),
                new LoadCase("LBU", Asm::lbu, 2, 0),
                new LoadCase("LBU", Asm::lbu, 3, 0x80),
                new LoadCase("LBU", Asm::lbu, 4, 0xFF),
                new LoadCase("LBU", Asm::lbu, 5, 0xFF),
                new LoadCase("LH", Asm::lh, 0, 0x7F81),
                new LoadCase("LH", Asm::lh, 2, 0xFFFF_8000),
                new LoadCase("LH", Asm::lh, 4, 0xFFFF_FFFF),
                new LoadCase("LH", Asm::lh, 6, 0x1234),
                new LoadCase("LHU", Asm::lhu, 0, 0x7F81),
                new LoadCase("LHU", Asm::lhu, 2, 0x8000),
                new LoadCase("LHU", Asm::lhu, 4, 0xFFFF),
                new LoadCase("LHU", Asm::lhu, 6, 0x1234),
                new LoadCase("LW", Asm::lw, 0, 0x8000_7F81),
                new LoadCase("LW", Asm::lw, 4, 0x1234_FFFF));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("loadCases")
    void loadsExtendSignOrZeroAtEveryOffset(LoadCase lc) {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(5, DATA)).add(lc.enc().encode(A0, 5, lc.offset())).haltWithA0();
        assertEquals(lc.expected(), exitCode(TestPrograms.program(c, LOAD_DATA)), lc.toString());
    }

    @ParameterizedTest(name = "{0}, negative immediate")
    @MethodSource("loadCases")
    void loadsAddASignExtendedImmediateToTheBase(LoadCase lc) {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(5, DATA + 0x800)).add(lc.enc().encode(A0, 5, lc.offset() - 0x800)).haltWithA0();
        assertEquals(lc.expected(), exitCode(TestPrograms.program(c, LOAD_DATA)), lc.toString());
    }

    @Test
    void untouchedMemoryReadsAsZero() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(5, 0x0400_0000)).add(lw(A0, 5, 0)).haltWithA0();
        assertEquals(0, TestPrograms.exitCode(c));
    }

    // ---------------------------------------------------------------- stores

    record StoreCase(String op, IType enc, int offset, int expectedWord) {
        @Override
        public String toString() {
            return String.format("%s at +%d → 0x%08x", op, offset, expectedWord);
        }
    }

    static Stream<StoreCase> storeCases() {
        // The word 0x11223344 (bytes 44 33 22 11) overwritten with the low lanes of 0xAABBCCDD.
        return Stream.of(
                new StoreCase("SB", Asm::sb, 0, 0x1122_33DD),
                new StoreCase("SB", Asm::sb, 1, 0x1122_DD44),
                new StoreCase("SB", Asm::sb, 2, 0x11DD_3344),
                new StoreCase("SB", Asm::sb, 3, 0xDD22_3344),
                new StoreCase("SH", Asm::sh, 0, 0x1122_CCDD),
                new StoreCase("SH", Asm::sh, 2, 0xCCDD_3344),
                new StoreCase("SW", Asm::sw, 0, 0xAABB_CCDD));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("storeCases")
    void storesWriteTheirLanesWithoutDisturbingNeighbours(StoreCase sc) {
        for (int base : new int[] {0, 0x800}) {
            TestPrograms.Code c = new TestPrograms.Code();
            c.add(li(5, DATA + 4 + base));
            c.add(li(6, 0xAABB_CCDD));
            // the store encoders take (rs2 = value, rs1 = base, imm)
            c.add(sc.enc().encode(6, 5, sc.offset() - base));
            c.add(logMemory(DATA, 12));
            c.add(addi(A0, 0, 0));
            c.haltWithA0();
            ExecutionResult r = run(c, le(0x5566_7788, 0x1122_3344, 0x99AA_BBCC));
            assertArrayEquals(le(0x5566_7788, sc.expectedWord(), 0x99AA_BBCC), r.log(), sc + " (base offset " + base + ")");
        }
    }

    @Test
    void storeThenLoadOfEveryWidthRoundTrips() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(5, 0x0020_0000));
        c.add(li(6, 0xFEDC_BA98));
        c.add(sw(6, 5, 0));
        c.add(Asm.sh(6, 5, 4));
        c.add(Asm.sb(6, 5, 9));
        c.add(lw(7, 5, 0));
        c.add(Asm.lh(28, 5, 4));
        c.add(Asm.lbu(29, 5, 9));
        c.add(Asm.sub(A0, 7, 6));           // 0
        c.add(li(30, 0xFFFF_BA98));
        c.add(Asm.sub(28, 28, 30));         // 0
        c.add(Asm.or(A0, A0, 28));
        c.add(addi(29, 29, -0x98));          // 0
        c.add(Asm.or(A0, A0, 29));
        c.haltWithA0();
        assertEquals(0, TestPrograms.exitCode(c));
    }

    @Test
    void storeToCodeIsSeenByTheNextFetch() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(addi(A0, 0, 1));
        c.add(li(5, addi(A0, 0, 55)));
        int patchAt = c.here() + 3 * 4;     // after li (2 words) and sw
        c.add(li(6, patchAt));
        c.add(sw(5, 6, 0));
        assertEquals(patchAt, c.here());
        c.add(addi(A0, 0, 2));              // overwritten before it runs
        c.haltWithA0();
        assertEquals(55, TestPrograms.exitCode(c));
    }

    // ---------------------------------------------------------------- FENCE

    @Test
    void fenceIsANoOp() {
        for (int fence : new int[] {Asm.fence(), 0x8330_000f /* fence.tso */, 0x0000_000f}) {
            TestPrograms.Code c = new TestPrograms.Code();
            c.add(li(A0, 0x1234_5678)).add(fence).add(addi(A0, A0, 1)).haltWithA0();
            assertEquals(0x1234_5679, TestPrograms.exitCode(c), String.format("fence 0x%08x", fence));
        }
    }

    @Test
    void everyExecutedInstructionIsOneUserCycle() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(addi(A0, 0, 0), Asm.fence(), Asm.fence());
        c.haltWithA0();                     // li (2) + addi + ecall
        ExecutionResult r = new Executor(TestPrograms.program(c), new byte[0], ExecutorOptions.defaults()).run();
        assertEquals(7, r.userCycles());
    }

    // ---------------------------------------------------------------- randomized differential

    private static final String[] R_OPS = {"ADD", "SUB", "SLL", "SLT", "SLTU", "XOR", "SRL", "SRA", "OR", "AND",
            "MUL", "MULH", "MULHSU", "MULHU", "DIV", "DIVU", "REM", "REMU"};
    private static final RType[] R_ENC = {Asm::add, Asm::sub, Asm::sll, Asm::slt, Asm::sltu, Asm::xor, Asm::srl,
            Asm::sra, Asm::or, Asm::and, Asm::mul, Asm::mulh, Asm::mulhsu, Asm::mulhu, Asm::div, Asm::divu,
            Asm::rem, Asm::remu};
    private static final String[] I_OPS = {"ADDI", "SLTI", "SLTIU", "XORI", "ORI", "ANDI", "SLLI", "SRLI", "SRAI"};
    private static final IType[] I_ENC = {Asm::addi, Asm::slti, Asm::sltiu, Asm::xori, Asm::ori, Asm::andi,
            Asm::slli, Asm::srli, Asm::srai};

    private static BigInteger signed(int v) {
        return BigInteger.valueOf(v);
    }

    private static BigInteger unsigned(int v) {
        return BigInteger.valueOf(v & 0xFFFF_FFFFL);
    }

    /** The low 32 bits of a mathematical integer (mod 2^32, two's complement). */
    private static int wrap(BigInteger v) {
        return v.intValue();
    }

    /** The RISC-V unprivileged spec's definition of each R-type op, on mathematical integers. */
    static int referenceR(String op, int a, int b) {
        int shamt = b & 31;
        return switch (op) {
            case "ADD" -> wrap(signed(a).add(signed(b)));
            case "SUB" -> wrap(signed(a).subtract(signed(b)));
            case "SLL" -> wrap(unsigned(a).shiftLeft(shamt));
            case "SLT" -> signed(a).compareTo(signed(b)) < 0 ? 1 : 0;
            case "SLTU" -> unsigned(a).compareTo(unsigned(b)) < 0 ? 1 : 0;
            case "XOR" -> wrap(unsigned(a).xor(unsigned(b)));
            case "SRL" -> wrap(unsigned(a).shiftRight(shamt));
            case "SRA" -> wrap(signed(a).shiftRight(shamt));  // BigInteger shifts floor: sign fill
            case "OR" -> wrap(unsigned(a).or(unsigned(b)));
            case "AND" -> wrap(unsigned(a).and(unsigned(b)));
            case "MUL" -> wrap(signed(a).multiply(signed(b)));
            case "MULH" -> wrap(signed(a).multiply(signed(b)).shiftRight(32));
            case "MULHSU" -> wrap(signed(a).multiply(unsigned(b)).shiftRight(32));
            case "MULHU" -> wrap(unsigned(a).multiply(unsigned(b)).shiftRight(32));
            case "DIV" -> b == 0 ? -1 : wrap(signed(a).divide(signed(b)));        // truncates; MIN/-1 wraps to MIN
            case "DIVU" -> b == 0 ? -1 : wrap(unsigned(a).divide(unsigned(b)));
            case "REM" -> b == 0 ? a : wrap(signed(a).remainder(signed(b)));      // sign of the dividend
            case "REMU" -> b == 0 ? a : wrap(unsigned(a).remainder(unsigned(b)));
            default -> throw new IllegalArgumentException(op);
        };
    }

    static int referenceI(String op, int a, int imm12) {
        int imm = (imm12 << 20) >> 20;     // sign-extended 12-bit immediate
        return switch (op) {
            case "ADDI" -> referenceR("ADD", a, imm);
            case "SLTI" -> referenceR("SLT", a, imm);
            case "SLTIU" -> referenceR("SLTU", a, imm);
            case "XORI" -> referenceR("XOR", a, imm);
            case "ORI" -> referenceR("OR", a, imm);
            case "ANDI" -> referenceR("AND", a, imm);
            case "SLLI" -> referenceR("SLL", a, imm12 & 31);
            case "SRLI" -> referenceR("SRL", a, imm12 & 31);
            case "SRAI" -> referenceR("SRA", a, imm12 & 31);
            default -> throw new IllegalArgumentException(op);
        };
    }

    private static final int[] INTERESTING = {0, 1, -1, 2, -2, 3, 7, 31, 32, 33, 63, MIN, MAX, MIN + 1, MAX - 1,
            0xFFFF, 0x10000, 0x8000, 0xFFFF_0000, 0x5555_5555, 0xAAAA_AAAA};

    private static int operand(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> INTERESTING[rnd.nextInt(INTERESTING.length)];
            case 1 -> rnd.nextInt(201) - 100;
            default -> rnd.nextInt();
        };
    }

    /** Registers a random case may use: not x0 (tested apart), not x8 (the result pointer). */
    private static int register(Random rnd) {
        int r;
        do {
            r = 1 + rnd.nextInt(31);
        } while (r == 8);
        return r;
    }

    private record Op(String name, int a, int b, int rd, int rs1, int rs2) {
    }

    /**
     * Runs the ops in one program: each result is stored to a results array that the program
     * then LOGs, so a batch of cases costs one execution.
     */
    private static int[] runBatch(List<Op> ops, boolean immediate) {
        int results = 0x0020_0000;
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(8, results));
        for (Op op : ops) {
            c.add(li(op.rs1(), op.a()));
            if (immediate) {
                c.add(I_ENC[indexOf(I_OPS, op.name())].encode(op.rd(), op.rs1(), op.b()));
            } else {
                c.add(li(op.rs2(), op.b()));
                c.add(R_ENC[indexOf(R_OPS, op.name())].encode(op.rd(), op.rs1(), op.rs2()));
            }
            c.add(sw(op.rd(), 8, 0));
            c.add(addi(8, 8, 4));
        }
        c.add(logMemory(results, 4 * ops.size()));
        c.add(addi(A0, 0, 0));
        c.haltWithA0();
        ExecutionResult r = run(c, new byte[0]);
        assertEquals(0, r.exitCode());
        ByteBuffer log = ByteBuffer.wrap(r.log()).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[ops.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = log.getInt();
        }
        return out;
    }

    private static int indexOf(String[] names, String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(name);
    }

    @Test
    void randomRegisterOperationsMatchTheReferenceSemantics() {
        Random rnd = new Random(0x5EED_0001L);
        List<String> mismatches = new ArrayList<>();
        int total = 0;
        for (int batch = 0; batch < 10; batch++) {
            List<Op> ops = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String name = R_OPS[rnd.nextInt(R_OPS.length)];
                int rs1 = register(rnd);
                int rs2 = register(rnd);
                int a = operand(rnd);
                int b = rs1 == rs2 ? a : operand(rnd);
                ops.add(new Op(name, a, b, register(rnd), rs1, rs2));
            }
            int[] got = runBatch(ops, false);
            for (int i = 0; i < ops.size(); i++) {
                Op op = ops.get(i);
                int want = referenceR(op.name(), op.a(), op.b());
                if (got[i] != want) {
                    mismatches.add(String.format("%s x%d, x%d, x%d with (0x%08x, 0x%08x): got 0x%08x, want 0x%08x",
                            op.name(), op.rd(), op.rs1(), op.rs2(), op.a(), op.b(), got[i], want));
                }
                total++;
            }
        }
        assertEquals(2000, total);
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches, e.g. " + mismatches.stream().limit(10).toList());
    }

    @Test
    void randomImmediateOperationsMatchTheReferenceSemantics() {
        Random rnd = new Random(0x5EED_0002L);
        List<String> mismatches = new ArrayList<>();
        for (int batch = 0; batch < 5; batch++) {
            List<Op> ops = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String name = I_OPS[rnd.nextInt(I_OPS.length)];
                boolean shift = name.startsWith("S") && name.endsWith("LI") || name.equals("SRAI");
                int imm = shift ? rnd.nextInt(32) : rnd.nextInt(4096) - 2048;
                int rs1 = register(rnd);
                ops.add(new Op(name, operand(rnd), imm, register(rnd), rs1, 0));
            }
            int[] got = runBatch(ops, true);
            for (int i = 0; i < ops.size(); i++) {
                Op op = ops.get(i);
                int want = referenceI(op.name(), op.a(), op.b());
                if (got[i] != want) {
                    mismatches.add(String.format("%s x%d, x%d, %d with 0x%08x: got 0x%08x, want 0x%08x",
                            op.name(), op.rd(), op.rs1(), op.b(), op.a(), got[i], want));
                }
            }
        }
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches, e.g. " + mismatches.stream().limit(10).toList());
    }
}
