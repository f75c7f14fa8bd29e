package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.exec.Asm;
import dev.bentoj.zkvm.exec.TestPrograms;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.bentoj.zkvm.exec.Asm.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every RV32IM instruction and its corner cases, executed in one guest and proven: the AIR
 * accepts each honest result (the witness generator checks every written value against the
 * executor, the prover's self-check every constraint, the verifier the proof).
 */
class InstructionProofTest {
    static final int[][] PAIRS = {
        {0x8000_0000, 1}, {-1, 0}, {7, -2}, {-7, 2}, {0x8000_0000, -1}, {5, 0}, {0x1234_5678, 0x9abc_def0},
        {1, 31}, {-1, 33}, {0, 0}, {-8, 3}, {0x7fff_ffff, 0x7fff_ffff}, {0xffff, 0x10001}, {-1, -1},
        {0x8000_0000, 0x8000_0000}, {3, 0x20}, {0x8000_0001, 0xffff_ffe1},
    };
    static final int DATA = TestPrograms.DATA_BASE + 32;

    static Proving.Run run;

    @BeforeAll
    static void proveEverything() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(8, DATA + 64));
        int off = 0;
        for (int[] p : PAIRS) {
            c.add(li(5, p[0])).add(li(6, p[1]));
            for (int op : new int[] {add(7, 5, 6), sub(7, 5, 6), sll(7, 5, 6), slt(7, 5, 6), sltu(7, 5, 6),
                xor(7, 5, 6), srl(7, 5, 6), sra(7, 5, 6), or(7, 5, 6), and(7, 5, 6), mul(7, 5, 6), mulh(7, 5, 6),
                mulhsu(7, 5, 6), mulhu(7, 5, 6), div(7, 5, 6), divu(7, 5, 6), rem(7, 5, 6), remu(7, 5, 6)}) {
                c.add(op).add(sw(7, 8, off & 0x7fc));
                off += 4;
            }
            for (int imm : new int[] {0, 1, -1, 2047, -2048, 0x555}) {
                c.add(addi(7, 5, imm), slti(7, 5, imm), sltiu(7, 5, imm), xori(7, 5, imm), ori(7, 5, imm),
                        andi(7, 5, imm));
            }
            for (int sh : new int[] {0, 1, 7, 8, 15, 16, 31}) {
                c.add(slli(7, 5, sh), srli(7, 5, sh), srai(7, 5, sh));
            }
            for (int op : new int[] {beq(5, 6, 8), bne(5, 6, 8), blt(5, 6, 8), bge(5, 6, 8), bltu(5, 6, 8),
                bgeu(5, 6, 8)}) {
                c.add(op, addi(9, 9, 1)); // skipped when taken
            }
        }
        // Loads and stores at every alignment, sign and zero extension.
        c.add(li(5, 0x80ff_7f01)).add(sw(5, 8, 0));
        for (int k = 0; k < 4; k++) {
            c.add(lb(7, 8, k), lbu(7, 8, k), sb(5, 8, 4 + k));
        }
        for (int k = 0; k < 4; k += 2) {
            c.add(lh(7, 8, k), lhu(7, 8, k), sh(5, 8, 8 + k));
        }
        c.add(lw(7, 8, 0), lw(7, 8, -64), sw(0, 8, 12));
        // Upper immediates, jumps (a JALR target with bit 0 set), FENCE, writes to x0.
        c.add(lui(7, 0xfffff), auipc(7, 0x80000), auipc(7, 1), fence(), addi(0, 5, 1), add(0, 5, 5));
        c.add(jal(1, 8), addi(9, 9, 1));
        int target = c.here() + 12;
        c.add(li(6, target + 1)).add(jalr(1, 6, 0), addi(9, 9, 1));
        c.add(jal(0, 8), addi(9, 9, 1), jal(1, 4));
        // LOG and READ: 13 input bytes to an unaligned buffer (byte, word and byte host writes).
        c.add(li(10, DATA + 1)).add(li(11, 5)).add(li(17, 3)).add(ecall());
        c.add(li(10, DATA + 1)).add(li(11, 13)).add(li(17, 1)).add(ecall());
        c.add(li(10, DATA + 200)).add(li(11, 0)).add(li(17, 1)).add(ecall());
        c.add(lw(7, 8, -60));
        c.add(addi(10, 0, 0)).haltWithA0();
        byte[] input = "0123456789abcdef".getBytes();
        run = Proving.prove(TestPrograms.program(c, new byte[512]), input, 16);
    }

    @Test
    void everyInstructionProvesAndVerifies() throws Exception {
        List<SegmentClaim> claims = Proving.verifyAll(run);
        assertEquals(1, claims.size());
        assertEquals(0, claims.get(0).exitCode());
    }
}
