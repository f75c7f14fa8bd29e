package dev.bentoj.zkvm.image;

import dev.bentoj.zkvm.elf.ElfLoader;
import dev.bentoj.zkvm.exec.Asm;
import dev.bentoj.zkvm.exec.GuestMemoryMap;
import dev.bentoj.zkvm.exec.TestPrograms;
import dev.bentoj.zkvm.hash.Digest;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageIdTest {

    private static byte[] sampleElf() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(Asm.li(10, 42)).haltWithA0();
        return TestPrograms.elf(c.words(), "some data".getBytes());
    }

    private static Digest imageId(byte[] elf) {
        return MemoryImage.of(ElfLoader.load(elf)).imageId();
    }

    @Test
    void imageIdIs64LowercaseHexAndStable() {
        String hex = imageId(sampleElf()).toHex();
        assertTrue(hex.matches("[0-9a-f]{64}"), hex);
        assertEquals(hex, imageId(sampleElf()).toHex());
    }

    @Test
    void sectionHeadersAndTrailingBytesDoNotChangeTheImageId() {
        byte[] elf = sampleElf();
        // What strip changes: section headers, symbols and debug data outside PT_LOAD contents.
        byte[] withSections = Arrays.copyOf(elf, elf.length + 200);
        Arrays.fill(withSections, elf.length, withSections.length, (byte) 0x5a);
        ByteBuffer.wrap(withSections).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(32, elf.length).putShort(46, (short) 40).putShort(48, (short) 5).putShort(50, (short) 4);
        assertEquals(imageId(elf), imageId(withSections));
    }

    @Test
    void changingOneCodeByteChangesTheImageId() {
        byte[] elf = sampleElf();
        byte[] patched = elf.clone();
        patched[52 + 64] ^= 0x10; // first code byte (after the header and two program headers)
        assertNotEquals(imageId(elf), imageId(patched));
    }

    @Test
    void changingTheEntryPointChangesTheImageId() {
        byte[] elf = sampleElf();
        byte[] moved = elf.clone();
        ByteBuffer.wrap(moved).order(ByteOrder.LITTLE_ENDIAN).putInt(24, TestPrograms.CODE_BASE + 4);
        assertNotEquals(imageId(elf), imageId(moved));
    }

    @Test
    void zeroBytesBeyondTheFileImageAreTheSameAsAbsentPages() {
        // memsz > filesz (bss) loads zeros, exactly like memory the ELF never mentions.
        byte[] elf = sampleElf();
        byte[] bigBss = elf.clone();
        ByteBuffer b = ByteBuffer.wrap(bigBss).order(ByteOrder.LITTLE_ENDIAN);
        int dataPhdr = 52 + 32;
        b.putInt(dataPhdr + 20, b.getInt(dataPhdr + 20) + 64 * 1024);
        assertEquals(imageId(elf), imageId(bigBss));
    }

    @Test
    void pageTreePathsVerifyAndDetectForgedSiblings() {
        MemoryImage image = MemoryImage.of(ElfLoader.load(sampleElf()));
        MemoryTree tree = image.tree();
        int page = TestPrograms.CODE_BASE >>> GuestMemoryMap.PAGE_SHIFT;
        Digest leaf = MemoryTree.pageDigest(image.pages().get(page));
        Digest[] path = tree.path(page);
        assertEquals(tree.root(), MemoryTree.rootFromPath(page, leaf, path));
        path[7] = MemoryTree.pageDigest(new int[GuestMemoryMap.PAGE_WORDS]);
        assertNotEquals(tree.root(), MemoryTree.rootFromPath(page, leaf, path));
    }

    @Test
    void incrementalUpdatesMatchAFreshTree() {
        MemoryImage image = MemoryImage.of(ElfLoader.load(sampleElf()));
        MemoryTree tree = image.tree();
        int[] words = new int[GuestMemoryMap.PAGE_WORDS];
        words[3] = 0xdeadbeef;
        tree.setPages(new int[] {0x500, 0x501, 0x2_0000}, new int[][] {words, words, words});
        MemoryTree fresh = new MemoryTree();
        image.pages().forEach(fresh::setPage);
        fresh.setPage(0x2_0000, words);
        fresh.setPage(0x501, words);
        fresh.setPage(0x500, words);
        assertEquals(fresh.root(), tree.root());
        // Writing zeros back restores the original root.
        int[] zeros = new int[GuestMemoryMap.PAGE_WORDS];
        tree.setPages(new int[] {0x500, 0x501, 0x2_0000}, new int[][] {zeros, zeros, zeros});
        assertEquals(image.root(), tree.root());
    }
}
