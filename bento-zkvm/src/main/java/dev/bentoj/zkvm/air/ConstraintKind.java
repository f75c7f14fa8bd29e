package dev.bentoj.zkvm.air;

/** Where a constraint must hold: the first row, the last row, every row but the last, every row. */
public enum ConstraintKind {
    FIRST, LAST, TRANSITION, ALL
}
