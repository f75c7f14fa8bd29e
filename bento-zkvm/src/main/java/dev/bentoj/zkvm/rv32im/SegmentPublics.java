package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.exec.GuestMemoryMap;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.image.MemoryTree;
import dev.bentoj.zkvm.image.PageMultiproof;

/**
 * Recomputes a segment's public values from what its receipt lists (rv32im-air.md §8), the same
 * way on both sides: the roots from the pages and the multiproof, the page list digest, the
 * boundary pcs and halt data as 16-bit halves.
 */
final class SegmentPublics {
    private SegmentPublics() {
    }

    static Digest root(PageList pages, int[][] contents, Digest[] siblings) {
        Digest[] leaves = new Digest[pages.size()];
        for (int i = 0; i < leaves.length; i++) {
            leaves[i] = MemoryTree.pageDigest(contents[i]);
        }
        return PageMultiproof.root(pages.indices(), leaves, siblings);
    }

    static int[] values(int po2, int prePc, int postPc, Digest preRoot, Digest postRoot, boolean halted,
                        int exitCode, int digestPtr, PageList pages) {
        int[] pub = new int[Publics.COUNT];
        pub[Publics.PO2] = po2;
        pub[Publics.T_END] = 8 << po2;
        pub[Publics.PRE_PC_LO] = prePc & 0xffff;
        pub[Publics.PRE_PC_HI] = prePc >>> 16;
        pub[Publics.POST_PC_LO] = postPc & 0xffff;
        pub[Publics.POST_PC_HI] = postPc >>> 16;
        System.arraycopy(preRoot.toCanonical(), 0, pub, Publics.PRE_ROOT, Digest.SIZE);
        System.arraycopy(postRoot.toCanonical(), 0, pub, Publics.POST_ROOT, Digest.SIZE);
        if (halted) {
            pub[Publics.HALTED] = 1;
            pub[Publics.EXIT_LO] = exitCode & 0xffff;
            pub[Publics.EXIT_HI] = exitCode >>> 16;
            pub[Publics.PTR_LO] = digestPtr & 0xffff;
            pub[Publics.PTR_HI] = digestPtr >>> 16;
        }
        System.arraycopy(pages.digest().toCanonical(), 0, pub, Publics.PAGES, Digest.SIZE);
        return pub;
    }

    /** The digest pointer a halted segment passed in a1: the register page after it. */
    static int digestPointer(PageList pages) {
        int sys = pages.position(GuestMemoryMap.SYSTEM_PAGE);
        return sys < 0 ? 0 : pages.after()[sys][11];
    }
}
