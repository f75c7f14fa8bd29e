package dev.bentoj.zkvm.air;

/**
 * A LogUp term the verifier computes itself from public values: {@code multiplicity/(α −
 * fp(values, bus))}, values canonical. Page-in (+1) and page-out (−1) terms are of this kind.
 */
public record PublicInteraction(int bus, int[] values, long multiplicity) {
    public PublicInteraction {
        values = values.clone();
    }

    @Override
    public int[] values() {
        return values.clone();
    }
}
