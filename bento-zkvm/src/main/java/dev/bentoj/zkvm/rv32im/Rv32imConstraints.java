package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.air.Constraint;
import dev.bentoj.zkvm.air.Expr;
import dev.bentoj.zkvm.air.Interaction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static dev.bentoj.zkvm.rv32im.Cols.*;
import static dev.bentoj.zkvm.rv32im.Op.*;

/**
 * The constraints and LogUp interactions of rv32im-air.md §4–§7, written as in the
 * specification, one block per section. Names follow the specification's symbols so a reader
 * can check each line against it.
 */
final class Rv32imConstraints {
    static final int BUS_MEM = 1;
    static final int BUS_HALT = 2;
    static final int BUS_R16 = 3;
    static final int BUS_B2 = 4;
    static final int BUS_XOR = 5;
    static final int BUS_DLO = 6;
    static final int BUS_DHI = 7;

    /** Register x_r is the word at index RB + r (byte address 0xFFFF_0000 + 4r). */
    static final long RB = 0x3FFF_C000L;

    final List<Constraint> constraints = new ArrayList<>();
    final List<Interaction> interactions = new ArrayList<>();

    private Rv32imConstraints() {
    }

    static Rv32imConstraints build() {
        Rv32imConstraints b = new Rv32imConstraints();
        b.rowKinds();
        b.decode();
        b.adders();
        b.controlFlow();
        b.integerAlu();
        b.loadsAndStores();
        b.mulDivShift();
        b.ecallAndHostWrites();
        b.memory();
        b.boundaries();
        b.lookups();
        return b;
    }

    // ---------------------------------------------------------------- expression helpers

    static Expr c(int col) {
        return Expr.main(col);
    }

    static Expr nx(int col) {
        return Expr.mainNext(col);
    }

    static Expr k(long v) {
        return Expr.constant(v);
    }

    static Expr pub(int i) {
        return Expr.pub(i);
    }

    /** The same expression over the next row. */
    static Expr next(Expr e) {
        if (e instanceof Expr.Col col) {
            return new Expr.Col(col.preprocessed(), col.index(), true);
        } else if (e instanceof Expr.Add add) {
            return new Expr.Add(next(add.a()), next(add.b()));
        } else if (e instanceof Expr.Sub sub) {
            return new Expr.Sub(next(sub.a()), next(sub.b()));
        } else if (e instanceof Expr.Mul mul) {
            return new Expr.Mul(next(mul.a()), next(mul.b()));
        } else if (e instanceof Expr.Neg neg) {
            return new Expr.Neg(next(neg.a()));
        }
        return e;
    }

    static Expr sum(Expr... es) {
        Expr s = es[0];
        for (int i = 1; i < es.length; i++) {
            s = s.plus(es[i]);
        }
        return s;
    }

    static Expr sel(Set<Op> ops) {
        return sum(ops.stream().map(op -> c(op.column())).toArray(Expr[]::new));
    }

    static Expr sel(Op... ops) {
        return sel(EnumSet.copyOf(Arrays.asList(ops)));
    }

    static Set<Op> union(Set<Op> a, Set<Op> b) {
        EnumSet<Op> u = EnumSet.copyOf(a);
        u.addAll(b);
        return u;
    }

    static Set<Op> ops(Op... ops) {
        return EnumSet.copyOf(Arrays.asList(ops));
    }

    /** Low half of a byte word starting at column {@code at}. */
    static Expr lo(int at) {
        return c(at).plus(c(at + 1).times(256));
    }

    static Expr hi(int at) {
        return c(at + 2).plus(c(at + 3).times(256));
    }

    static Expr lo(Expr[] w) {
        return w[0].plus(w[1].times(256));
    }

    static Expr hi(Expr[] w) {
        return w[2].plus(w[3].times(256));
    }

    static Expr[] bytes(int at) {
        return new Expr[] {c(at), c(at + 1), c(at + 2), c(at + 3)};
    }

    private void all(String name, Expr e) {
        constraints.add(Constraint.all(name, e));
    }

    private void transition(String name, Expr e) {
        constraints.add(Constraint.transition(name, e));
    }

    private void first(String name, Expr e) {
        constraints.add(Constraint.first(name, e));
    }

    private void last(String name, Expr e) {
        constraints.add(Constraint.last(name, e));
    }

    private static Expr bool(Expr x) {
        return x.times(x.minus(1));
    }

    /** x·(x − 1) = 0 and Σ·xi − 1 + x = 0: x = [value = 0] given value ≥ 0 as an integer. */
    private void zeroTest(String name, Expr value, int flag, int inverse) {
        all(name + " zero", c(flag).times(value));
        all(name + " inverse", value.times(c(inverse)).minus(1).plus(c(flag)));
    }

    // ---------------------------------------------------------------- group sums (§3)

    static final Set<Op> ALL_OPS = EnumSet.allOf(Op.class);
    static final Set<Op> G_A = union(ops(ADD, ADDI, JALR), union(LD, ST));
    static final Set<Op> G_S = union(ops(SUB, SLT, SLTI, SLTU, SLTIU), BR);
    static final Set<Op> G_R = union(union(ALUR, BR), MEXT);
    static final Set<Op> G_I = union(ops(JALR), union(LD, ALUI));
    static final Set<Op> G_ML = ops(MUL, MULH, MULHSU, MULHU, SLL, SLLI);
    static final Set<Op> G_DV = ops(DIV, DIVU, REM, REMU, SRL, SRLI, SRA, SRAI);
    static final Set<Op> G_MD = union(G_ML, G_DV);
    static final Set<Op> G_D4 = ops(DIV, DIVU, REM, REMU);
    static final Set<Op> G_WR = union(union(ops(LUI, AUIPC, JAL, JALR), union(LD, ALUI)), union(ALUR, MEXT));

    static Expr exec() {
        return sel(ALL_OPS);
    }

    static Expr io() {
        return c(IOB).plus(c(IOW));
    }

    static Expr any() {
        return exec().plus(io()).plus(c(PO));
    }

    static Expr gMem() {
        return sel(union(LD, ST)).plus(io());
    }

    static Expr gX() {
        return sel(union(union(LD, ST), ECALL)).plus(io());
    }

    // ---------------------------------------------------------------- derived values

    /** pc halves and word index (§5.1). */
    static Expr pLo() {
        return c(PC0Q).times(4).plus(c(PC1).times(256));
    }

    static Expr pHi() {
        return c(PC2).plus(c(PC3).times(256));
    }

    static Expr pcw() {
        return sum(c(PC0Q), c(PC1).times(64), c(PC2).times(1 << 14), c(PC3).times(1 << 22));
    }

    static Expr q4Lo() {
        return pLo().plus(4).minus(c(E4).times(65536));
    }

    static Expr q4Hi() {
        return pHi().plus(c(E4));
    }

    /** Adder-1 output bytes; s[0] from the one-hot low bits and sq. */
    static Expr s0() {
        return sum(c(OH + 1), c(OH + 2).times(2), c(OH + 3).times(3), c(SQ).times(4));
    }

    static Expr[] sBytes() {
        return new Expr[] {s0(), c(S1), c(S2), c(S3)};
    }

    static Expr wordIndexOfS() {
        return sum(c(SQ), c(S1).times(64), c(S2).times(1 << 14), c(S3).times(1 << 22));
    }

    static Expr rd() {
        return c(RD0).plus(c(RDH).times(2));
    }

    static Expr rs1() {
        return c(R1L).plus(c(R1H).times(2));
    }

    static Expr rs2() {
        return sum(c(R2A), c(R2M).times(2), c(R2B).times(16));
    }

    static Expr f7() {
        return sum(c(F7L), c(F7M).times(8), c(SG).times(64));
    }

    /** Fetched instruction bytes, linear in the decode pieces (§4). */
    static Expr[] ib() {
        return new Expr[] {
            c(OPC).plus(c(RD0).times(128)),
            sum(c(RDH), c(F3).times(16), c(R1L).times(128)),
            sum(c(R1H), c(R2A).times(16), c(R2M).times(32)),
            sum(c(R2B), c(F7L).times(2), c(F7M).times(16), c(SG).times(128))};
    }

    static Expr[] immI() {
        Expr s = c(SG).times(255);
        return new Expr[] {rs2().plus(c(F7L).times(32)), c(F7M).plus(c(SG).times(248)), s, s};
    }

    static Expr[] immS() {
        Expr s = c(SG).times(255);
        return new Expr[] {rd().plus(c(F7L).times(32)), c(F7M).plus(c(SG).times(248)), s, s};
    }

    static Expr[] immB() {
        Expr s = c(SG).times(255);
        return new Expr[] {c(RDH).times(2).plus(c(F7L).times(32)),
            sum(c(F7M), c(RD0).times(8), c(SG).times(240)), s, s};
    }

    static Expr[] immU() {
        Expr[] ib = ib();
        return new Expr[] {k(0), c(F3).times(16).plus(c(R1L).times(128)), ib[2], ib[3]};
    }

    static Expr[] immJ() {
        return new Expr[] {sum(c(R2M).times(2), c(R2B).times(16), c(F7L).times(32)),
            sum(c(F7M), c(R2A).times(8), c(F3).times(16), c(R1L).times(128)),
            c(R1H).plus(c(SG).times(240)), c(SG).times(255)};
    }

    // ---------------------------------------------------------------- §3 row kinds

    private void rowKinds() {
        for (Op op : Op.values()) {
            all("bool " + op, bool(c(op.column())));
        }
        all("bool IOB", bool(c(IOB)));
        all("bool IOW", bool(c(IOW)));
        all("bool PO", bool(c(PO)));
        Expr any = any();
        all("one-hot", any.times(any.minus(1)));
        for (int col : BOOLS) {
            all("bool " + Cols.name(col), bool(c(col)));
        }
    }

    // ---------------------------------------------------------------- §4 decode

    private void decode() {
        Expr opc = null;
        Expr f3 = null;
        Expr f7 = null;
        for (Op op : Op.values()) {
            Expr t = c(op.column()).times(c(OPC).minus(op.opcode));
            opc = opc == null ? t : opc.plus(t);
            if (op.funct3 >= 0) {
                Expr u = c(op.column()).times(c(F3).minus(op.funct3));
                f3 = f3 == null ? u : f3.plus(u);
            }
            if (op.funct7 >= 0) {
                Expr u = c(op.column()).times(f7().minus(op.funct7));
                f7 = f7 == null ? u : f7.plus(u);
            }
        }
        all("decode opcode", opc);
        all("decode funct3", f3);
        all("decode funct7", f7);
        all("ecall word", sel(ECALL).times(sum(rd(), c(F3), rs1(), rs2(), f7())));
        zeroTest("rd", rd(), RDZ, RDI);
        Expr[] imm = immI();
        Expr[] s = immS();
        for (int j = 0; j < 4; j++) {
            all("operand b " + j, c(B + j).minus(sel(G_R).times(c(R2 + j))).minus(sel(G_I).times(imm[j]))
                    .minus(sel(ST).times(s[j])));
        }
    }

    // ---------------------------------------------------------------- §5.1 shared gadgets

    private void adders() {
        Expr gA = sel(G_A);
        Expr gS = sel(G_S);
        Expr[] s = sBytes();
        Expr sLo = lo(s);
        Expr sHi = hi(s);
        all("adder1 lo", gA.times(lo(A).plus(lo(B)).minus(sLo)).plus(gS.times(sLo.plus(lo(B)).minus(lo(A))))
                .minus(c(CA0).times(65536)));
        all("adder1 hi", gA.times(hi(A).plus(hi(B)).minus(sHi)).plus(gS.times(sHi.plus(hi(B)).minus(hi(A))))
                .plus(c(CA0)).minus(c(CA1).times(65536)));
        zeroTest("s", sum(s), Z, ZI);
        all("address one-hot", sum(c(OH), c(OH + 1), c(OH + 2), c(OH + 3)).minus(1));

        Expr[] t = adder2();
        all("adder2 lo", t[0].minus(c(CB0).times(65536)));
        all("adder2 hi", t[1].plus(c(CB0)).minus(c(CB1).times(65536)));
    }

    /** T.lo, T.hi of adder 2 (§5.1). */
    static Expr[] adder2() {
        Expr[] u = immU();
        Expr[] j = immJ();
        Expr[] bi = immB();
        Expr[] my = bytes(MY);
        Expr oneMinus2m = k(1).minus(c(M).times(2));
        Expr[] out = new Expr[2];
        for (int h = 0; h < 2; h++) {
            Expr p = h == 0 ? pLo() : pHi();
            Expr cH = h == 0 ? lo(C) : hi(C);
            Expr tH = c(h == 0 ? T_LO : T_HI);
            Expr rmH = h == 0 ? lo(RM) : hi(RM);
            Expr pvH = h == 0 ? lo(PV) : hi(PV);
            Expr uH = h == 0 ? lo(u) : hi(u);
            Expr jH = h == 0 ? lo(j) : hi(j);
            Expr bH = h == 0 ? lo(bi) : hi(bi);
            Expr myH = h == 0 ? lo(my) : hi(my);
            out[h] = sum(c(AUIPC.column()).times(p.plus(uH).minus(cH)),
                    c(JAL.column()).times(p.plus(jH).minus(tH)),
                    sel(BR).times(p.plus(bH).minus(tH)),
                    c(CHK).times(myH.plus(oneMinus2m.times(tH.minus(rmH)))),
                    c(E_READ.column()).times(cH.plus(rmH).minus(pvH)));
        }
        return out;
    }

    // ---------------------------------------------------------------- §5.2 control flow

    private void controlFlow() {
        Expr[] u = immU();
        for (int j = 0; j < 4; j++) {
            all("LUI " + j, c(LUI.column()).times(c(C + j).minus(u[j])));
        }
        Expr jumps = sel(JAL, JALR);
        all("link lo", jumps.times(lo(C).minus(q4Lo())));
        all("link hi", jumps.times(hi(C).minus(q4Hi())));
        Expr[] s = sBytes();
        Expr jLo = lo(s).minus(c(OH + 1)).minus(c(OH + 3));
        Expr jHi = hi(s);
        Expr straight = exec().minus(jumps).minus(sel(BR));
        Expr stay = k(1).minus(exec());
        for (int h = 0; h < 2; h++) {
            Expr q4 = h == 0 ? q4Lo() : q4Hi();
            Expr t = c(h == 0 ? T_LO : T_HI);
            Expr p = h == 0 ? pLo() : pHi();
            Expr target = sum(straight.times(q4), c(JAL.column()).times(t), c(JALR.column()).times(h == 0 ? jLo : jHi),
                    sel(BR).times(c(TAKEN).times(t).plus(k(1).minus(c(TAKEN)).times(q4))), stay.times(p));
            all("next pc " + (h == 0 ? "lo" : "hi"), c(h == 0 ? NP_LO : NP_HI).minus(target));
        }
        transition("pc chain lo", nextPLo().minus(c(NP_LO)));
        transition("pc chain hi", nextPHi().minus(c(NP_HI)));
        Expr lt = c(CA1).plus(c(SGA)).minus(c(SGB));
        all("branch taken", sum(c(BEQ.column()).times(c(TAKEN).minus(c(Z))),
                c(BNE.column()).times(c(TAKEN).minus(1).plus(c(Z))),
                c(BLT.column()).times(c(TAKEN).minus(lt)),
                c(BGE.column()).times(c(TAKEN).minus(1).plus(lt)),
                c(BLTU.column()).times(c(TAKEN).minus(c(CA1))),
                c(BGEU.column()).times(c(TAKEN).minus(1).plus(c(CA1)))));
    }

    private static Expr nextPLo() {
        return nx(PC0Q).times(4).plus(nx(PC1).times(256));
    }

    private static Expr nextPHi() {
        return nx(PC2).plus(nx(PC3).times(256));
    }

    // ---------------------------------------------------------------- §5.3 integer ALU

    private void integerAlu() {
        Expr[] s = sBytes();
        Expr add = sel(ADD, ADDI, SUB);
        Expr xor = sel(XOR, XORI);
        Expr or = sel(OR, ORI);
        Expr and = sel(AND, ANDI);
        for (int j = 0; j < 4; j++) {
            all("add/sub " + j, add.times(c(C + j).minus(s[j])));
            all("xor " + j, xor.times(c(C + j).minus(c(X + j))));
            all("or " + j, or.times(c(C + j).times(2).minus(c(A + j)).minus(c(B + j)).minus(c(X + j))));
            all("and " + j, and.times(c(C + j).times(2).minus(c(A + j)).minus(c(B + j)).plus(c(X + j))));
        }
        all("slt", sel(SLT, SLTI).times(c(C).minus(c(CA1)).minus(c(SGA)).plus(c(SGB))));
        all("sltu", sel(SLTU, SLTIU).times(c(C).minus(c(CA1))));
        all("slt high bytes", sel(SLT, SLTI, SLTU, SLTIU).times(sum(c(C + 1), c(C + 2), c(C + 3))));
    }

    // ---------------------------------------------------------------- §5.4 loads and stores

    private void loadsAndStores() {
        all("load byte", c(LBYTE).minus(sum(c(OH).times(c(PV)), c(OH + 1).times(c(PV + 1)),
                c(OH + 2).times(c(PV + 2)), c(OH + 3).times(c(PV + 3)))));
        all("load half", c(LHALF).minus(c(OH).times(c(PV + 1))).minus(c(OH + 2).times(c(PV + 3))));
        all("word alignment", sel(LW, SW).plus(c(IOW)).times(k(1).minus(c(OH))));
        all("half alignment", sel(LH, LHU, SH).times(c(OH + 1).plus(c(OH + 3))));
        Expr lw = c(LW.column());
        Expr lbAny = sel(LB, LBU, LH, LHU);
        Expr lhAny = sel(LH, LHU);
        for (int j = 0; j < 4; j++) {
            all("LW " + j, lw.times(c(C + j).minus(c(PV + j))));
        }
        all("load low byte", lbAny.times(c(C).minus(c(LBYTE))));
        all("load half high byte", lhAny.times(c(C + 1).minus(c(LHALF))));
        for (int j = 1; j < 4; j++) {
            all("LB sign " + j, c(Op.LB.column()).times(c(C + j).minus(c(SGL).times(255))));
            all("LBU zero " + j, c(LBU.column()).times(c(C + j)));
        }
        for (int j = 2; j < 4; j++) {
            all("LH sign " + j, c(Op.LH.column()).times(c(C + j).minus(c(SGH).times(255))));
            all("LHU zero " + j, c(LHU.column()).times(c(C + j)));
        }
        Expr reads = sel(union(LD, ECALL));
        for (int j = 0; j < 4; j++) {
            all("data read " + j, reads.times(c(W + j).minus(c(PV + j))));
            all("SW " + j, c(Op.SW.column()).times(c(W + j).minus(c(R2 + j))));
        }
        Expr sh = c(Op.SH.column());
        all("SH 0", sh.times(c(W).minus(c(PV)).minus(c(OH).times(c(R2).minus(c(PV))))));
        all("SH 1", sh.times(c(W + 1).minus(c(PV + 1)).minus(c(OH).times(c(R2 + 1).minus(c(PV + 1))))));
        all("SH 2", sh.times(c(W + 2).minus(c(PV + 2)).minus(c(OH + 2).times(c(R2).minus(c(PV + 2))))));
        all("SH 3", sh.times(c(W + 3).minus(c(PV + 3)).minus(c(OH + 2).times(c(R2 + 1).minus(c(PV + 3))))));
        for (int j = 0; j < 4; j++) {
            all("SB " + j, c(Op.SB.column()).times(c(W + j).minus(c(PV + j)).minus(c(OH + j).times(c(R2).minus(c(PV + j))))));
        }
    }

    // ---------------------------------------------------------------- §5.5 multiply, divide, shift

    private void mulDivShift() {
        Expr gMd = sel(G_MD);
        Expr gDv = sel(G_DV);
        Expr[] x = new Expr[8];
        Expr[] y = new Expr[8];
        Expr[] r = new Expr[8];
        for (int i = 0; i < 8; i++) {
            x[i] = i < 4 ? c(MX + i) : c(MA).times(255);
            y[i] = i < 4 ? c(MY + i) : c(MB).times(255);
            r[i] = i < 4 ? c(RM + i) : c(MR).times(255);
        }
        for (int j = 0; j < 4; j++) {
            Expr even = null;
            Expr odd = null;
            for (int i = 0; i < 8; i++) {
                for (int l = 0; l < 8; l++) {
                    if (i + l == 2 * j) {
                        even = even == null ? x[i].times(y[l]) : even.plus(x[i].times(y[l]));
                    } else if (i + l == 2 * j + 1) {
                        odd = odd == null ? x[i].times(y[l]) : odd.plus(x[i].times(y[l]));
                    }
                }
            }
            Expr limb = sum(even, odd.times(256), gDv.times(r[2 * j].plus(r[2 * j + 1].times(256))));
            if (j > 0) {
                limb = limb.plus(c(CO + j - 1));
            }
            limb = limb.minus(c(PR + 2 * j)).minus(c(PR + 2 * j + 1).times(256)).minus(c(CO + j).times(65536));
            all("product limb " + j, gMd.times(limb));
        }
        Expr shift = sel(SHIFT);
        for (int j = 0; j < 4; j++) {
            all("X = a " + j, sel(G_ML).times(c(MX + j).minus(c(A + j))));
            all("Y = b " + j, sel(MEXT).times(c(MY + j).minus(c(B + j))));
            all("Y = 2^sh " + j, shift.times(c(MY + j).minus(c(L + j).times(c(PW)))));
        }
        all("ma", c(MA).minus(c(SMX).times(sel(MULH, MULHSU, DIV, REM, SRA, SRAI))));
        all("mb", c(MB).minus(c(SGB).times(sel(MULH, DIV, REM))));
        all("mr", c(MR).minus(c(SR).times(sel(DIV, REM))));
        all("ae", c(AE).minus(c(SGA).times(sel(DIV, REM, SRA, SRAI))));
        Expr low = sel(MUL, SLL, SLLI);
        Expr high = sel(MULH, MULHSU, MULHU);
        Expr quotient = sel(DIV, DIVU, SRL, SRLI, SRA, SRAI);
        Expr remainder = sel(REM, REMU);
        for (int j = 0; j < 4; j++) {
            all("mul low " + j, low.times(c(C + j).minus(c(PR + j))));
            all("mul high " + j, high.times(c(C + j).minus(c(PR + 4 + j))));
            all("quotient " + j, quotient.times(c(C + j).minus(c(MX + j))));
            all("remainder " + j, remainder.times(c(C + j).minus(c(RM + j))));
            all("dividend low " + j, gDv.times(c(PR + j).minus(c(A + j))));
            all("dividend high " + j, gDv.times(k(1).minus(c(OVZ))).times(c(PR + 4 + j).minus(c(AE).times(255))));
        }
        // Shifts: sh = b[0] mod 32 as bits, the byte one-hot L and pw = 2^(sh mod 8).
        all("shift amount", shift.times(c(B).minus(c(SH0)).minus(c(SH1).times(2)).minus(c(SH2).times(4))
                .minus(sum(c(L + 1), c(L + 2).times(2), c(L + 3).times(3)).times(8))
                .minus(sum(c(U0), c(U1).times(2), c(U2).times(4)).times(32))));
        all("shift byte one-hot", shift.times(sum(c(L), c(L + 1), c(L + 2), c(L + 3)).minus(1)));
        all("shift tau", shift.times(c(TAU).minus(k(1).plus(c(SH0)).times(k(1).plus(c(SH1).times(3))))));
        all("shift pw", shift.times(c(PW).minus(c(TAU).times(k(1).plus(c(SH2).times(15))))));
        // Division.
        Expr[] my = bytes(MY);
        zeroTest("Y", sum(my), BZ, BZI);
        for (int j = 0; j < 4; j++) {
            all("divide by zero " + j, sel(G_D4).times(c(BZ)).times(c(MX + j).minus(255)));
        }
        all("chk", c(CHK).minus(gDv.times(k(1).minus(c(BZ)))));
        all("m = mr xor mb", c(M).minus(c(MR)).minus(c(MB)).plus(c(MR).times(c(MB)).times(2)));
        all("remainder bound carry", c(CHK).times(c(CB1).minus(1).plus(c(MB))));
        zeroTest("t", c(T_LO).plus(c(T_HI)), WZ, WZI);
        all("negative remainder nonzero t", c(CHK).times(c(MR)).times(c(WZ)));
        all("remainder sign", sel(DIV, REM).times(c(SGA).minus(c(SR))).times(sum(bytes(RM))));
        Expr eOv = sum(c(A), c(A + 1), c(A + 2), c(A + 3).minus(c(SGA).times(128)), k(1).minus(c(SGA)),
                k(4 * 255).minus(sum(bytes(B))), k(1).minus(sel(DIV, REM)));
        zeroTest("overflow", eOv, OVZ, OVI);
    }

    // ---------------------------------------------------------------- §5.6 ECALL, host writes

    private void ecallAndHostWrites() {
        Expr ecall = sel(ECALL);
        all("ecall a1 slot oh0", ecall.times(c(OH).minus(1)));
        all("ecall a1 slot sq", ecall.times(c(SQ).minus(11)));
        all("ecall a1 slot s1", ecall.times(c(S1)));
        all("ecall a1 slot s2", ecall.times(c(S2).minus(255)));
        all("ecall a1 slot s3", ecall.times(c(S3).minus(255)));
        all("ecall dispatch", sum(c(E_READ.column()).times(c(A).minus(1)), c(E_COMMIT.column()).times(c(A).minus(2)),
                c(E_LOG.column()).times(c(A).minus(3)), c(E_HALT.column()).times(c(A))));
        all("ecall a7 high bytes", ecall.times(sum(c(A + 1), c(A + 2), c(A + 3))));
        Expr halt = c(E_HALT.column());
        transition("nothing after HALT", halt.times(next(exec().plus(io()))));
        Expr read = c(E_READ.column());
        all("READ count below 2^16", read.times(c(C + 2).plus(c(C + 3))));
        all("READ count at most a1", read.times(c(CB1)));
        all("rd write", c(RDW).minus(sel(G_WR).times(k(1).minus(c(RDZ)))).minus(read));

        Expr ioNext = nx(IOB).plus(nx(IOW));
        Expr io = io();
        Expr[] sNext = {nextS0(), nx(S1), nx(S2), nx(S3)};
        Expr[] s = sBytes();
        Expr size = c(IOB).plus(c(IOW).times(4));
        Expr ptr = lo(s).plus(hi(s).times(65536));
        Expr ptrNext = lo(sNext).plus(hi(sNext).times(65536));
        Expr sizeNext = nx(IOB).plus(nx(IOW).times(4));
        transition("host write follows READ", ioNext.times(k(1).minus(read).minus(io)));
        transition("host write pointer lo", read.times(ioNext).times(lo(sNext).minus(lo(R2))));
        transition("host write pointer hi", read.times(ioNext).times(hi(sNext).minus(hi(R2))));
        transition("host write count", read.times(ioNext).times(nx(REMAIN).minus(lo(C))));
        transition("READ of nothing", read.times(k(1).minus(ioNext)).times(lo(C)));
        transition("host write remaining", io.times(ioNext).times(nx(REMAIN).minus(c(REMAIN)).plus(size)));
        transition("host write advance", io.times(ioNext).times(ptrNext.minus(ptr).minus(size)));
        transition("host write end", io.times(k(1).minus(ioNext)).times(c(REMAIN).minus(size)));
        for (int j = 0; j < 4; j++) {
            all("IOW " + j, c(IOW).times(c(W + j).minus(c(R2 + j))));
            all("IOB " + j, c(IOB).times(c(W + j).minus(c(PV + j)).minus(c(OH + j).times(c(R2).minus(c(PV + j))))));
        }
    }

    private static Expr nextS0() {
        return sum(nx(OH + 1), nx(OH + 2).times(2), nx(OH + 3).times(3), nx(SQ).times(4));
    }

    // ---------------------------------------------------------------- §6 memory

    /** The five memory slots: timestamp offset, column groups and multiplicity. */
    private void memory() {
        Expr po = c(PO);
        Expr fetchLike = exec().plus(po);
        Expr[] ib = ib();
        Expr ecall = sel(ECALL);
        slot("F", 0, pcw().plus(c(OA_F)), PTS_F, DL_F, DH_F, ib, ib, fetchLike);
        slot("1", 1, sum(k(RB), rs1(), ecall.times(17), c(OA_1)), PTS_1, DL_1, DH_1, bytes(A), bytes(A), fetchLike);
        slot("2", 2, sum(k(RB), rs2(), ecall.times(10), c(OA_2)), PTS_2, DL_2, DH_2, bytes(R2), bytes(R2), fetchLike);
        slot("D", 3, sum(k(RB), rd(), c(E_READ.column()).times(10), c(OA_D)), PTS_D, DL_D, DH_D, bytes(PD), bytes(C),
                c(RDW).plus(po));
        slot("X", 4, wordIndexOfS(), PTS_X, DL_X, DH_X, bytes(PV), bytes(W), gX());
        Expr notPo = k(1).minus(po);
        all("page-out offset F", notPo.times(c(OA_F)));
        all("page-out offset 1", notPo.times(c(OA_1)));
        all("page-out offset 2", notPo.times(c(OA_2)));
        all("page-out offset D", notPo.times(c(OA_D)));
        for (int j = 0; j < 4; j++) {
            all("page-out reads " + j, po.times(c(C + j).minus(c(PD + j))));
        }
        // Timestamps and row order.
        first("first timestamp", c(TSB).minus(8));
        transition("timestamp step", k(1).minus(nx(PO)).times(nx(TSB).minus(c(TSB)).minus(8)));
        all("page-out timestamp", po.times(c(TSB).minus(pub(Publics.T_END))));
        Expr pad = k(1).minus(any());
        transition("row order", po.plus(pad).times(next(exec()).plus(ioNext())));
        transition("padding last", pad.times(nx(PO)));
    }

    private static Expr ioNext() {
        return nx(IOB).plus(nx(IOW));
    }

    private void slot(String name, int k, Expr addr, int pts, int dl, int dh, Expr[] consumed, Expr[] produced,
                      Expr mu) {
        Expr ts = c(TSB).plus(k);
        all("slot " + name + " order", ts.minus(c(pts)).minus(1).minus(c(dl)).minus(c(dh).times(2048)));
        List<Expr> in = new ArrayList<>(List.of(addr, c(pts)));
        in.addAll(List.of(consumed));
        List<Expr> out = new ArrayList<>(List.of(addr, ts));
        out.addAll(List.of(produced));
        interactions.add(new Interaction("MEM " + name + " consume", BUS_MEM, in, mu.negate()));
        interactions.add(new Interaction("MEM " + name + " produce", BUS_MEM, out, mu));
    }

    // ---------------------------------------------------------------- §7 boundaries

    private void boundaries() {
        first("first no host write", io());
        first("pre pc lo", pLo().minus(pub(Publics.PRE_PC_LO)));
        first("pre pc hi", pHi().minus(pub(Publics.PRE_PC_HI)));
        last("last not executing", exec().plus(io()));
        last("post pc lo", c(NP_LO).minus(pub(Publics.POST_PC_LO)));
        last("post pc hi", c(NP_HI).minus(pub(Publics.POST_PC_HI)));
    }

    // ---------------------------------------------------------------- §2 lookups

    private void lookups() {
        Expr one = k(1);
        interactions.add(new Interaction("HALT", BUS_HALT, List.of(lo(R2), hi(R2), lo(PV), hi(PV)),
                c(E_HALT.column())));
        // R16: gap limbs, adder-2 output, carries (and 16·co: carries < 2^12, see Rv32imAir), s3 < 16.
        List<Expr> r16 = new ArrayList<>();
        for (int[] g : new int[][] {{DL_F, DH_F}, {DL_1, DH_1}, {DL_2, DH_2}, {DL_D, DH_D}, {DL_X, DH_X}}) {
            r16.add(c(g[0]));
            r16.add(c(g[1]));
        }
        r16.add(c(T_LO));
        r16.add(c(T_HI));
        for (int j = 0; j < 4; j++) {
            r16.add(c(CO + j));
            r16.add(c(CO + j).times(16));
        }
        for (int i = 0; i < r16.size(); i++) {
            interactions.add(new Interaction("R16 " + i, BUS_R16, List.of(r16.get(i)), one));
        }
        interactions.add(new Interaction("R16 s3", BUS_R16, List.of(c(S3).times(4096)), gMem()));
        // B2: 41 byte entries paired in order, the last with 0.
        List<Expr> b2 = new ArrayList<>();
        for (int j = 0; j < 4; j++) {
            b2.add(c(C + j));
        }
        for (int j = 0; j < 4; j++) {
            b2.add(c(W + j));
        }
        b2.addAll(List.of(c(SQ), c(SQ).times(4), c(S1), c(S2), c(S3), c(PC0Q), c(PC0Q).times(4), c(PC1), c(PC2),
                c(PC3), c(PC3).times(16)));
        for (int j = 0; j < 4; j++) {
            b2.add(c(MX + j));
        }
        for (int j = 0; j < 4; j++) {
            b2.add(c(RM + j));
        }
        for (int j = 0; j < 8; j++) {
            b2.add(c(PR + j));
        }
        b2.add(signEntry(c(A + 3), SGA));
        b2.add(signEntry(c(B + 3), SGB));
        b2.add(signEntry(c(MX + 3), SMX));
        b2.add(signEntry(c(RM + 3), SR));
        b2.add(signEntry(c(LBYTE), SGL));
        b2.add(signEntry(c(LHALF), SGH));
        b2.add(k(0));
        for (int i = 0; i < b2.size(); i += 2) {
            interactions.add(new Interaction("B2 " + i / 2, BUS_B2, List.of(b2.get(i), b2.get(i + 1)), one));
        }
        for (int j = 0; j < 4; j++) {
            interactions.add(new Interaction("XOR " + j, BUS_XOR, List.of(c(A + j), c(B + j), c(X + j)), one));
        }
        interactions.add(new Interaction("DLO", BUS_DLO, List.of(c(OPC), c(RD0), c(RDH), c(F3), c(R1L)), one));
        interactions.add(new Interaction("DHI", BUS_DHI,
                List.of(c(R1H), c(R2A), c(R2M), c(R2B), c(F7L), c(F7M), c(SG)), one));
        // Table sides, from the preprocessed columns.
        Expr ba = Expr.pre(Cols.P_BA);
        Expr bb = Expr.pre(Cols.P_BB);
        interactions.add(new Interaction("R16 table", BUS_R16, List.of(ba.times(256).plus(bb)), c(M16).negate()));
        interactions.add(new Interaction("B2 table", BUS_B2, List.of(ba, bb), c(MB2).negate()));
        interactions.add(new Interaction("XOR table", BUS_XOR, List.of(ba, bb, Expr.pre(Cols.P_BX)), c(MXR).negate()));
        List<Expr> dl = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            dl.add(Expr.pre(Cols.P_DL + i));
        }
        List<Expr> dh = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            dh.add(Expr.pre(Cols.P_DH + i));
        }
        interactions.add(new Interaction("DLO table", BUS_DLO, dl, c(MDL).negate()));
        interactions.add(new Interaction("DHI table", BUS_DHI, dh, c(MDH).negate()));
    }

    /** 2·x − 256·sign: a byte exactly when sign is the top bit of the byte x. */
    private static Expr signEntry(Expr x, int sign) {
        return x.times(2).minus(c(sign).times(256));
    }
}
