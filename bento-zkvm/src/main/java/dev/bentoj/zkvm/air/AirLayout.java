package dev.bentoj.zkvm.air;

import dev.bentoj.zkvm.field.BabyBear;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the STARK derives from an {@link Air}, identically on both sides: how LogUp
 * interactions are batched into fraction columns, the auxiliary width, the constraint count and
 * order, the number of quotient chunks and the AIR id.
 *
 * <p>Constraint order: the AIR's own, then one fraction constraint per group, then the running
 * sum's FIRST, TRANSITION and LAST constraints.
 */
public final class AirLayout {
    /** Degree budget of a fraction constraint (two degree-1 interactions per column). */
    public static final int LOGUP_DEGREE = 3;

    private final Air air;
    private final List<int[]> groups;
    private final int tupleWidth;
    private final int quotientChunks;
    private final byte[] airId;

    private AirLayout(Air air) {
        this.air = air;
        List<Interaction> interactions = air.interactions();
        this.groups = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        for (int i = 0; i < interactions.size(); i++) {
            current.add(i);
            if (groupDegree(interactions, current) > LOGUP_DEGREE && current.size() > 1) {
                current.remove(current.size() - 1);
                groups.add(current.stream().mapToInt(Integer::intValue).toArray());
                current = new ArrayList<>(List.of(i));
            }
        }
        if (!current.isEmpty()) {
            groups.add(current.stream().mapToInt(Integer::intValue).toArray());
        }
        this.tupleWidth = interactions.stream().mapToInt(x -> x.values().size()).max().orElse(0);
        int q = 1;
        for (Constraint c : air.constraints()) {
            q = Math.max(q, c.quotientChunks());
        }
        for (int[] g : groups) {
            q = Math.max(q, groupDegree(interactions, g) - 1);
        }
        this.quotientChunks = q;
        this.airId = computeAirId();
    }

    public static AirLayout of(Air air) {
        if (air.mainWidth() <= 0) {
            throw new IllegalArgumentException("an AIR needs at least one main column");
        }
        return new AirLayout(air);
    }

    private static int groupDegree(List<Interaction> all, List<Integer> group) {
        return groupDegree(all, group.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Degree of h·Πφ − Σ m_j·Π_{l≠j} φ_l. */
    static int groupDegree(List<Interaction> all, int[] group) {
        int sumPhi = 0;
        for (int j : group) {
            sumPhi += all.get(j).denominatorDegree();
        }
        int d = 1 + sumPhi;
        for (int j : group) {
            d = Math.max(d, all.get(j).multiplicity().degree() + sumPhi - all.get(j).denominatorDegree());
        }
        return d;
    }

    private byte[] computeAirId() {
        StringBuilder s = new StringBuilder("bento-zkvm/air/v1\n");
        s.append(air.name()).append('\n')
                .append("pre=").append(air.preprocessedWidth())
                .append(" main=").append(air.mainWidth())
                .append(" public=").append(air.publicValueCount())
                .append(" logn=").append(air.minLogN()).append("..").append(air.maxLogN()).append('\n');
        for (Constraint c : air.constraints()) {
            s.append(c).append('\n');
        }
        for (Interaction i : air.interactions()) {
            s.append(i).append('\n');
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Air air() {
        return air;
    }

    public boolean hasLookups() {
        return !groups.isEmpty();
    }

    /** Interaction indices of fraction column g. */
    public int[] group(int g) {
        return groups.get(g).clone();
    }

    public int groupCount() {
        return groups.size();
    }

    /** Widest tuple W: fingerprints are Σ_{j<W} β^j·v_j + β^W·bus. */
    public int tupleWidth() {
        return tupleWidth;
    }

    /** Auxiliary base columns: 4 per fraction column plus 4 for the running sum. */
    public int auxWidth() {
        return hasLookups() ? 4 * (groups.size() + 1) : 0;
    }

    public int constraintCount() {
        return air.constraints().size() + (hasLookups() ? groups.size() + 3 : 0);
    }

    public int quotientChunks() {
        return quotientChunks;
    }

    public int interactionCount() {
        return air.interactions().size();
    }

    public byte[] airId() {
        return airId.clone();
    }

    /** LogUp counts are field elements: multiset equality needs n·I (+ public terms) below p. */
    public boolean multiplicitiesBounded(int logN, int publicTerms) {
        return ((long) interactionCount() << logN) + publicTerms < BabyBear.P;
    }
}
