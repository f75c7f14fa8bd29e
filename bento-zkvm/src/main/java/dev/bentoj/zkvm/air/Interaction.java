package dev.bentoj.zkvm.air;

import java.util.List;

/**
 * One LogUp interaction per row: the tuple {@code values} on bus {@code bus} with multiplicity
 * {@code multiplicity} (a lookup: its selector; a table row: minus its count). Over the whole
 * trace, and together with the verifier's public terms, the fractions m/(α − fp(tuple)) of
 * every bus must sum to zero.
 */
public record Interaction(String name, int bus, List<Expr> values, Expr multiplicity) {
    public Interaction {
        if (bus < 1) {
            throw new IllegalArgumentException("bus ids start at 1, was " + bus);
        }
        values = List.copyOf(values);
    }

    /** Degree of the denominator α − fp(values). */
    public int denominatorDegree() {
        return values.stream().mapToInt(Expr::degree).max().orElse(0);
    }
}
