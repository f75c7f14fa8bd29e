package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.air.Air;
import dev.bentoj.zkvm.air.Constraint;
import dev.bentoj.zkvm.air.Interaction;
import dev.bentoj.zkvm.air.PublicInteraction;
import dev.bentoj.zkvm.exec.GuestMemoryMap;
import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.HashSuite;
import dev.bentoj.zkvm.merkle.ColumnMajorLeaves;
import dev.bentoj.zkvm.merkle.MerkleTree;
import dev.bentoj.zkvm.ntt.Lde;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The RV32IM segment AIR of rv32im-air.md, version 1, for one segment's page list: the
 * constraints and lookups are the same for every segment (they alone determine the AIR id); the
 * page list gives the verifier's page-in and page-out terms.
 *
 * <p>One deviation from the specification, a soundness fix: the carries co_j of the product
 * identity are range-checked as u16 and also as 16·co_j ∈ u16 (co_j &lt; 2^12, what honest
 * carries satisfy). With u16 alone, 65536·co_j reaches 2^32 &gt; p and a limb identity could
 * hold modulo p with the integer value −p, forging the low half of a product. The four extra
 * R16 lookups make 64 interactions per row (n·I = 2^30 &lt; p at po2 24).
 */
public final class Rv32imAir implements Air {
    public static final String NAME = "rv32im-segment/v1";
    public static final int MIN_PO2 = 16;
    public static final int MAX_PO2 = 24;
    /** Page-out rows per listed page: 256 words, four per row. */
    public static final int PAGE_OUT_ROWS = 64;

    private static final Rv32imConstraints DECLARATION = Rv32imConstraints.build();
    private static final Map<Long, Digest> PREPROCESSED_ROOTS = new ConcurrentHashMap<>();

    private final PageList pages;

    Rv32imAir(PageList pages) {
        this.pages = pages;
    }

    PageList pages() {
        return pages;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int mainWidth() {
        return Cols.WIDTH;
    }

    @Override
    public int publicValueCount() {
        return Publics.COUNT;
    }

    @Override
    public List<Constraint> constraints() {
        return DECLARATION.constraints;
    }

    @Override
    public List<Interaction> interactions() {
        return DECLARATION.interactions;
    }

    @Override
    public int minLogN() {
        return MIN_PO2;
    }

    @Override
    public int maxLogN() {
        return MAX_PO2;
    }

    @Override
    public int preprocessedWidth() {
        return Cols.PRE_WIDTH;
    }

    /** Byte tables and decode tables over j = i mod 2^16 (§2), Montgomery form. */
    @Override
    public int[][] preprocessedColumns(int logN) {
        int n = 1 << logN;
        int[][] cols = new int[Cols.PRE_WIDTH][n];
        for (int i = 0; i < n; i++) {
            int j = i & 0xffff;
            int ba = j >>> 8;
            int bb = j & 255;
            int[] v = {ba, bb, ba ^ bb,
                j & 127, (j >>> 7) & 1, (j >>> 8) & 15, (j >>> 12) & 7, j >>> 15,
                j & 15, (j >>> 4) & 1, (j >>> 5) & 7, (j >>> 8) & 1, (j >>> 9) & 7, (j >>> 12) & 7, j >>> 15};
            for (int c = 0; c < v.length; c++) {
                cols[c][i] = BabyBear.toMont(v[c]);
            }
        }
        return cols;
    }

    /** Computed once per height, blowup and hash suite in this process: every segment shares the tables. */
    @Override
    public Digest preprocessedRoot(int logN, int logBlowup, HashSuite suite) {
        long key = (long) suite.id() << 16 | logN << 8 | logBlowup;
        return PREPROCESSED_ROOTS.computeIfAbsent(key, k -> MerkleTree.commit(
                new ColumnMajorLeaves(Lde.extend(preprocessedColumns(logN), logBlowup)), suite).root());
    }

    @Override
    public void checkPublicValues(int[] pub) {
        int po2 = pub[Publics.PO2];
        if (po2 < MIN_PO2 || po2 > MAX_PO2) {
            throw new IllegalArgumentException("po2 " + po2 + " outside [" + MIN_PO2 + ", " + MAX_PO2 + "]");
        }
        if (pub[Publics.T_END] != 8 << po2) {
            throw new IllegalArgumentException("T_END is not 8·2^po2");
        }
        for (int i : new int[] {Publics.PRE_PC_LO, Publics.PRE_PC_HI, Publics.POST_PC_LO, Publics.POST_PC_HI,
            Publics.EXIT_LO, Publics.EXIT_HI, Publics.PTR_LO, Publics.PTR_HI}) {
            if (pub[i] >>> 16 != 0) {
                throw new IllegalArgumentException("public value " + i + " is not a 16-bit half");
            }
        }
        int halted = pub[Publics.HALTED];
        if (halted != 0 && halted != 1) {
            throw new IllegalArgumentException("halted flag is " + halted);
        }
        if (halted == 0 && (pub[Publics.EXIT_LO] | pub[Publics.EXIT_HI] | pub[Publics.PTR_LO] | pub[Publics.PTR_HI]) != 0) {
            throw new IllegalArgumentException("exit code and digest pointer of a segment that did not halt");
        }
        if ((long) pages.size() * PAGE_OUT_ROWS >= 1L << po2) {
            throw new IllegalArgumentException(pages.size() + " pages do not fit 2^" + po2 + " rows");
        }
        int[] digest = pages.digest().toCanonical();
        for (int i = 0; i < Digest.SIZE; i++) {
            if (pub[Publics.PAGES + i] != digest[i]) {
                throw new IllegalArgumentException("the page list does not match its digest in the public values");
            }
        }
    }

    /**
     * Page-in terms +1/φ(MEM; A, 0, before[A]) and page-out terms −1/φ(MEM; A, T_END + A mod 4,
     * after[A]) for every word of every listed page, and −1/φ(HALT; exit, ptr) if halted (§8).
     */
    @Override
    public List<PublicInteraction> publicInteractions(int[] pub) {
        int tEnd = pub[Publics.T_END];
        List<PublicInteraction> terms = new ArrayList<>(pages.size() * 2 * GuestMemoryMap.PAGE_WORDS + 1);
        for (int p = 0; p < pages.size(); p++) {
            int base = pages.indices()[p] * GuestMemoryMap.PAGE_WORDS;
            for (int w = 0; w < GuestMemoryMap.PAGE_WORDS; w++) {
                int addr = base + w;
                int v = pages.before()[p][w];
                terms.add(new PublicInteraction(Rv32imConstraints.BUS_MEM,
                        new int[] {addr, 0, v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24}, 1));
                int u = pages.after()[p][w];
                terms.add(new PublicInteraction(Rv32imConstraints.BUS_MEM,
                        new int[] {addr, tEnd + (addr & 3), u & 255, (u >>> 8) & 255, (u >>> 16) & 255, u >>> 24}, -1));
            }
        }
        if (pub[Publics.HALTED] == 1) {
            terms.add(new PublicInteraction(Rv32imConstraints.BUS_HALT, new int[] {pub[Publics.EXIT_LO],
                pub[Publics.EXIT_HI], pub[Publics.PTR_LO], pub[Publics.PTR_HI]}, -1));
        }
        return terms;
    }
}
