package dev.bentoj.zkvm.exec;

/** Encoders for RV32IM instructions, for tests that build programs word by word. */
public final class Asm {
    private Asm() {
    }

    public static int r(int f7, int rs2, int rs1, int f3, int rd, int opcode) {
        return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode;
    }

    public static int i(int imm, int rs1, int f3, int rd, int opcode) {
        return ((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode;
    }

    public static int s(int imm, int rs2, int rs1, int f3) {
        return (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | 0x23;
    }

    public static int b(int imm, int rs2, int rs1, int f3) {
        return (((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12)
                | (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7) | 0x63;
    }

    public static int lui(int rd, int imm20) {
        return (imm20 << 12) | (rd << 7) | 0x37;
    }

    public static int auipc(int rd, int imm20) {
        return (imm20 << 12) | (rd << 7) | 0x17;
    }

    public static int jal(int rd, int off) {
        return (((off >> 20) & 1) << 31) | (((off >> 1) & 0x3ff) << 21) | (((off >> 11) & 1) << 20)
                | (((off >> 12) & 0xff) << 12) | (rd << 7) | 0x6f;
    }

    public static int jalr(int rd, int rs1, int imm) {
        return i(imm, rs1, 0, rd, 0x67);
    }

    public static int beq(int rs1, int rs2, int off) { return b(off, rs2, rs1, 0); }
    public static int bne(int rs1, int rs2, int off) { return b(off, rs2, rs1, 1); }
    public static int blt(int rs1, int rs2, int off) { return b(off, rs2, rs1, 4); }
    public static int bge(int rs1, int rs2, int off) { return b(off, rs2, rs1, 5); }
    public static int bltu(int rs1, int rs2, int off) { return b(off, rs2, rs1, 6); }
    public static int bgeu(int rs1, int rs2, int off) { return b(off, rs2, rs1, 7); }

    public static int lb(int rd, int rs1, int imm) { return i(imm, rs1, 0, rd, 0x03); }
    public static int lh(int rd, int rs1, int imm) { return i(imm, rs1, 1, rd, 0x03); }
    public static int lw(int rd, int rs1, int imm) { return i(imm, rs1, 2, rd, 0x03); }
    public static int lbu(int rd, int rs1, int imm) { return i(imm, rs1, 4, rd, 0x03); }
    public static int lhu(int rd, int rs1, int imm) { return i(imm, rs1, 5, rd, 0x03); }
    public static int sb(int rs2, int rs1, int imm) { return s(imm, rs2, rs1, 0); }
    public static int sh(int rs2, int rs1, int imm) { return s(imm, rs2, rs1, 1); }
    public static int sw(int rs2, int rs1, int imm) { return s(imm, rs2, rs1, 2); }

    public static int addi(int rd, int rs1, int imm) { return i(imm, rs1, 0, rd, 0x13); }
    public static int slti(int rd, int rs1, int imm) { return i(imm, rs1, 2, rd, 0x13); }
    public static int sltiu(int rd, int rs1, int imm) { return i(imm, rs1, 3, rd, 0x13); }
    public static int xori(int rd, int rs1, int imm) { return i(imm, rs1, 4, rd, 0x13); }
    public static int ori(int rd, int rs1, int imm) { return i(imm, rs1, 6, rd, 0x13); }
    public static int andi(int rd, int rs1, int imm) { return i(imm, rs1, 7, rd, 0x13); }
    public static int slli(int rd, int rs1, int sh) { return r(0, sh, rs1, 1, rd, 0x13); }
    public static int srli(int rd, int rs1, int sh) { return r(0, sh, rs1, 5, rd, 0x13); }
    public static int srai(int rd, int rs1, int sh) { return r(0x20, sh, rs1, 5, rd, 0x13); }

    public static int add(int rd, int rs1, int rs2) { return r(0, rs2, rs1, 0, rd, 0x33); }
    public static int sub(int rd, int rs1, int rs2) { return r(0x20, rs2, rs1, 0, rd, 0x33); }
    public static int sll(int rd, int rs1, int rs2) { return r(0, rs2, rs1, 1, rd, 0x33); }
    public static int slt(int rd, int rs1, int rs2) { return r(0, rs2, rs1, 2, rd, 0x33); }
    public static int sltu(int rd, int rs1, int rs2) { return r(0, rs2, rs1, 3, rd, 0x33); }
    public static int xor(int rd, int rs1, int rs2) { return r(0, rs2, rs1, 4, rd, 0x33); }
    public static int srl(int rd, int rs1, int rs2) { return r(0, rs2, rs1, 5, rd, 0x33); }
    public static int sra(int rd, int rs1, int rs2) { return r(0x20, rs2, rs1, 5, rd, 0x33); }
    public static int or(int rd, int rs1, int rs2) { return r(0, rs2, rs1, 6, rd, 0x33); }
    public static int and(int rd, int rs1, int rs2) { return r(0, rs2, rs1, 7, rd, 0x33); }

    public static int mul(int rd, int rs1, int rs2) { return r(1, rs2, rs1, 0, rd, 0x33); }
    public static int mulh(int rd, int rs1, int rs2) { return r(1, rs2, rs1, 1, rd, 0x33); }
    public static int mulhsu(int rd, int rs1, int rs2) { return r(1, rs2, rs1, 2, rd, 0x33); }
    public static int mulhu(int rd, int rs1, int rs2) { return r(1, rs2, rs1, 3, rd, 0x33); }
    public static int div(int rd, int rs1, int rs2) { return r(1, rs2, rs1, 4, rd, 0x33); }
    public static int divu(int rd, int rs1, int rs2) { return r(1, rs2, rs1, 5, rd, 0x33); }
    public static int rem(int rd, int rs1, int rs2) { return r(1, rs2, rs1, 6, rd, 0x33); }
    public static int remu(int rd, int rs1, int rs2) { return r(1, rs2, rs1, 7, rd, 0x33); }

    public static int fence() { return 0x0ff0000f; }
    public static int ecall() { return 0x00000073; }
    public static int ebreak() { return 0x00100073; }

    /** Two instructions that load any 32-bit constant into rd. */
    public static int[] li(int rd, int value) {
        int lo = (value << 20) >> 20;
        int hi = (value - lo) >>> 12;
        return new int[] {lui(rd, hi), addi(rd, rd, lo)};
    }
}
