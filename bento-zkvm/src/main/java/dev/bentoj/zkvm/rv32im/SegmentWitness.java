package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.air.Expr;
import dev.bentoj.zkvm.air.Interaction;
import dev.bentoj.zkvm.exec.Executor;
import dev.bentoj.zkvm.exec.GuestMemoryMap;
import dev.bentoj.zkvm.exec.Segment;
import dev.bentoj.zkvm.exec.TraceRecorder;
import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.parallel.Chunks;

import java.util.List;

import static dev.bentoj.zkvm.rv32im.Cols.*;

/**
 * Generates the main trace of one segment (rv32im-air.md §3–§7): re-executes the segment from
 * its start state to learn each instruction, then fills one row per instruction, host-write rows
 * after each READ, 64 page-out rows per listed page and padding, tracking every memory word's
 * last access timestamp. Finally counts the lookups into the table multiplicity columns.
 */
final class SegmentWitness {
    private static final long RB = Rv32imConstraints.RB;

    private final Segment segment;
    private final PageList pages;
    private final int n;
    private final int tEnd;
    /** Canonical values, column-major; converted to Montgomery form at the end. */
    private final int[][] t;
    private final int[][] memory;
    private final int[][] lastTs;
    private int row;

    private SegmentWitness(Segment segment) {
        this.segment = segment;
        this.pages = pagesOf(segment);
        this.n = 1 << segment.po2();
        this.tEnd = 8 * n;
        this.t = new int[WIDTH][n];
        this.memory = new int[pages.size()][];
        this.lastTs = new int[pages.size()][GuestMemoryMap.PAGE_WORDS];
        for (int i = 0; i < pages.size(); i++) {
            memory[i] = pages.before()[i].clone();
        }
    }

    static PageList pagesOf(Segment s) {
        return new PageList(s.pageIndices(), s.pagesBefore(), s.pagesAfter());
    }

    /**
     * The main trace of {@code segment} (Montgomery form, natural row order).
     *
     * @throws IllegalArgumentException if the segment does not fit the AIR or its replay diverges
     */
    static int[][] build(Segment segment, byte[] journal, Rv32imAir air) {
        if (segment.po2() < Rv32imAir.MIN_PO2 || segment.po2() > Rv32imAir.MAX_PO2) {
            throw new IllegalArgumentException("segments of 2^" + segment.po2() + " rows cannot be proven: the AIR "
                    + "needs po2 in [" + Rv32imAir.MIN_PO2 + ", " + Rv32imAir.MAX_PO2 + "]");
        }
        if (segment.usedRows() > 1L << segment.po2() || segment.userCycles() == 0) {
            throw new IllegalArgumentException("segment " + segment.index() + " uses " + segment.usedRows()
                    + " rows of 2^" + segment.po2() + " and " + segment.userCycles() + " cycles");
        }
        TraceRecorder trace = new TraceRecorder();
        Segment replayed = Executor.replay(segment, journal, trace);
        if (!replayed.sameAs(segment)) {
            throw new IllegalArgumentException("segment " + segment.index() + " does not replay to itself");
        }
        SegmentWitness w = new SegmentWitness(segment);
        w.execute(trace);
        w.pageOut();
        w.pad();
        int[][] main = w.montgomery();
        countLookups(main, air);
        return main;
    }

    // ---------------------------------------------------------------- rows

    private void put(int col, long v) {
        long r = v % BabyBear.P;
        t[col][row] = (int) (r < 0 ? r + BabyBear.P : r);
    }

    private void putBytes(int col, int word) {
        for (int j = 0; j < 4; j++) {
            t[col + j][row] = (word >>> (8 * j)) & 255;
        }
    }

    private int word(int col) {
        return t[col][row] | t[col + 1][row] << 8 | t[col + 2][row] << 16 | t[col + 3][row] << 24;
    }

    private static long inverseOrZero(long v) {
        long r = v % BabyBear.P;
        if (r < 0) {
            r += BabyBear.P;
        }
        return r == 0 ? 0 : BabyBear.fromMont(BabyBear.inv(BabyBear.toMont((int) r)));
    }

    /** A memory access by slot k at word index addr: the previous timestamp and gap limbs. */
    private int access(int k, long addr, int ptsCol, int dlCol, int dhCol, int newValue, boolean write) {
        int pg = (int) (addr >>> 8);
        int p = pages.position(pg);
        if (p < 0) {
            throw new IllegalStateException(String.format("segment %d accesses page 0x%x, which it does not list",
                    segment.index(), pg));
        }
        int w = (int) (addr & 255);
        int ts = t[TSB][row] + k;
        int pts = lastTs[p][w];
        int gap = ts - pts - 1;
        put(ptsCol, pts);
        put(dlCol, gap & 2047);
        put(dhCol, gap >>> 11);
        lastTs[p][w] = ts;
        int old = memory[p][w];
        if (write) {
            memory[p][w] = newValue;
        }
        return old;
    }

    private int read(int k, long addr, int ptsCol, int dlCol, int dhCol) {
        return access(k, addr, ptsCol, dlCol, dhCol, 0, false);
    }

    /** A slot that is off on this row: pts = ts − 1, no gap. */
    private void idle(int k, int ptsCol) {
        put(ptsCol, t[TSB][row] + k - 1);
    }

    private void setPc(int pc) {
        put(PC0Q, (pc & 255) >>> 2);
        put(PC1, (pc >>> 8) & 255);
        put(PC2, (pc >>> 16) & 255);
        put(PC3, pc >>> 24);
        put(E4, (pc & 0xffff) + 4 >= 65536 ? 1 : 0);
    }

    private void setNextPc(int pc) {
        put(NP_LO, pc & 0xffff);
        put(NP_HI, pc >>> 16);
    }

    private void decodePieces(int insn) {
        put(OPC, insn & 127);
        put(RD0, (insn >>> 7) & 1);
        put(RDH, (insn >>> 8) & 15);
        put(F3, (insn >>> 12) & 7);
        put(R1L, (insn >>> 15) & 1);
        put(R1H, (insn >>> 16) & 15);
        put(R2A, (insn >>> 20) & 1);
        put(R2M, (insn >>> 21) & 7);
        put(R2B, (insn >>> 24) & 1);
        put(F7L, (insn >>> 25) & 7);
        put(F7M, (insn >>> 28) & 7);
        put(SG, insn >>> 31);
        int rd = (insn >>> 7) & 31;
        put(RDZ, rd == 0 ? 1 : 0);
        put(RDI, inverseOrZero(rd));
    }

    /** Adder-1 output s: the one-hot low bits, sq and the three high bytes. */
    private void setS(int s) {
        int s0 = s & 255;
        for (int j = 0; j < 4; j++) {
            put(OH + j, (s0 & 3) == j ? 1 : 0);
        }
        put(SQ, s0 >>> 2);
        put(S1, (s >>> 8) & 255);
        put(S2, (s >>> 16) & 255);
        put(S3, s >>> 24);
        long sum = s0 + ((s >>> 8) & 255) + ((s >>> 16) & 255) + (s >>> 24);
        put(Z, sum == 0 ? 1 : 0);
        put(ZI, inverseOrZero(sum));
    }

    /** Adder 2's output t and carries, given T.lo and T.hi as integers (§5.1). */
    private void setAdder2(long tLo, long tHi) {
        long cb0 = tLo >> 16;
        long cb1 = (tHi + cb0) >> 16;
        if (tLo != cb0 << 16 || tHi + cb0 != cb1 << 16 || cb0 < 0 || cb0 > 1 || cb1 < 0 || cb1 > 1) {
            throw new IllegalStateException("adder 2 does not balance at row " + row);
        }
        put(CB0, cb0);
        put(CB1, cb1);
    }

    private void setT(int value) {
        put(T_LO, value & 0xffff);
        put(T_HI, value >>> 16);
        long sum = (value & 0xffff) + (value >>> 16);
        put(WZ, sum == 0 ? 1 : 0);
        put(WZI, inverseOrZero(sum));
    }

    /** The derived columns every row needs consistent: signs, xor, load views, zero tests, flags. */
    private void finishRow() {
        int a = word(A);
        int b = word(B);
        putBytes(X, a ^ b);
        put(SGA, a >>> 31);
        put(SGB, b >>> 31);
        put(SMX, t[MX + 3][row] >>> 7);
        put(SR, t[RM + 3][row] >>> 7);
        int oh = t[OH + 1][row] + 2 * t[OH + 2][row] + 3 * t[OH + 3][row];
        int lb = t[PV + oh][row];
        int lh = oh == 0 ? t[PV + 1][row] : oh == 2 ? t[PV + 3][row] : 0;
        put(LBYTE, lb);
        put(LHALF, lh);
        put(SGL, lb >>> 7);
        put(SGH, lh >>> 7);
        long my = (long) t[MY][row] + t[MY + 1][row] + t[MY + 2][row] + t[MY + 3][row];
        put(BZ, my == 0 ? 1 : 0);
        put(BZI, inverseOrZero(my));
        boolean divRem = is(Op.DIV) || is(Op.REM);
        long sa = a >>> 31;
        long eOv = t[A][row] + t[A + 1][row] + t[A + 2][row] + (t[A + 3][row] - 128 * sa) + (1 - sa)
                + (4 * 255 - ((long) t[B][row] + t[B + 1][row] + t[B + 2][row] + t[B + 3][row])) + (divRem ? 0 : 1);
        put(OVZ, eOv == 0 ? 1 : 0);
        put(OVI, inverseOrZero(eOv));
    }

    private boolean is(Op op) {
        return t[op.column()][row] == 1;
    }

    // ---------------------------------------------------------------- execution rows

    private void execute(TraceRecorder trace) {
        byte[] input = segment.inputConsumed();
        int inputPos = 0;
        for (int i = 0; i < trace.size(); i++) {
            put(TSB, 8L * (row + 1));
            int pc = trace.pc(i);
            int fetched = memory(pc >>> 2);
            if (fetched != trace.instruction(i)) {
                throw new IllegalStateException(String.format("fetch at 0x%08x disagrees with the replay", pc));
            }
            int a7 = memory(RB + 17);
            Op op = Op.decode(fetched, a7);
            if (op == null) {
                throw new IllegalStateException(String.format("instruction 0x%08x at 0x%08x is not provable", fetched, pc));
            }
            int next = instruction(op, pc, fetched, trace.rdValue(i));
            if (op == Op.E_READ) {
                int count = trace.rdValue(i);
                int ptr = word(R2); // a0 as slot 2 read it, before slot D wrote the count
                row++;
                hostWrites(ptr, input, inputPos, count, next);
                inputPos += count;
            } else {
                row++;
            }
        }
    }

    private int memory(long addr) {
        int p = pages.position((int) (addr >>> 8));
        if (p < 0) {
            throw new IllegalStateException(String.format("word 0x%x is on no listed page", addr));
        }
        return memory[p][(int) (addr & 255)];
    }

    /** Fills the row of one instruction and returns the next pc. */
    private int instruction(Op op, int pc, int insn, int recordedRd) {
        put(op.column(), 1);
        setPc(pc);
        decodePieces(insn);
        boolean ecall = Op.ECALL.contains(op);
        int rd = ecall ? 0 : (insn >>> 7) & 31;
        int rs1 = ecall ? 17 : (insn >>> 15) & 31;
        int rs2 = ecall ? 10 : (insn >>> 20) & 31;
        read(0, pc >>> 2, PTS_F, DL_F, DH_F);
        int a = read(1, RB + rs1, PTS_1, DL_1, DH_1);
        int r2 = read(2, RB + rs2, PTS_2, DL_2, DH_2);
        putBytes(A, a);
        putBytes(R2, r2);
        int immI = insn >> 20;
        int immS = ((insn >> 25) << 5) | ((insn >>> 7) & 31);
        int immB = ((insn >> 31) << 12) | (((insn >>> 7) & 1) << 11) | (((insn >>> 25) & 0x3f) << 5)
                | (((insn >>> 8) & 0xf) << 1);
        int immU = insn & 0xffff_f000;
        int immJ = ((insn >> 31) << 20) | (insn & 0xff000) | (((insn >>> 20) & 1) << 11)
                | (((insn >>> 21) & 0x3ff) << 1);
        boolean gR = Rv32imConstraints.G_R.contains(op);
        boolean gI = Rv32imConstraints.G_I.contains(op);
        int b = gR ? r2 : gI ? immI : Op.ST.contains(op) ? immS : 0;
        putBytes(B, b);

        // Adder 1.
        int s = 0;
        if (Rv32imConstraints.G_A.contains(op)) {
            s = a + b;
            long lo = (a & 0xffff) + (b & 0xffff);
            put(CA0, lo >>> 16);
            put(CA1, ((a >>> 16) + (b >>> 16) + (lo >>> 16)) >>> 16);
        } else if (Rv32imConstraints.G_S.contains(op)) {
            s = a - b;
            long ca0 = ((s & 0xffff) + (b & 0xffff) - (a & 0xffff)) >> 16;
            put(CA0, ca0);
            put(CA1, ((s >>> 16) + (b >>> 16) + ca0 - (a >>> 16)) >> 16);
        } else if (ecall) {
            s = 0xFFFF_002C; // byte address of a1, read by slot X
        }
        setS(s);

        int next = pc + 4;
        int c = 0;
        boolean lt = a < b;
        boolean ltu = Integer.compareUnsigned(a, b) < 0;
        int tValue = 0;
        long tLo = 0;
        long tHi = 0;
        switch (op) {
            case LUI -> c = immU;
            case AUIPC -> {
                c = pc + immU;
                tLo = (pc & 0xffff) + (immU & 0xffff) - (c & 0xffff);
                tHi = (pc >>> 16) + (immU >>> 16) - (c >>> 16);
            }
            case JAL -> {
                c = pc + 4;
                tValue = pc + immJ;
                next = tValue;
                tLo = (pc & 0xffff) + (immJ & 0xffff) - (tValue & 0xffff);
                tHi = (pc >>> 16) + (immJ >>> 16) - (tValue >>> 16);
            }
            case JALR -> {
                c = pc + 4;
                next = s & ~1;
            }
            case BEQ, BNE, BLT, BGE, BLTU, BGEU -> {
                boolean taken = switch (op) {
                    case BEQ -> a == b;
                    case BNE -> a != b;
                    case BLT -> lt;
                    case BGE -> !lt;
                    case BLTU -> ltu;
                    default -> !ltu;
                };
                put(TAKEN, taken ? 1 : 0);
                tValue = pc + immB;
                tLo = (pc & 0xffff) + (immB & 0xffff) - (tValue & 0xffff);
                tHi = (pc >>> 16) + (immB >>> 16) - (tValue >>> 16);
                if (taken) {
                    next = tValue;
                }
            }
            case LB, LH, LW, LBU, LHU -> {
                int word = access(4, wordIndex(s), PTS_X, DL_X, DH_X, 0, false);
                putBytes(PV, word);
                putBytes(W, word);
                int shifted = word >>> ((s & 3) * 8);
                c = switch (op) {
                    case LB -> (byte) shifted;
                    case LH -> (short) shifted;
                    case LW -> word;
                    case LBU -> shifted & 0xff;
                    default -> shifted & 0xffff;
                };
            }
            case SB, SH, SW -> {
                int old = memory(wordIndex(s));
                int updated;
                if (op == Op.SW) {
                    updated = r2;
                } else {
                    int shift = (s & 3) * 8;
                    int mask = (op == Op.SB ? 0xff : 0xffff) << shift;
                    updated = (old & ~mask) | ((r2 << shift) & mask);
                }
                access(4, wordIndex(s), PTS_X, DL_X, DH_X, updated, true);
                putBytes(PV, old);
                putBytes(W, updated);
            }
            case ADD, ADDI, SUB -> c = s;
            case SLT, SLTI -> c = lt ? 1 : 0;
            case SLTU, SLTIU -> c = ltu ? 1 : 0;
            case XOR, XORI -> c = a ^ b;
            case OR, ORI -> c = a | b;
            case AND, ANDI -> c = a & b;
            case FENCE -> {
            }
            case SLL, SLLI, SRL, SRLI, SRA, SRAI, MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU -> {
                long[] bound = new long[2];
                c = mulDivShift(op, a, b, bound);
                tLo = bound[0];
                tHi = bound[1];
            }
            case E_HALT, E_COMMIT, E_LOG, E_READ -> {
                int a1 = access(4, RB + 11, PTS_X, DL_X, DH_X, 0, false);
                putBytes(PV, a1);
                putBytes(W, a1);
                if (op == Op.E_READ) {
                    c = recordedRd;
                    int rest = a1 - c;
                    putBytes(RM, rest);
                    tLo = (c & 0xffff) + (rest & 0xffff) - (a1 & 0xffff);
                    tHi = (c >>> 16) + (rest >>> 16) - (a1 >>> 16);
                }
            }
        }
        putBytes(C, c);
        boolean writes = Rv32imConstraints.G_WR.contains(op) && rd != 0 || op == Op.E_READ;
        put(RDW, writes ? 1 : 0);
        if (writes) {
            int old = access(3, RB + (op == Op.E_READ ? 10 : rd), PTS_D, DL_D, DH_D, c, true);
            putBytes(PD, old);
            if (op != Op.E_READ && c != recordedRd) {
                throw new IllegalStateException(String.format("result of %s at 0x%08x disagrees with the replay", op, pc));
            }
        } else {
            idle(3, PTS_D);
        }
        if (!Op.LD.contains(op) && !Op.ST.contains(op) && !ecall) {
            idle(4, PTS_X);
        }
        if (!Rv32imConstraints.G_MD.contains(op)) {
            setT(tValue);
        }
        setAdder2(tLo, tHi);
        setNextPc(next);
        finishRow();
        return next;
    }

    private static long wordIndex(int byteAddress) {
        return Integer.toUnsignedLong(byteAddress) >>> 2;
    }

    /**
     * The multiply/divide/shift unit (§5.5): X·Y + R = PR mod 2^64 over sign-extended bytes.
     * Returns the result and leaves adder 2's T halves (the remainder bound) in {@code tOut}.
     */
    private int mulDivShift(Op op, int a, int b, long[] tOut) {
        boolean shift = Op.SHIFT.contains(op);
        int sh = b & 31;
        int y = b;
        if (shift) {
            y = 1 << sh;
            put(SH0, sh & 1);
            put(SH1, (sh >>> 1) & 1);
            put(SH2, (sh >>> 2) & 1);
            put(L + (sh >>> 3), 1);
            put(U0, (b >>> 5) & 1);
            put(U1, (b >>> 6) & 1);
            put(U2, (b >>> 7) & 1);
            put(TAU, (1 + (sh & 1)) * (1 + 3 * ((sh >>> 1) & 1)));
            put(PW, 1 << (sh & 7));
        }
        boolean dv = Rv32imConstraints.G_DV.contains(op);
        int x;
        int r = 0;
        boolean signedX = false;
        boolean signedY = false;
        boolean signedR = false;
        boolean ae = false;
        int result;
        switch (op) {
            case MUL, SLL, SLLI -> {
                x = a;
                result = a * y;
            }
            case MULH -> {
                x = a;
                signedX = true;
                signedY = true;
                result = (int) (((long) a * (long) b) >> 32);
            }
            case MULHSU -> {
                x = a;
                signedX = true;
                result = (int) (((long) a * Integer.toUnsignedLong(b)) >> 32);
            }
            case MULHU -> {
                x = a;
                result = (int) ((Integer.toUnsignedLong(a) * Integer.toUnsignedLong(b)) >>> 32);
            }
            case DIV, REM -> {
                signedX = true;
                signedY = true;
                signedR = true;
                ae = true;
                if (b == 0) {
                    x = -1;
                    r = a;
                } else if (a == Integer.MIN_VALUE && b == -1) {
                    x = a;
                    r = 0;
                } else {
                    x = a / b;
                    r = a % b;
                }
                result = op == Op.DIV ? x : r;
            }
            case DIVU, REMU -> {
                if (b == 0) {
                    x = -1;
                    r = a;
                } else {
                    x = Integer.divideUnsigned(a, b);
                    r = Integer.remainderUnsigned(a, b);
                }
                result = op == Op.DIVU ? x : r;
            }
            case SRL, SRLI -> {
                x = a >>> sh;
                r = a & (int) ((1L << sh) - 1);
                result = x;
            }
            default -> { // SRA, SRAI: floor division, remainder non-negative
                signedX = true;
                ae = true;
                x = a >> sh;
                r = a - (x << sh);
                result = x;
            }
        }
        boolean ma = signedX && x < 0;
        boolean mb = signedY && y < 0;
        boolean mr = signedR && r < 0;
        putBytes(MX, x);
        putBytes(MY, y);
        putBytes(RM, r);
        put(MA, ma ? 1 : 0);
        put(MB, mb ? 1 : 0);
        put(MR, mr ? 1 : 0);
        put(AE, ae && a < 0 ? 1 : 0);
        put(M, mr ^ mb ? 1 : 0);
        // Limbs of X·Y + R over sign-extended bytes, with their carries.
        long[] xs = new long[8];
        long[] ys = new long[8];
        long[] rs = new long[8];
        for (int i = 0; i < 8; i++) {
            xs[i] = i < 4 ? (x >>> (8 * i)) & 255 : ma ? 255 : 0;
            ys[i] = i < 4 ? (y >>> (8 * i)) & 255 : mb ? 255 : 0;
            rs[i] = i < 4 ? (r >>> (8 * i)) & 255 : mr ? 255 : 0;
        }
        long carry = 0;
        for (int j = 0; j < 4; j++) {
            long limb = carry + productLimb(xs, ys, j);
            if (dv) {
                limb += rs[2 * j] + 256 * rs[2 * j + 1];
            }
            put(PR + 2 * j, limb & 255);
            put(PR + 2 * j + 1, (limb >>> 8) & 255);
            carry = limb >>> 16;
            put(CO + j, carry);
        }
        // The remainder bound on adder 2 (chk = 1: a divide or right shift with Y ≠ 0).
        int tValue = 0;
        if (dv && y != 0) {
            put(CHK, 1);
            boolean m = mr ^ mb;
            tValue = m ? r + y : r - y;
            long myLo = y & 0xffff;
            long myHi = y >>> 16;
            long rmLo = r & 0xffff;
            long rmHi = r >>> 16;
            long sign = m ? -1 : 1;
            tOut[0] = myLo + sign * ((tValue & 0xffff) - rmLo);
            tOut[1] = myHi + sign * ((tValue >>> 16) - rmHi);
        }
        setT(tValue);
        return result;
    }

    // ---------------------------------------------------------------- host-write rows

    /** The rows a READ of {@code count} bytes at {@code ptr} adds: bytes to alignment, words, bytes. */
    private void hostWrites(int ptr, byte[] input, int from, int count, int pc) {
        int remaining = count;
        int p = ptr;
        int at = from;
        while (remaining > 0) {
            boolean word = (p & 3) == 0 && remaining >= 4;
            int size = word ? 4 : 1;
            put(TSB, 8L * (row + 1));
            put(word ? IOW : IOB, 1);
            put(REMAIN, remaining);
            stayWithoutFetch(pc);
            setS(p);
            int data = 0;
            for (int i = 0; i < size; i++) {
                data |= (input[at + i] & 255) << (8 * i);
            }
            putBytes(R2, data);
            int old = memory(wordIndex(p));
            int updated;
            if (word) {
                updated = data;
            } else {
                int shift = (p & 3) * 8;
                updated = (old & ~(0xff << shift)) | (data << shift);
            }
            access(4, wordIndex(p), PTS_X, DL_X, DH_X, updated, true);
            putBytes(PV, old);
            putBytes(W, updated);
            setT(0);
            finishRow();
            row++;
            p += size;
            at += size;
            remaining -= size;
        }
    }

    /** A row that keeps the pc and neither fetches nor touches a register (host write, padding). */
    private void stayWithoutFetch(int pc) {
        setPc(pc);
        setNextPc(pc);
        decodePieces(0);
        idle(0, PTS_F);
        idle(1, PTS_1);
        idle(2, PTS_2);
        idle(3, PTS_D);
    }

    // ---------------------------------------------------------------- page-out and padding

    private void pageOut() {
        int pc = segment.postPc();
        int pcw = pc >>> 2;
        for (int i = 0; i < pages.size(); i++) {
            long base = (long) pages.indices()[i] * GuestMemoryMap.PAGE_WORDS;
            for (int q = 0; q < Rv32imAir.PAGE_OUT_ROWS; q++) {
                long a0 = base + 4L * q;
                put(TSB, tEnd);
                put(PO, 1);
                setPc(pc);
                setNextPc(pc);
                int w0 = memory(a0);
                decodePieces(w0);
                int rs1 = (w0 >>> 15) & 31;
                int rs2 = (w0 >>> 20) & 31;
                int rd = (w0 >>> 7) & 31;
                read(0, a0, PTS_F, DL_F, DH_F);
                putBytes(A, read(1, a0 + 1, PTS_1, DL_1, DH_1));
                putBytes(R2, read(2, a0 + 2, PTS_2, DL_2, DH_2));
                int w3 = read(3, a0 + 3, PTS_D, DL_D, DH_D);
                putBytes(PD, w3);
                putBytes(C, w3);
                put(OA_F, a0 - pcw);
                put(OA_1, a0 + 1 - RB - rs1);
                put(OA_2, a0 + 2 - RB - rs2);
                put(OA_D, a0 + 3 - RB - rd);
                idle(4, PTS_X);
                setS(0);
                setT(0);
                finishRow();
                row++;
            }
            if (!java.util.Arrays.equals(memory[i], pages.after()[i])) {
                throw new IllegalStateException("page " + pages.indices()[i] + " does not end as the segment says");
            }
        }
    }

    private void pad() {
        int pc = segment.postPc();
        int tsb = t[TSB][row - 1];
        for (; row < n; row++) {
            tsb += 8;
            put(TSB, tsb);
            stayWithoutFetch(pc);
            idle(4, PTS_X);
            setS(0);
            setT(0);
            finishRow();
        }
    }

    private int[][] montgomery() {
        Chunks.forBlocks(WIDTH, 2, (from, to) -> {
            for (int c = from; c < to; c++) {
                int[] col = t[c];
                for (int i = 0; i < col.length; i++) {
                    col[i] = BabyBear.toMont(col[i]);
                }
            }
        });
        return t;
    }

    // ---------------------------------------------------------------- table multiplicities

    /**
     * Evaluates every lookup of the AIR on every row and counts it against its table row: the
     * same expressions the verifier checks, so counts and lookups cannot drift apart.
     */
    static void countLookups(int[][] main, Rv32imAir air) {
        int n = main[0].length;
        int[] at = new int[1];
        int[][] counts = new int[8][1 << 16];
        List<Interaction> lookups = air.interactions().stream()
                .filter(x -> x.bus() >= Rv32imConstraints.BUS_R16 && !x.name().endsWith("table")).toList();
        Expr.BaseRow view = new Expr.BaseRow() {
            public int column(boolean preprocessed, int index, boolean next) {
                return main[index][next ? (at[0] + 1) % n : at[0]];
            }

            public int publicValue(int index) {
                throw new IllegalStateException("lookups use no public values");
            }
        };
        for (int row = 0; row < n; row++) {
            at[0] = row;
            for (Interaction x : lookups) {
                int m = BabyBear.fromMont(x.multiplicity().evalBase(view));
                if (m == 0) {
                    continue;
                }
                int[] v = new int[x.values().size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = BabyBear.fromMont(x.values().get(i).evalBase(view));
                }
                int index = tableIndex(x.bus(), v);
                if (index < 0) {
                    throw new IllegalStateException("lookup '" + x.name() + "' at row " + row + " is not in its table: "
                            + java.util.Arrays.toString(v));
                }
                counts[x.bus()][index] += m;
            }
        }
        int[] cols = {0, 0, 0, M16, MB2, MXR, MDL, MDH};
        for (int bus = Rv32imConstraints.BUS_R16; bus <= Rv32imConstraints.BUS_DHI; bus++) {
            for (int j = 0; j < 1 << 16; j++) {
                main[cols[bus]][j] = BabyBear.toMont(counts[bus][j]);
            }
        }
    }

    private static int tableIndex(int bus, int[] v) {
        return switch (bus) {
            case Rv32imConstraints.BUS_R16 -> v[0] < 1 << 16 ? v[0] : -1;
            case Rv32imConstraints.BUS_B2 -> v[0] < 256 && v[1] < 256 ? 256 * v[0] + v[1] : -1;
            case Rv32imConstraints.BUS_XOR -> v[0] < 256 && v[1] < 256 && v[2] == (v[0] ^ v[1]) ? 256 * v[0] + v[1] : -1;
            case Rv32imConstraints.BUS_DLO -> v[0] < 128 && v[1] < 2 && v[2] < 16 && v[3] < 8 && v[4] < 2
                    ? v[0] + 128 * v[1] + 256 * v[2] + 4096 * v[3] + 32768 * v[4] : -1;
            case Rv32imConstraints.BUS_DHI -> v[0] < 16 && v[1] < 2 && v[2] < 8 && v[3] < 2 && v[4] < 8 && v[5] < 8
                    && v[6] < 2 ? v[0] + 16 * v[1] + 32 * v[2] + 256 * v[3] + 512 * v[4] + 4096 * v[5] + 32768 * v[6] : -1;
            default -> -1;
        };
    }

    /**
     * Limb {@code j} (bits 16j to 16j+15, before carries) of the product of two 8-byte
     * little-endian numbers: the byte products that land in it, as the AIR's product identity
     * sums them.
     */
    static long productLimb(long[] xs, long[] ys, int j) {
        long limb = 0;
        for (int i = 0; i < 8; i++) {
            for (int l = 0; l < 8; l++) {
                if (i + l == 2 * j) {
                    limb += xs[i] * ys[l];
                } else if (i + l == 2 * j + 1) {
                    limb += 256 * xs[i] * ys[l];
                }
            }
        }
        return limb;
    }
}
