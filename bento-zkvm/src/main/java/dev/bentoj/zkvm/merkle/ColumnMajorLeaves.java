package dev.bentoj.zkvm.merkle;

import java.util.Objects;

/**
 * The rows of a column-major matrix as Merkle leaves: leaf i is
 * (columns[0][i], columns[1][i], …), as trace and LDE trees commit to them
 * ({@code spec/stark-protocol.md} §3.3 P1). The arrays are viewed, not copied.
 */
public final class ColumnMajorLeaves implements LeafSource {

    private final int[][] columns;
    private final int rows;

    /**
     * @param columns at least one column; all of the same power-of-two length
     * @throws IllegalArgumentException if there are no columns, lengths differ or are not a
     *                                  power of two
     */
    public ColumnMajorLeaves(int[][] columns) {
        Objects.requireNonNull(columns, "columns");
        if (columns.length == 0) {
            throw new IllegalArgumentException("a matrix to commit needs at least one column");
        }
        rows = Objects.requireNonNull(columns[0], "column 0").length;
        if (Integer.bitCount(rows) != 1) {
            throw new IllegalArgumentException(
                    "a committed matrix needs a power-of-two row count, got " + rows);
        }
        for (int c = 1; c < columns.length; c++) {
            int len = Objects.requireNonNull(columns[c], "column " + c).length;
            if (len != rows) {
                throw new IllegalArgumentException("column " + c + " has " + len
                        + " rows, column 0 has " + rows + ": all columns must have equal length");
            }
        }
        this.columns = columns.clone(); // the outer array only: the columns are shared
    }

    @Override
    public int leafCount() {
        return rows;
    }

    @Override
    public int leafWidth() {
        return columns.length;
    }

    /** Column by column: a row-by-row gather would touch a new cache line, often a new page, per cell. */
    @Override
    public void fillLeaves(int first, int count, int[] dst) {
        int[][] cols = columns;
        int width = cols.length;
        for (int c = 0; c < width; c++) {
            int[] col = cols[c];
            for (int r = 0, at = c; r < count; r++, at += width) {
                dst[at] = col[first + r];
            }
        }
    }
}
