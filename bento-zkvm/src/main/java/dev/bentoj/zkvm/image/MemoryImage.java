package dev.bentoj.zkvm.image;

import dev.bentoj.zkvm.elf.Program;
import dev.bentoj.zkvm.exec.GuestMemoryMap;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.Poseidon2Hasher;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The whole initial machine state of a guest as 1 KiB pages: the loaded segments, zeros
 * elsewhere, and the register page with {@code x2 = 0x0C00_0000}. Its memory root and the entry
 * pc, and nothing else of the ELF, determine the image id.
 */
public final class MemoryImage {
    private final int entry;
    private final SortedMap<Integer, int[]> pages;

    private MemoryImage(int entry, SortedMap<Integer, int[]> pages) {
        this.entry = entry;
        this.pages = pages;
    }

    public static MemoryImage of(Program program) {
        SortedMap<Integer, int[]> pages = new TreeMap<>();
        program.forEachLoadedRange((vaddr, bytes) -> {
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == 0) {
                    continue;
                }
                int addr = vaddr + i;
                int[] page = pages.computeIfAbsent(addr >>> GuestMemoryMap.PAGE_SHIFT,
                        k -> new int[GuestMemoryMap.PAGE_WORDS]);
                int w = (addr >>> 2) & (GuestMemoryMap.PAGE_WORDS - 1);
                page[w] |= (bytes[i] & 0xff) << ((addr & 3) * 8);
            }
        });
        int[] registers = new int[GuestMemoryMap.PAGE_WORDS];
        registers[2] = GuestMemoryMap.GUEST_END;
        pages.put(GuestMemoryMap.SYSTEM_PAGE, registers);
        return new MemoryImage(program.entry(), pages);
    }

    public int entry() {
        return entry;
    }

    /** The non-zero pages by index; the caller must not modify the arrays. */
    public SortedMap<Integer, int[]> pages() {
        return java.util.Collections.unmodifiableSortedMap(pages);
    }

    public MemoryTree tree() {
        MemoryTree tree = new MemoryTree();
        for (Map.Entry<Integer, int[]> e : pages.entrySet()) {
            tree.setPage(e.getKey(), e.getValue());
        }
        return tree;
    }

    /** The Poseidon2 root of the initial memory. */
    public Digest root() {
        return tree().root();
    }

    /** The image id: the tagged hash of the initial memory root and the entry pc. */
    public Digest imageId() {
        return imageId(new SystemState(entry, root()));
    }

    /**
     * {@code hashTagged(IMAGE, root ‖ pc.lo ‖ pc.hi)}, the pc split into 16-bit halves so that
     * every 32-bit value has exactly one encoding.
     */
    public static Digest imageId(SystemState state) {
        int[] e = new int[Digest.SIZE + 2];
        state.root().copyTo(e, 0);
        e[Digest.SIZE] = dev.bentoj.zkvm.field.BabyBear.toMont(state.pc() & 0xffff);
        e[Digest.SIZE + 1] = dev.bentoj.zkvm.field.BabyBear.toMont(state.pc() >>> 16);
        return Poseidon2Hasher.INSTANCE.hashTagged(Poseidon2Hasher.IMAGE, e, 0, e.length);
    }
}
