package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.exec.GuestMemoryMap;
import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.Poseidon2Hasher;

/**
 * The pages a segment lists (rv32im-air.md §6): strictly increasing indices, each a guest page
 * or the system page, with their 256 words before and after the segment.
 */
record PageList(int[] indices, int[][] before, int[][] after) {

    /**
     * @throws IllegalArgumentException naming what is malformed
     */
    PageList {
        if (indices.length != before.length || indices.length != after.length) {
            throw new IllegalArgumentException("page list: " + indices.length + " indices, " + before.length
                    + " before pages, " + after.length + " after pages");
        }
        for (int i = 0; i < indices.length; i++) {
            int pg = indices[i];
            boolean guest = pg >= GuestMemoryMap.FIRST_GUEST_PAGE && pg < GuestMemoryMap.GUEST_PAGE_END;
            if (!guest && pg != GuestMemoryMap.SYSTEM_PAGE) {
                throw new IllegalArgumentException(String.format("page list: page 0x%x is neither a guest page "
                        + "nor the system page", pg));
            }
            if (i > 0 && pg <= indices[i - 1]) {
                throw new IllegalArgumentException("page list: indices not strictly increasing at position " + i);
            }
            if (before[i].length != GuestMemoryMap.PAGE_WORDS || after[i].length != GuestMemoryMap.PAGE_WORDS) {
                throw new IllegalArgumentException("page list: page " + i + " does not have "
                        + GuestMemoryMap.PAGE_WORDS + " words");
            }
        }
    }

    int size() {
        return indices.length;
    }

    /** Position of page {@code pg} in the list, or −1. */
    int position(int pg) {
        int i = java.util.Arrays.binarySearch(indices, pg);
        return i < 0 ? -1 : i;
    }

    /**
     * The Poseidon2 digest of the whole list (count, then per page its index and the halves of
     * its words before and after): the public values carry it in place of the list.
     */
    Digest digest() {
        int words = GuestMemoryMap.PAGE_WORDS;
        int[] e = new int[1 + indices.length * (1 + 4 * words)];
        int at = 0;
        e[at++] = BabyBear.toMont(indices.length);
        for (int i = 0; i < indices.length; i++) {
            e[at++] = BabyBear.toMont(indices[i]);
            for (int[] page : new int[][] {before[i], after[i]}) {
                for (int w : page) {
                    e[at++] = BabyBear.toMont(w & 0xffff);
                    e[at++] = BabyBear.toMont(w >>> 16);
                }
            }
        }
        return Poseidon2Hasher.INSTANCE.hashTagged(Poseidon2Hasher.PAGE_LIST, e, 0, e.length);
    }
}
