package dev.bentoj.zkvm.air;

import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;

/**
 * A polynomial over the trace: columns of the current or next row, public values and
 * constants, combined by +, − and ×. An AIR declares its constraints and lookups as
 * expressions once; the prover evaluates them in the base field on every row of the LDE, the
 * verifier in the extension field at the out-of-domain point, and both take the degree from
 * the same tree.
 */
public sealed interface Expr permits Expr.Col, Expr.Pub, Expr.Const, Expr.Add, Expr.Sub, Expr.Mul, Expr.Neg {

    /** Total degree in trace columns. */
    int degree();

    /** Value on one row of base-field values (Montgomery form). */
    int evalBase(BaseRow row);

    /** Value at an extension-field point (the verifier's out-of-domain openings). */
    Ext evalExt(ExtRow row);

    static Expr main(int column) {
        return new Col(false, column, false);
    }

    static Expr mainNext(int column) {
        return new Col(false, column, true);
    }

    static Expr pre(int column) {
        return new Col(true, column, false);
    }

    static Expr preNext(int column) {
        return new Col(true, column, true);
    }

    static Expr pub(int index) {
        return new Pub(index);
    }

    /** A constant given as a signed integer (reduced mod p). */
    static Expr constant(long value) {
        long r = value % BabyBear.P;
        return new Const(BabyBear.toMont((int) (r < 0 ? r + BabyBear.P : r)));
    }

    default Expr plus(Expr o) {
        return new Add(this, o);
    }

    default Expr plus(long c) {
        return new Add(this, constant(c));
    }

    default Expr minus(Expr o) {
        return new Sub(this, o);
    }

    default Expr minus(long c) {
        return new Sub(this, constant(c));
    }

    default Expr times(Expr o) {
        return new Mul(this, o);
    }

    default Expr times(long c) {
        return new Mul(this, constant(c));
    }

    default Expr negate() {
        return new Neg(this);
    }

    /** Values of the current and next row, base field; what the prover evaluates on. */
    interface BaseRow {
        int column(boolean preprocessed, int index, boolean next);

        int publicValue(int index);
    }

    /** Openings at z (current) and zω (next), extension field; what the verifier evaluates on. */
    interface ExtRow {
        Ext column(boolean preprocessed, int index, boolean next);

        int publicValue(int index);
    }

    record Col(boolean preprocessed, int index, boolean next) implements Expr {
        public int degree() {
            return 1;
        }

        public int evalBase(BaseRow row) {
            return row.column(preprocessed, index, next);
        }

        public Ext evalExt(ExtRow row) {
            return row.column(preprocessed, index, next);
        }
    }

    record Pub(int index) implements Expr {
        public int degree() {
            return 0;
        }

        public int evalBase(BaseRow row) {
            return row.publicValue(index);
        }

        public Ext evalExt(ExtRow row) {
            return Ext.fromBase(row.publicValue(index));
        }
    }

    /** A constant in Montgomery form. */
    record Const(int value) implements Expr {
        public int degree() {
            return 0;
        }

        public int evalBase(BaseRow row) {
            return value;
        }

        public Ext evalExt(ExtRow row) {
            return Ext.fromBase(value);
        }
    }

    record Add(Expr a, Expr b) implements Expr {
        public int degree() {
            return Math.max(a.degree(), b.degree());
        }

        public int evalBase(BaseRow row) {
            return BabyBear.add(a.evalBase(row), b.evalBase(row));
        }

        public Ext evalExt(ExtRow row) {
            return a.evalExt(row).add(b.evalExt(row));
        }
    }

    record Sub(Expr a, Expr b) implements Expr {
        public int degree() {
            return Math.max(a.degree(), b.degree());
        }

        public int evalBase(BaseRow row) {
            return BabyBear.sub(a.evalBase(row), b.evalBase(row));
        }

        public Ext evalExt(ExtRow row) {
            return a.evalExt(row).sub(b.evalExt(row));
        }
    }

    record Mul(Expr a, Expr b) implements Expr {
        public int degree() {
            return a.degree() + b.degree();
        }

        public int evalBase(BaseRow row) {
            return BabyBear.mul(a.evalBase(row), b.evalBase(row));
        }

        public Ext evalExt(ExtRow row) {
            return a.evalExt(row).mul(b.evalExt(row));
        }
    }

    record Neg(Expr a) implements Expr {
        public int degree() {
            return a.degree();
        }

        public int evalBase(BaseRow row) {
            return BabyBear.neg(a.evalBase(row));
        }

        public Ext evalExt(ExtRow row) {
            return a.evalExt(row).neg();
        }
    }
}
