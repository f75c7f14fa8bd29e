package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.air.Constraint;
import dev.bentoj.zkvm.air.Expr;
import dev.bentoj.zkvm.air.Interaction;
import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * What the AIR says about a patched witness, fast: the constraints violated on the rows that
 * differ from the honest trace (and their neighbours), and whether the LogUp sums still balance
 * (the change of Σ m/(α − fp) over those rows at random challenges). A witness the AIR accepts
 * has neither; the STARK's own soundness is tested in the stark package.
 */
final class AirCheck {
    private final Rv32imAir air;
    private final int[][] honest;
    private final int[][] pre;
    private final int[] pub;
    private final Ext alpha;
    private final Ext[] beta;

    AirCheck(Rv32imAir air, int[][] honest, int[] publicValues) {
        this.air = air;
        this.honest = honest;
        this.pre = air.preprocessedColumns(Integer.numberOfTrailingZeros(honest[0].length));
        this.pub = new int[publicValues.length];
        for (int i = 0; i < pub.length; i++) {
            pub[i] = BabyBear.toMont(publicValues[i]);
        }
        Random r = new Random(7);
        alpha = Ext.fromCanonical(r.nextInt(BabyBear.P), r.nextInt(BabyBear.P), r.nextInt(BabyBear.P), r.nextInt(BabyBear.P));
        Ext b = Ext.fromCanonical(r.nextInt(BabyBear.P), r.nextInt(BabyBear.P), r.nextInt(BabyBear.P), r.nextInt(BabyBear.P));
        beta = new Ext[8];
        beta[0] = Ext.ONE;
        for (int i = 1; i < 8; i++) {
            beta[i] = beta[i - 1].mul(b);
        }
    }

    static int[][] copy(int[][] t) {
        int[][] c = new int[t.length][];
        for (int i = 0; i < t.length; i++) {
            c[i] = t[i].clone();
        }
        return c;
    }

    /** Violated constraints and an unbalanced LogUp, as readable strings; empty if the AIR accepts. */
    List<String> violations(int[][] patched) {
        return violations(patched, Ext.ZERO);
    }

    /**
     * As {@link #violations(int[][])}, for a witness of other public values whose terms change the
     * trace's LogUp sum by {@code publicChange}.
     */
    List<String> violations(int[][] patched, Ext publicChange) {
        int n = honest[0].length;
        TreeSet<Integer> changed = new TreeSet<>();
        for (int c = 0; c < patched.length; c++) {
            for (int i = 0; i < n; i++) {
                if (patched[c][i] != honest[c][i]) {
                    changed.add(i);
                }
            }
        }
        List<String> out = new ArrayList<>();
        TreeSet<Integer> rows = new TreeSet<>();
        for (int i : changed) {
            rows.add(i);
            rows.add((i - 1 + n) % n);
        }
        for (int i : rows) {
            for (Constraint c : air.constraints()) {
                boolean applies = switch (c.kind()) {
                    case FIRST -> i == 0;
                    case LAST -> i == n - 1;
                    case TRANSITION -> i != n - 1;
                    case ALL -> true;
                };
                if (applies && c.expr().evalBase(row(patched, i)) != 0) {
                    out.add(c.name() + " @" + i);
                }
            }
        }
        Ext delta = Ext.ZERO;
        for (int i : changed) {
            delta = delta.add(logUp(patched, i)).sub(logUp(honest, i));
        }
        if (!delta.sub(publicChange).isZero()) {
            out.add("LogUp unbalanced");
        }
        return out;
    }

    private Ext logUp(int[][] t, int i) {
        return fractions(air.interactions(), row(t, i));
    }

    /** Σ m/(α − fp(values, bus)) of {@code interactions} on one row, at this check's challenges. */
    Ext fractions(List<Interaction> interactions, Expr.BaseRow r) {
        Ext sum = Ext.ZERO;
        for (Interaction x : interactions) {
            int m = x.multiplicity().evalBase(r);
            if (m == 0) {
                continue;
            }
            Ext fp = beta[7].mulBase(BabyBear.toMont(x.bus()));
            for (int k = 0; k < x.values().size(); k++) {
                fp = fp.add(beta[k].mulBase(x.values().get(k).evalBase(r)));
            }
            sum = sum.add(alpha.sub(fp).inv().mulBase(m));
        }
        return sum;
    }

    /** Row i of trace t (next row wrapping around), with the preprocessed columns and public values. */
    Expr.BaseRow row(int[][] t, int i) {
        int n = t[0].length;
        return new Expr.BaseRow() {
            public int column(boolean preprocessed, int index, boolean next) {
                return (preprocessed ? pre : t)[index][next ? (i + 1) % n : i];
            }

            public int publicValue(int index) {
                return pub[index];
            }
        };
    }
}
