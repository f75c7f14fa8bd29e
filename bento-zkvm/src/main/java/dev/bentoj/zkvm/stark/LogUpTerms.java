package dev.bentoj.zkvm.stark;

import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.air.Expr;
import dev.bentoj.zkvm.air.Interaction;
import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;

import java.util.List;

/**
 * The LogUp inputs of a block of rows, group by group, from a {@link BlockProgram}: for each
 * interaction j of a group its multiplicity m_j and its denominator
 * φ_j = α − β^W·bus − Σ_k β^k·v_k (the value of {@link LogUp#denominator}). Only one group's
 * values exist at a time.
 */
final class LogUpTerms {
    /** Receives a group's values: member s's φ at phi[4(s·rows + i)..+4), m at mult[s·rows + i]. */
    @FunctionalInterface
    interface GroupSink {
        void accept(int group, int[] phi, int[] mult, int rows);
    }

    private final int firstRoot;
    private final int[][] groups;
    private final int maxMembers;
    /** Per root (from firstRoot): its interaction, its tuple position (−1: the multiplicity). */
    private final int[] rootInteraction;
    private final int[] rootPosition;
    /** Per root: the group it completes, or −1. */
    private final int[] rootCompletes;
    /** Per interaction: its member slot, and α − β^W·bus. */
    private final int[] slot;
    private final int[][] start;
    /** β^k, as 4 coordinates. */
    private final int[][] beta;

    /**
     * Appends to {@code roots}, group by group and member by member, each interaction's
     * multiplicity and then its tuple values.
     */
    LogUpTerms(AirLayout layout, Ext alpha, Ext[] betaPowers, List<Expr> roots) {
        List<Interaction> interactions = layout.air().interactions();
        firstRoot = roots.size();
        groups = new int[layout.groupCount()][];
        slot = new int[interactions.size()];
        start = new int[interactions.size()][];
        int count = 0;
        int widest = 0;
        for (int g = 0; g < groups.length; g++) {
            groups[g] = layout.group(g);
            widest = Math.max(widest, groups[g].length);
            for (int j : groups[g]) {
                count += 1 + interactions.get(j).values().size();
            }
        }
        maxMembers = widest;
        rootInteraction = new int[count];
        rootPosition = new int[count];
        rootCompletes = new int[count];
        int w = betaPowers.length - 1;
        for (int g = 0; g < groups.length; g++) {
            for (int s = 0; s < groups[g].length; s++) {
                int j = groups[g][s];
                Interaction x = interactions.get(j);
                slot[j] = s;
                start[j] = alpha.sub(betaPowers[w].mulBase(BabyBear.toMont(x.bus()))).toArray();
                for (int k = -1; k < x.values().size(); k++) {
                    int r = roots.size() - firstRoot;
                    rootInteraction[r] = j;
                    rootPosition[r] = k;
                    rootCompletes[r] = -1;
                    roots.add(k < 0 ? x.multiplicity() : x.values().get(k));
                }
            }
            rootCompletes[roots.size() - 1 - firstRoot] = g;
        }
        beta = new int[betaPowers.length][];
        for (int k = 0; k < betaPowers.length; k++) {
            beta[k] = betaPowers[k].toArray();
        }
    }

    /** The most interactions in one group. */
    int maxMembers() {
        return maxMembers;
    }

    int[] members(int group) {
        return groups[group];
    }

    /** One thread's buffers for blocks of {@code rows} rows, handing each complete group to {@code sink}. */
    Block block(GroupSink sink, int rows) {
        return new Block(sink, rows);
    }

    /** Collects the LogUp roots of a block. */
    final class Block implements BlockProgram.Sink {
        private final GroupSink sink;
        private final int rows;
        private final int[] phi;
        private final int[] mult;

        private Block(GroupSink sink, int rows) {
            this.sink = sink;
            this.rows = rows;
            this.phi = new int[4 * maxMembers * rows];
            this.mult = new int[maxMembers * rows];
        }

        /** Takes root {@code root} (a LogUp root: root ≥ the first appended one). */
        @Override
        public void accept(int root, int[] values, int offset) {
            int r = root - firstRoot;
            int j = rootInteraction[r];
            int s = slot[j];
            int k = rootPosition[r];
            if (k < 0) {
                System.arraycopy(values, offset, mult, s * rows, rows);
                int[] c = start[j];
                for (int i = 4 * s * rows, end = 4 * (s + 1) * rows; i < end; i += 4) {
                    phi[i] = c[0];
                    phi[i + 1] = c[1];
                    phi[i + 2] = c[2];
                    phi[i + 3] = c[3];
                }
            } else if (k == 0) {
                // β^0 = 1: only the first coordinate changes.
                for (int i = 0; i < rows; i++) {
                    int o = 4 * (s * rows + i);
                    phi[o] = BabyBear.sub(phi[o], values[offset + i]);
                }
            } else {
                int[] b = beta[k];
                for (int i = 0; i < rows; i++) {
                    int v = values[offset + i];
                    int o = 4 * (s * rows + i);
                    phi[o] = BabyBear.sub(phi[o], BabyBear.mul(v, b[0]));
                    phi[o + 1] = BabyBear.sub(phi[o + 1], BabyBear.mul(v, b[1]));
                    phi[o + 2] = BabyBear.sub(phi[o + 2], BabyBear.mul(v, b[2]));
                    phi[o + 3] = BabyBear.sub(phi[o + 3], BabyBear.mul(v, b[3]));
                }
            }
            if (rootCompletes[r] >= 0) {
                sink.accept(rootCompletes[r], phi, mult, rows);
            }
        }
    }
}
