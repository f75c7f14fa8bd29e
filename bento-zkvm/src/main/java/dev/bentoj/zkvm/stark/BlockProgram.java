package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.Expr;
import dev.bentoj.zkvm.field.BabyBear;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Expressions compiled for evaluation over blocks of rows, one node at a time: each node is a
 * loop over the rows of a block into a register of {@link #BLOCK} values, so a tree is
 * interpreted once per block instead of once per row. Equal subexpressions, also across roots,
 * are computed once; constants and public values are folded; a register is reused once its
 * value is dead. Field arithmetic is exact, so every value equals {@link Expr#evalBase}'s.
 *
 * <p>Columns are indexed preprocessed first, then main. Current-row columns are read in place;
 * next-row columns are gathered through the caller's next-row indices.
 */
final class BlockProgram {
    /** Rows per block: registers stay in cache, the per-node dispatch is amortised. */
    static final int BLOCK = 256;

    private static final int GATHER = 0;
    private static final int ADD = 1;
    private static final int SUB = 2;
    private static final int MUL = 3;
    private static final int NEG = 4;
    private static final int ADD_CONST = 5;
    private static final int CONST_SUB = 6;
    private static final int MUL_CONST = 7;
    private static final int FILL = 8;
    private static final int SINK = 9;

    /** Per instruction: opcode, destination register, operand slots, immediate. */
    private final int[] ops;
    private final int[] dst;
    private final int[] left;
    private final int[] right;
    private final int[] imm;
    private final int registers;

    /** Receives each root's values for the block's rows, at values[offset + i]; valid only during the call. */
    @FunctionalInterface
    interface Sink {
        void accept(int root, int[] values, int offset);
    }

    private BlockProgram(int[] ops, int[] dst, int[] left, int[] right, int[] imm, int registers) {
        this.ops = ops;
        this.dst = dst;
        this.left = left;
        this.right = right;
        this.imm = imm;
        this.registers = registers;
    }

    /**
     * Compiles {@code roots}, handed to the sink in this order.
     *
     * @param preWidth preprocessed columns come first in the column index space
     * @param pub      public values (Montgomery form), folded in as constants
     */
    static BlockProgram compile(List<Expr> roots, int preWidth, int[] pub) {
        Compiler c = new Compiler(preWidth, pub);
        for (int i = 0; i < roots.size(); i++) {
            c.sink(i, c.value(roots.get(i)));
        }
        return c.allocate();
    }

    /** Fresh registers for one thread. */
    Evaluator evaluator() {
        return new Evaluator();
    }

    /** One thread's registers. */
    final class Evaluator {
        private final int[] regs = new int[registers * BLOCK];

        /**
         * Evaluates every root on rows [from, from + len), len ≤ {@link #BLOCK}; the next row
         * of row from + i is {@code next[i]}.
         */
        void run(int[][] columns, int from, int len, int[] next, Sink sink) {
            int[] r = regs;
            for (int t = 0; t < ops.length; t++) {
                int o = dst[t] * BLOCK;
                int a = left[t];
                int b = right[t];
                switch (ops[t]) {
                    case GATHER -> gather(columns[imm[t]], next, r, o, len);
                    case ADD -> add(array(a, columns), offset(a, from), array(b, columns), offset(b, from), r, o, len);
                    case SUB -> sub(array(a, columns), offset(a, from), array(b, columns), offset(b, from), r, o, len);
                    case MUL -> mul(array(a, columns), offset(a, from), array(b, columns), offset(b, from), r, o, len);
                    case NEG -> neg(array(a, columns), offset(a, from), r, o, len);
                    case ADD_CONST -> addConst(array(a, columns), offset(a, from), imm[t], r, o, len);
                    case CONST_SUB -> constSub(array(a, columns), offset(a, from), imm[t], r, o, len);
                    case MUL_CONST -> mulConst(array(a, columns), offset(a, from), imm[t], r, o, len);
                    case FILL -> Arrays.fill(r, o, o + len, imm[t]);
                    case SINK -> sink.accept(imm[t], array(a, columns), offset(a, from));
                    default -> throw new IllegalStateException("opcode " + ops[t]);
                }
            }
        }

        /** Slots ≥ 0 are registers, slot −1 − c is column c. */
        private int[] array(int slot, int[][] columns) {
            return slot >= 0 ? regs : columns[-1 - slot];
        }
    }

    private static int offset(int slot, int from) {
        return slot >= 0 ? slot * BLOCK : from;
    }

    private static void gather(int[] col, int[] next, int[] out, int o, int len) {
        for (int i = 0; i < len; i++) {
            out[o + i] = col[next[i]];
        }
    }

    private static void add(int[] a, int ao, int[] b, int bo, int[] out, int o, int len) {
        for (int i = 0; i < len; i++) {
            out[o + i] = BabyBear.add(a[ao + i], b[bo + i]);
        }
    }

    private static void sub(int[] a, int ao, int[] b, int bo, int[] out, int o, int len) {
        for (int i = 0; i < len; i++) {
            out[o + i] = BabyBear.sub(a[ao + i], b[bo + i]);
        }
    }

    private static void mul(int[] a, int ao, int[] b, int bo, int[] out, int o, int len) {
        for (int i = 0; i < len; i++) {
            out[o + i] = BabyBear.mul(a[ao + i], b[bo + i]);
        }
    }

    private static void neg(int[] a, int ao, int[] out, int o, int len) {
        for (int i = 0; i < len; i++) {
            out[o + i] = BabyBear.neg(a[ao + i]);
        }
    }

    private static void addConst(int[] a, int ao, int c, int[] out, int o, int len) {
        for (int i = 0; i < len; i++) {
            out[o + i] = BabyBear.add(a[ao + i], c);
        }
    }

    private static void constSub(int[] a, int ao, int c, int[] out, int o, int len) {
        for (int i = 0; i < len; i++) {
            out[o + i] = BabyBear.sub(c, a[ao + i]);
        }
    }

    private static void mulConst(int[] a, int ao, int c, int[] out, int o, int len) {
        for (int i = 0; i < len; i++) {
            out[o + i] = BabyBear.mul(a[ao + i], c);
        }
    }

    /**
     * Builds the instruction list over SSA values, then assigns registers. A value is a
     * current-row column, a constant, or the result of an instruction.
     */
    private static final class Compiler {
        private static final int COLUMN = 0;
        private static final int CONSTANT = 1;
        private static final int COMPUTED = 2;

        private final int preWidth;
        private final int[] pub;
        private final Map<Expr, Integer> seen = new IdentityHashMap<>();
        private final Map<List<Integer>, Integer> unique = new HashMap<>();
        private final List<int[]> values = new ArrayList<>();       // {kind, payload}
        private final List<int[]> instructions = new ArrayList<>(); // {op, result value, a, b, imm}

        Compiler(int preWidth, int[] pub) {
            this.preWidth = preWidth;
            this.pub = pub;
        }

        int value(Expr e) {
            Integer known = seen.get(e);
            if (known != null) {
                return known;
            }
            int v;
            if (e instanceof Expr.Col c) {
                v = c.next() ? emit(GATHER, -1, -1, column(c)) : intern(List.of(-1, column(c)), COLUMN, column(c));
            } else if (e instanceof Expr.Pub p) {
                v = constant(pub[p.index()]);
            } else if (e instanceof Expr.Const c) {
                v = constant(c.value());
            } else if (e instanceof Expr.Add x) {
                v = add(value(x.a()), value(x.b()));
            } else if (e instanceof Expr.Sub x) {
                v = sub(value(x.a()), value(x.b()));
            } else if (e instanceof Expr.Mul x) {
                v = mul(value(x.a()), value(x.b()));
            } else {
                v = neg(value(((Expr.Neg) e).a()));
            }
            seen.put(e, v);
            return v;
        }

        private int column(Expr.Col c) {
            return c.preprocessed() ? c.index() : preWidth + c.index();
        }

        private boolean isConstant(int v) {
            return values.get(v)[0] == CONSTANT;
        }

        private int constantOf(int v) {
            return values.get(v)[1];
        }

        private int constant(int c) {
            return intern(List.of(-2, c), CONSTANT, c);
        }

        private int add(int a, int b) {
            if (isConstant(a) && isConstant(b)) {
                return constant(BabyBear.add(constantOf(a), constantOf(b)));
            }
            if (isConstant(a)) {
                return addConst(b, constantOf(a));
            }
            if (isConstant(b)) {
                return addConst(a, constantOf(b));
            }
            return emit(ADD, Math.min(a, b), Math.max(a, b), 0);
        }

        private int addConst(int a, int c) {
            return c == 0 ? a : emit(ADD_CONST, a, -1, c);
        }

        private int sub(int a, int b) {
            if (isConstant(a) && isConstant(b)) {
                return constant(BabyBear.sub(constantOf(a), constantOf(b)));
            }
            if (isConstant(b)) {
                return addConst(a, BabyBear.neg(constantOf(b)));
            }
            if (isConstant(a)) {
                return emit(CONST_SUB, b, -1, constantOf(a));
            }
            return emit(SUB, a, b, 0);
        }

        private int mul(int a, int b) {
            if (isConstant(a) && isConstant(b)) {
                return constant(BabyBear.mul(constantOf(a), constantOf(b)));
            }
            if (isConstant(a)) {
                return mulConst(b, constantOf(a));
            }
            if (isConstant(b)) {
                return mulConst(a, constantOf(b));
            }
            return emit(MUL, Math.min(a, b), Math.max(a, b), 0);
        }

        private int mulConst(int a, int c) {
            if (c == 0) {
                return constant(0);
            }
            return c == BabyBear.ONE ? a : emit(MUL_CONST, a, -1, c);
        }

        private int neg(int a) {
            return isConstant(a) ? constant(BabyBear.neg(constantOf(a))) : emit(NEG, a, -1, 0);
        }

        /** The value of {@code key}, created with (kind, payload) the first time. */
        private int intern(List<Integer> key, int kind, int payload) {
            Integer known = unique.get(key);
            if (known != null) {
                return known;
            }
            values.add(new int[] {kind, payload});
            unique.put(key, values.size() - 1);
            return values.size() - 1;
        }

        /** The result of (op, a, b, imm), computed once. */
        private int emit(int op, int a, int b, int immediate) {
            List<Integer> key = List.of(op, a, b, immediate);
            Integer known = unique.get(key);
            if (known != null) {
                return known;
            }
            int v = intern(key, COMPUTED, instructions.size());
            instructions.add(new int[] {op, v, a, b, immediate});
            return v;
        }

        void sink(int root, int v) {
            if (isConstant(v)) {
                int c = constantOf(v);
                values.add(new int[] {COMPUTED, instructions.size()});
                v = values.size() - 1;
                instructions.add(new int[] {FILL, v, -1, -1, c});
            }
            instructions.add(new int[] {SINK, -1, v, -1, root});
        }

        /** Registers by linear scan: an operand's register is free again after its last reader. */
        BlockProgram allocate() {
            int count = instructions.size();
            int[] lastUse = new int[values.size()];
            for (int t = 0; t < count; t++) {
                int[] ins = instructions.get(t);
                for (int k = 2; k <= 3; k++) {
                    if (ins[k] >= 0) {
                        lastUse[ins[k]] = t;
                    }
                }
            }
            int[] register = new int[values.size()];
            ArrayDeque<Integer> free = new ArrayDeque<>();
            int registers = 0;
            int[] ops = new int[count];
            int[] dst = new int[count];
            int[] left = new int[count];
            int[] right = new int[count];
            int[] imm = new int[count];
            for (int t = 0; t < count; t++) {
                int[] ins = instructions.get(t);
                ops[t] = ins[0];
                left[t] = slot(ins[2], register);
                right[t] = slot(ins[3], register);
                imm[t] = ins[4];
                for (int k = 2; k <= 3; k++) {
                    int v = ins[k];
                    if (v >= 0 && values.get(v)[0] == COMPUTED && lastUse[v] == t && (k == 2 || ins[3] != ins[2])) {
                        free.push(register[v]);
                    }
                }
                if (ins[1] >= 0) {
                    register[ins[1]] = free.isEmpty() ? registers++ : free.pop();
                    dst[t] = register[ins[1]];
                }
            }
            return new BlockProgram(ops, dst, left, right, imm, registers);
        }

        /** The operand slot of value v (see {@link Evaluator#array}); 0 for an absent operand. */
        private int slot(int v, int[] register) {
            if (v < 0) {
                return 0;
            }
            int[] val = values.get(v);
            return val[0] == COLUMN ? -1 - val[1] : register[v];
        }
    }
}
