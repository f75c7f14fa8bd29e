package dev.bentoj.zkvm.air;

/** {@code expr = 0} on the rows {@code kind} names. The name appears in self-check failures. */
public record Constraint(String name, ConstraintKind kind, Expr expr) {
    public static Constraint first(String name, Expr e) {
        return new Constraint(name, ConstraintKind.FIRST, e);
    }

    public static Constraint last(String name, Expr e) {
        return new Constraint(name, ConstraintKind.LAST, e);
    }

    public static Constraint transition(String name, Expr e) {
        return new Constraint(name, ConstraintKind.TRANSITION, e);
    }

    public static Constraint all(String name, Expr e) {
        return new Constraint(name, ConstraintKind.ALL, e);
    }

    /** Quotient chunks this constraint needs: deg − 1 on TRANSITION/ALL rows, deg on FIRST/LAST. */
    public int quotientChunks() {
        int d = expr.degree();
        return kind == ConstraintKind.FIRST || kind == ConstraintKind.LAST ? d : Math.max(d - 1, 0);
    }
}
