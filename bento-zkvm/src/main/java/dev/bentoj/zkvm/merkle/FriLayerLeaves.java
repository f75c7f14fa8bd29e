package dev.bentoj.zkvm.merkle;

import java.util.Objects;

/**
 * An FRI layer as Merkle leaves ({@code spec/stark-protocol.md} §3.5): the layer is a K-valued
 * codeword in bit-reversed order, stored as 4 coordinate columns; leaf g holds the
 * {@code arity} consecutive values g·arity … g·arity + arity − 1, each as its coordinates
 * 0..3, so a leaf has 4·arity cells. The arrays are viewed, not copied.
 */
public final class FriLayerLeaves implements LeafSource {

    private final int[] c0;
    private final int[] c1;
    private final int[] c2;
    private final int[] c3;
    private final int arity;
    private final int leaves;

    /**
     * @param coordinates 4 columns of equal length M (coordinate j of every value)
     * @param arity       values per leaf k, a power of two with M/k a power of two
     * @throws IllegalArgumentException on any other shape
     */
    public FriLayerLeaves(int[][] coordinates, int arity) {
        Objects.requireNonNull(coordinates, "coordinates");
        if (coordinates.length != 4) {
            throw new IllegalArgumentException("an FRI layer has 4 coordinate columns, got "
                    + coordinates.length);
        }
        int size = Objects.requireNonNull(coordinates[0], "coordinate 0").length;
        for (int j = 1; j < 4; j++) {
            int len = Objects.requireNonNull(coordinates[j], "coordinate " + j).length;
            if (len != size) {
                throw new IllegalArgumentException("FRI layer coordinate " + j + " has " + len
                        + " values, coordinate 0 has " + size);
            }
        }
        if (arity < 1 || Integer.bitCount(arity) != 1) {
            throw new IllegalArgumentException("FRI arity must be a power of two, got " + arity);
        }
        if (size < arity || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("FRI layer size " + size + " must be a power of two "
                    + "and at least the arity " + arity);
        }
        c0 = coordinates[0];
        c1 = coordinates[1];
        c2 = coordinates[2];
        c3 = coordinates[3];
        this.arity = arity;
        this.leaves = size / arity;
    }

    @Override
    public int leafCount() {
        return leaves;
    }

    @Override
    public int leafWidth() {
        return 4 * arity;
    }

    @Override
    public void fillLeaves(int first, int count, int[] dst) {
        int from = first * arity;
        for (int u = 0, d = 0; u < count * arity; u++, d += 4) {
            int v = from + u;
            dst[d] = c0[v];
            dst[d + 1] = c1[v];
            dst[d + 2] = c2[v];
            dst[d + 3] = c3[v];
        }
    }
}
