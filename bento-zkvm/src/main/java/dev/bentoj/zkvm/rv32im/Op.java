package dev.bentoj.zkvm.rv32im;

import java.util.EnumSet;
import java.util.Set;

/**
 * The 50 instruction selectors of rv32im-air.md §3, each with the encoding it binds (opcode,
 * funct3 and funct7 where the instruction has them; -1 where it has none). ECALL is split by
 * the call number in a7.
 */
public enum Op {
    LUI(0x37, -1, -1), AUIPC(0x17, -1, -1), JAL(0x6f, -1, -1), JALR(0x67, 0, -1),
    BEQ(0x63, 0, -1), BNE(0x63, 1, -1), BLT(0x63, 4, -1), BGE(0x63, 5, -1), BLTU(0x63, 6, -1), BGEU(0x63, 7, -1),
    LB(0x03, 0, -1), LH(0x03, 1, -1), LW(0x03, 2, -1), LBU(0x03, 4, -1), LHU(0x03, 5, -1),
    SB(0x23, 0, -1), SH(0x23, 1, -1), SW(0x23, 2, -1),
    ADDI(0x13, 0, -1), SLTI(0x13, 2, -1), SLTIU(0x13, 3, -1), XORI(0x13, 4, -1), ORI(0x13, 6, -1),
    ANDI(0x13, 7, -1), SLLI(0x13, 1, 0), SRLI(0x13, 5, 0), SRAI(0x13, 5, 0x20),
    ADD(0x33, 0, 0), SUB(0x33, 0, 0x20), SLL(0x33, 1, 0), SLT(0x33, 2, 0), SLTU(0x33, 3, 0), XOR(0x33, 4, 0),
    SRL(0x33, 5, 0), SRA(0x33, 5, 0x20), OR(0x33, 6, 0), AND(0x33, 7, 0),
    FENCE(0x0f, 0, -1),
    MUL(0x33, 0, 1), MULH(0x33, 1, 1), MULHSU(0x33, 2, 1), MULHU(0x33, 3, 1),
    DIV(0x33, 4, 1), DIVU(0x33, 5, 1), REM(0x33, 6, 1), REMU(0x33, 7, 1),
    E_HALT(0x73, 0, -1), E_READ(0x73, 0, -1), E_COMMIT(0x73, 0, -1), E_LOG(0x73, 0, -1);

    public final int opcode;
    public final int funct3;
    public final int funct7;

    Op(int opcode, int funct3, int funct7) {
        this.opcode = opcode;
        this.funct3 = funct3;
        this.funct7 = funct7;
    }

    /** The selector column of this instruction. */
    public int column() {
        return Cols.SEL + ordinal();
    }

    static final Set<Op> BR = EnumSet.range(BEQ, BGEU);
    static final Set<Op> LD = EnumSet.range(LB, LHU);
    static final Set<Op> ST = EnumSet.range(SB, SW);
    static final Set<Op> ALUI = EnumSet.range(ADDI, SRAI);
    static final Set<Op> ALUR = EnumSet.range(ADD, AND);
    static final Set<Op> MEXT = EnumSet.range(MUL, REMU);
    static final Set<Op> ECALL = EnumSet.range(E_HALT, E_LOG);
    static final Set<Op> SHIFT = EnumSet.of(SLL, SLLI, SRL, SRLI, SRA, SRAI);

    /** The selector for an instruction word, or null if the word is not RV32IM (a fault). */
    static Op decode(int insn, int a7) {
        int opc = insn & 0x7f;
        int f3 = (insn >>> 12) & 7;
        int f7 = insn >>> 25;
        if (opc == 0x73) {
            if (insn != 0x73) {
                return null;
            }
            return switch (a7) {
                case 0 -> E_HALT;
                case 1 -> E_READ;
                case 2 -> E_COMMIT;
                case 3 -> E_LOG;
                default -> null;
            };
        }
        for (Op op : values()) {
            if (op.opcode == opc && (op.funct3 < 0 || op.funct3 == f3) && (op.funct7 < 0 || op.funct7 == f7)) {
                return op;
            }
        }
        return null;
    }
}
