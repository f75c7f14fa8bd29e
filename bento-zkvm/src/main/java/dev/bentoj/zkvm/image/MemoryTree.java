package dev.bentoj.zkvm.image;

import dev.bentoj.zkvm.exec.GuestMemoryMap;
import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.Poseidon2Hasher;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Poseidon2 Merkle tree over all 2^22 pages of the 32-bit address space. A page's leaf is
 * {@code hashLeaf} of its 256 words as 512 field elements (low half, high half of each word:
 * a 32-bit word exceeds p, its halves do not); nodes are {@code compress(left, right)}. Only
 * nodes above non-zero pages are stored; all-zero subtrees use precomputed digests.
 */
public final class MemoryTree {
    public static final int DEPTH = GuestMemoryMap.PAGE_COUNT_LOG;
    private static final Poseidon2Hasher HASHER = Poseidon2Hasher.INSTANCE;
    /** ZERO_SUBTREE[h]: the root of an all-zero subtree of height h. */
    private static final Digest[] ZERO_SUBTREE = new Digest[DEPTH + 1];

    static {
        ZERO_SUBTREE[0] = pageDigest(new int[GuestMemoryMap.PAGE_WORDS]);
        for (int h = 1; h <= DEPTH; h++) {
            ZERO_SUBTREE[h] = HASHER.compress(ZERO_SUBTREE[h - 1], ZERO_SUBTREE[h - 1]);
        }
    }

    /** levels.get(h): node index at height h → digest, only where it differs from zero. */
    private final List<Map<Integer, Digest>> levels = new ArrayList<>();

    public MemoryTree() {
        for (int h = 0; h <= DEPTH; h++) {
            levels.add(new HashMap<>());
        }
    }

    /** The leaf digest of one page's 256 words. */
    public static Digest pageDigest(int[] words) {
        if (words.length != GuestMemoryMap.PAGE_WORDS) {
            throw new IllegalArgumentException("a page has " + GuestMemoryMap.PAGE_WORDS + " words, not " + words.length);
        }
        int[] e = new int[2 * words.length];
        for (int i = 0; i < words.length; i++) {
            e[2 * i] = BabyBear.toMont(words[i] & 0xffff);
            e[2 * i + 1] = BabyBear.toMont(words[i] >>> 16);
        }
        return HASHER.hashLeaf(e, 0, e.length);
    }

    /** Sets one page and updates its path to the root. */
    public void setPage(int pageIndex, int[] words) {
        setPages(new int[] {pageIndex}, new int[][] {words});
    }

    /** Sets several pages, then recomputes each affected node once. */
    public void setPages(int[] pageIndices, int[][] contents) {
        java.util.TreeSet<Integer> dirty = new java.util.TreeSet<>();
        for (int i = 0; i < pageIndices.length; i++) {
            int pg = pageIndices[i];
            if (pg < 0 || pg >= (1 << DEPTH)) {
                throw new IllegalArgumentException("page index " + pg + " outside the address space");
            }
            put(0, pg, pageDigest(contents[i]));
            dirty.add(pg >>> 1);
        }
        for (int h = 1; h <= DEPTH; h++) {
            java.util.TreeSet<Integer> up = new java.util.TreeSet<>();
            for (int idx : dirty) {
                put(h, idx, HASHER.compress(node(h - 1, 2 * idx), node(h - 1, 2 * idx + 1)));
                up.add(idx >>> 1);
            }
            dirty = up;
        }
    }

    private void put(int h, int idx, Digest d) {
        if (d.equals(ZERO_SUBTREE[h])) {
            levels.get(h).remove(idx);
        } else {
            levels.get(h).put(idx, d);
        }
    }

    /** The digest of node {@code idx} at height {@code h} (0 = pages). */
    public Digest node(int h, int idx) {
        Digest d = levels.get(h).get(idx);
        return d != null ? d : ZERO_SUBTREE[h];
    }

    public Digest root() {
        return node(DEPTH, 0);
    }

    /** The siblings from the page level up: what proves one page's leaf under the root. */
    public Digest[] path(int pageIndex) {
        Digest[] siblings = new Digest[DEPTH];
        int idx = pageIndex;
        for (int h = 0; h < DEPTH; h++) {
            siblings[h] = node(h, idx ^ 1);
            idx >>>= 1;
        }
        return siblings;
    }

    /** Recomputes a root from one page's leaf and its path (bit h of the index: 0 = left child). */
    public static Digest rootFromPath(int pageIndex, Digest leaf, Digest[] siblings) {
        if (siblings.length != DEPTH) {
            throw new IllegalArgumentException("a path has " + DEPTH + " siblings, not " + siblings.length);
        }
        Digest cur = leaf;
        int idx = pageIndex;
        for (int h = 0; h < DEPTH; h++) {
            cur = (idx & 1) == 0 ? HASHER.compress(cur, siblings[h]) : HASHER.compress(siblings[h], cur);
            idx >>>= 1;
        }
        return cur;
    }
}
