package dev.bentoj.zkvm.image;

import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.Poseidon2Hasher;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One Merkle multiproof for a set of pages (rv32im-air.md §7): the sibling digests, level by
 * level from the pages up, of every node whose sibling is not itself derived from the listed
 * pages. A segment changes only its listed pages, so the same siblings connect the pages' old
 * contents to the pre-state root and their new contents to the post-state root.
 */
public final class PageMultiproof {
    private PageMultiproof() {
    }

    /** The siblings proving {@code pages} (strictly increasing) under {@code tree}'s root. */
    public static Digest[] siblings(MemoryTree tree, int[] pages) {
        requireIncreasing(pages);
        List<Digest> out = new ArrayList<>();
        int[] known = pages.clone();
        for (int h = 0; h < MemoryTree.DEPTH; h++) {
            int parents = 0;
            for (int i = 0; i < known.length; i++) {
                int idx = known[i];
                boolean paired = (idx & 1) == 0 && i + 1 < known.length && known[i + 1] == idx + 1;
                if (paired) {
                    i++;
                } else {
                    out.add(tree.node(h, idx ^ 1));
                }
                known[parents++] = idx >>> 1;
            }
            known = Arrays.copyOf(known, parents);
        }
        return out.toArray(new Digest[0]);
    }

    /**
     * The root over {@code leaves} of {@code pages} (strictly increasing) and {@code siblings}.
     *
     * @throws IllegalArgumentException if the pages are not strictly increasing or in range, or
     *                                  the sibling count does not fit them exactly
     */
    public static Digest root(int[] pages, Digest[] leaves, Digest[] siblings) {
        requireIncreasing(pages);
        if (leaves.length != pages.length || pages.length == 0) {
            throw new IllegalArgumentException("a multiproof needs one leaf per listed page, at least one");
        }
        Poseidon2Hasher hasher = Poseidon2Hasher.INSTANCE;
        int[] known = pages.clone();
        Digest[] values = leaves.clone();
        int s = 0;
        for (int h = 0; h < MemoryTree.DEPTH; h++) {
            int parents = 0;
            for (int i = 0; i < known.length; i++) {
                int idx = known[i];
                Digest parent;
                if ((idx & 1) == 0 && i + 1 < known.length && known[i + 1] == idx + 1) {
                    parent = hasher.compress(values[i], values[i + 1]);
                    i++;
                } else {
                    if (s == siblings.length) {
                        throw new IllegalArgumentException("the multiproof has too few siblings");
                    }
                    Digest sib = siblings[s++];
                    parent = (idx & 1) == 0 ? hasher.compress(values[i], sib) : hasher.compress(sib, values[i]);
                }
                known[parents] = idx >>> 1;
                values[parents++] = parent;
            }
            known = Arrays.copyOf(known, parents);
        }
        if (s != siblings.length) {
            throw new IllegalArgumentException("the multiproof has " + (siblings.length - s) + " unused siblings");
        }
        return values[0];
    }

    private static void requireIncreasing(int[] pages) {
        for (int i = 0; i < pages.length; i++) {
            if (pages[i] < 0 || pages[i] >= (1 << MemoryTree.DEPTH)) {
                throw new IllegalArgumentException("page index " + pages[i] + " outside the address space");
            }
            if (i > 0 && pages[i] <= pages[i - 1]) {
                throw new IllegalArgumentException("page indices are not strictly increasing at position " + i);
            }
        }
    }
}
