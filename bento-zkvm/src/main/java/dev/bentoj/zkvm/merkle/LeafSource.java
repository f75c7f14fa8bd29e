package dev.bentoj.zkvm.merkle;

/**
 * The rows a {@link MerkleTree} commits to: {@link #leafCount()} leaves of {@link #leafWidth()}
 * base field elements each (Montgomery form). Implementations view data the prover already holds
 * (a column-major matrix, an FRI layer) without copying it; {@link #fillLeaves} is called from
 * several threads at once and must not modify shared state.
 */
public interface LeafSource {

    /** Number of leaves, a power of two (at least 1). */
    int leafCount();

    /** Number of field elements per leaf. */
    int leafWidth();

    /**
     * Writes leaves {@code first … first + count − 1} back to back to
     * {@code dst[0..count·leafWidth())}, each in hashing order. Several leaves at once let a
     * column-major source read each column sequentially instead of one cache line per cell.
     */
    void fillLeaves(int first, int count, int[] dst);

    /** Leaf i = row i of a column-major matrix: {@code columns[c][i]} for c = 0, 1, …. */
    static LeafSource ofColumns(int[][] columns) {
        return new ColumnMajorLeaves(columns);
    }

    /**
     * Leaf g = values g·arity … g·arity + arity − 1 of an FRI layer stored as 4 coordinate
     * columns, value by value, coordinates 0..3 each.
     */
    static LeafSource ofFriLayer(int[][] coordinates, int arity) {
        return new FriLayerLeaves(coordinates, arity);
    }
}
