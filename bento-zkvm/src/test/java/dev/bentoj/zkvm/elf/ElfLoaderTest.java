package dev.bentoj.zkvm.elf;

import dev.bentoj.zkvm.exec.Asm;
import dev.bentoj.zkvm.exec.ExecutionResult;
import dev.bentoj.zkvm.exec.Executor;
import dev.bentoj.zkvm.exec.ExecutorOptions;
import dev.bentoj.zkvm.exec.GuestFault;
import dev.bentoj.zkvm.exec.GuestMemoryMap;
import dev.bentoj.zkvm.exec.TestPrograms;
import dev.bentoj.zkvm.image.MemoryImage;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static dev.bentoj.zkvm.exec.Asm.addi;
import static dev.bentoj.zkvm.exec.Asm.li;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every validation of {@link ElfLoader}, each with a specific message, and a fuzz test: mutated
 * ELFs load or fail with {@link InvalidElfException}, and what loads runs to a result or a
 * {@link GuestFault}, nothing else.
 */
class ElfLoaderTest {
    // ELF32 header field offsets
    private static final int EI_CLASS = 4;
    private static final int EI_DATA = 5;
    private static final int EI_VERSION = 6;
    private static final int E_TYPE = 16;
    private static final int E_MACHINE = 18;
    private static final int E_VERSION = 20;
    private static final int E_ENTRY = 24;
    private static final int E_PHOFF = 28;
    private static final int E_SHOFF = 32;
    private static final int E_FLAGS = 36;
    private static final int E_EHSIZE = 40;
    private static final int E_PHENTSIZE = 42;
    private static final int E_PHNUM = 44;
    private static final int E_SHENTSIZE = 46;
    private static final int E_SHNUM = 48;
    private static final int E_SHSTRNDX = 50;
    // program header field offsets, relative to the header
    private static final int P_TYPE = 0;
    private static final int P_OFFSET = 4;
    private static final int P_VADDR = 8;
    private static final int P_PADDR = 12;
    private static final int P_FILESZ = 16;
    private static final int P_MEMSZ = 20;
    private static final int P_FLAGS = 24;
    private static final int P_ALIGN = 28;
    /** TestPrograms' ELFs: program header 0 is the code, 1 the data, right after the ELF header. */
    private static final int CODE_PH = 52;
    private static final int DATA_PH = 52 + 32;

    private static final int CODE_BASE = TestPrograms.CODE_BASE;
    private static final int DATA_BASE = TestPrograms.DATA_BASE;

    // ---------------------------------------------------------------- helpers

    /** A small valid program: 6 instructions of code, a data segment of 32 + 8 bytes. */
    private static TestPrograms.Code smallCode() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(addi(10, 0, 0));
        c.add(Asm.fence());
        c.haltWithA0();
        return c;
    }

    private static byte[] valid() {
        return TestPrograms.elf(smallCode().words(), new byte[8]);
    }

    private static int codeBytes() {
        return smallCode().words().length * 4;
    }

    private static byte[] edit(Consumer<ByteBuffer> change) {
        return edit(valid(), change);
    }

    private static byte[] edit(byte[] elf, Consumer<ByteBuffer> change) {
        change.accept(ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN));
        return elf;
    }

    private static InvalidElfException assertRejected(byte[] elf, String... messageParts) {
        InvalidElfException e = assertThrows(InvalidElfException.class, () -> ElfLoader.load(elf));
        assertTrue(e.getMessage().startsWith("invalid guest ELF: "), e.getMessage());
        for (String part : messageParts) {
            assertTrue(e.getMessage().contains(part), () -> "message '" + e.getMessage() + "' should contain '" + part + "'");
        }
        return e;
    }

    // ---------------------------------------------------------------- the valid case

    @Test
    void aValidElfLoadsItsSegmentsAndEntry() {
        Program p = ElfLoader.load(valid());
        assertEquals(CODE_BASE, p.entry());
        assertEquals(2, p.segments().size());
        LoadSegment code = p.segments().get(0);
        LoadSegment data = p.segments().get(1);
        assertEquals(CODE_BASE, code.vaddr());
        assertTrue(code.executable());
        assertEquals(codeBytes(), code.memSize());
        byte[] expectedCode = new byte[codeBytes()];
        ByteBuffer.wrap(expectedCode).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(smallCode().words());
        assertArrayEquals(expectedCode, code.fileBytes());
        assertEquals(DATA_BASE, data.vaddr());
        assertFalse(data.executable());
        assertEquals(40, data.memSize());
    }

    @Test
    void aSegmentEndingExactlyAtTheTopOfGuestMemoryIsAccepted() {
        int vaddr = GuestMemoryMap.GUEST_END - 40;
        Program p = ElfLoader.load(edit(b -> b.putInt(DATA_PH + P_VADDR, vaddr)));
        assertEquals(vaddr, p.segments().get(1).vaddr());
    }

    @Test
    void adjacentSegmentsAreAccepted() {
        Program p = ElfLoader.load(edit(b -> b.putInt(DATA_PH + P_VADDR, CODE_BASE + codeBytes())));
        assertEquals(2, p.segments().size());
    }

    @Test
    void aZeroFilledTailUpToMemszIsAcceptedAndReadsAsZero() {
        // The data segment claims all guest memory from DATA_BASE up: nothing proportional to
        // memsz is allocated, and the tail reads as zero.
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(5, DATA_BASE + 40)).add(Asm.lw(10, 5, 0));              // just past the file bytes
        c.add(li(5, GuestMemoryMap.GUEST_END - 4)).add(Asm.lw(6, 5, 0)).add(Asm.or(10, 10, 6));
        c.haltWithA0();
        byte[] elf = edit(TestPrograms.elf(c.words(), new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}),
                b -> b.putInt(DATA_PH + P_MEMSZ, GuestMemoryMap.GUEST_END - DATA_BASE));
        Program p = ElfLoader.load(elf);
        assertEquals(GuestMemoryMap.GUEST_END - DATA_BASE, p.segments().get(1).memSize());
        ExecutionResult r = new Executor(p, new byte[0], ExecutorOptions.defaults()).run();
        assertEquals(0, r.exitCode());
    }

    @Test
    void programHeadersOtherThanLoadAreIgnored() {
        // PT_NOTE and PT_GNU_STACK with garbage fields
        byte[] note = edit(b -> {
            b.putInt(DATA_PH + P_TYPE, 4);
            b.putInt(DATA_PH + P_OFFSET, 0xFFFF_FFFF);
            b.putInt(DATA_PH + P_VADDR, 0);
            b.putInt(DATA_PH + P_FILESZ, 0xFFFF_FFFF);
        });
        assertEquals(1, ElfLoader.load(note).segments().size());
        byte[] stack = edit(b -> b.putInt(DATA_PH + P_TYPE, 0x6474_e551));
        assertEquals(1, ElfLoader.load(stack).segments().size());
    }

    @Test
    void sectionHeadersFlagsAndTrailingBytesDoNotAffectTheProgramOrItsImageId() {
        Program plain = ElfLoader.load(valid());
        byte[] noisy = edit(b -> {
            b.putInt(E_SHOFF, 0xFFFF_FFFF);
            b.putInt(E_FLAGS, 0x1234_5678);
            b.putShort(E_SHENTSIZE, (short) 0x7777);
            b.putShort(E_SHNUM, (short) 0xFFFF);
            b.putShort(E_SHSTRNDX, (short) 0xFFFF);
            b.putInt(CODE_PH + P_PADDR, 0xDEAD_BEEF);
            b.putInt(CODE_PH + P_ALIGN, 0x1000);
        });
        byte[] trailing = Arrays.copyOf(noisy, noisy.length + 100);
        Arrays.fill(trailing, noisy.length, trailing.length, (byte) 0xA5);
        Program other = ElfLoader.load(trailing);
        assertEquals(plain.entry(), other.entry());
        assertEquals(MemoryImage.of(plain).imageId(), MemoryImage.of(other).imageId());
    }

    // ---------------------------------------------------------------- the ELF header

    @Test
    void aFileShorterThanAnElfHeaderIsRejected() {
        assertRejected(new byte[0], "too short", "0 bytes");
        assertRejected(Arrays.copyOf(valid(), 4), "too short", "4 bytes");
        assertRejected(Arrays.copyOf(valid(), 51), "too short", "51 bytes", "need 52");
        assertRejected(null, "too short");
    }

    @ParameterizedTest(name = "magic byte {0}")
    @ValueSource(ints = {0, 1, 2, 3})
    void aBadMagicIsRejected(int index) {
        byte[] elf = valid();
        elf[index] ^= 0x20;
        assertRejected(elf, "bad magic");
    }

    @Test
    void aTextFileIsRejectedAsNotElf() {
        byte[] text = "#!/bin/sh\necho this is not an ELF file, just text of some length\n".getBytes(StandardCharsets.US_ASCII);
        assertRejected(text, "bad magic");
    }

    @Test
    void elfClass64IsRejected() {
        byte[] elf = valid();
        elf[EI_CLASS] = 2;
        assertRejected(elf, "ELF class 2", "ELFCLASS32");
        elf[EI_CLASS] = 0;
        assertRejected(elf, "ELF class 0", "ELFCLASS32");
    }

    @Test
    void bigEndianIsRejected() {
        byte[] elf = valid();
        elf[EI_DATA] = 2;
        assertRejected(elf, "data encoding 2", "little-endian");
    }

    @Test
    void aBadIdentificationVersionIsRejected() {
        byte[] elf = valid();
        elf[EI_VERSION] = 0;
        assertRejected(elf, "identification version 0");
    }

    @ParameterizedTest(name = "e_machine {0}")
    @ValueSource(ints = {0, 3, 62, 183, 0xF300, 0xFFFF})
    void aMachineOtherThanRiscVIsRejected(int machine) {
        assertRejected(edit(b -> b.putShort(E_MACHINE, (short) machine)), "machine " + machine, "not RISC-V (243)");
    }

    @ParameterizedTest(name = "e_type {0}")
    @ValueSource(ints = {0, 1, 3, 4, 0xFE00})
    void aTypeOtherThanExecIsRejected(int type) {
        assertRejected(edit(b -> b.putShort(E_TYPE, (short) type)), "type " + type + " is not ET_EXEC");
    }

    @Test
    void sharedObjectsAreRejectedWithAHintToLinkStatically() {
        assertRejected(edit(b -> b.putShort(E_TYPE, (short) 3)), "ET_EXEC", "statically");
    }

    @ParameterizedTest(name = "e_version {0}")
    @ValueSource(ints = {0, 2, -1})
    void aBadElfVersionIsRejected(int version) {
        assertRejected(edit(b -> b.putInt(E_VERSION, version)),
                "ELF version " + Integer.toUnsignedString(version) + " is not 1");
    }

    @Test
    void aWrongHeaderSizeIsRejected() {
        assertRejected(edit(b -> b.putShort(E_EHSIZE, (short) 64)), "header size 64 is not 52");
    }

    @ParameterizedTest(name = "e_phentsize {0}")
    @ValueSource(ints = {0, 31, 33, 56, 0xFFFF})
    void aWrongProgramHeaderSizeIsRejected(int size) {
        assertRejected(edit(b -> b.putShort(E_PHENTSIZE, (short) size)), "program header size " + size + " is not 32");
    }

    @Test
    void noProgramHeadersIsRejected() {
        assertRejected(edit(b -> b.putShort(E_PHNUM, (short) 0)), "no program headers");
    }

    @ParameterizedTest(name = "e_phnum {0}")
    @ValueSource(ints = {257, 0x1000, 0xFFFF})
    void aHugeNumberOfProgramHeadersIsRejected(int phnum) {
        assertRejected(edit(b -> b.putShort(E_PHNUM, (short) phnum)), phnum + " program headers", "at most 256");
    }

    @ParameterizedTest(name = "e_phnum {0}")
    @ValueSource(ints = {6, 7, 256})
    void programHeadersPastTheEndOfTheFileAreRejected(int phnum) {
        assertRejected(edit(b -> b.putShort(E_PHNUM, (short) phnum)), "program headers at offset 52", "past the end of the file");
    }

    @ParameterizedTest(name = "e_phoff {0}")
    @ValueSource(ints = {0x7FFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFE0, 0xFFFF_FFC0})
    void aProgramHeaderOffsetPastTheEndOfTheFileIsRejected(int phoff) {
        // 0xFFFFFFC0 + 2 × 32 wraps to 0 in 32-bit arithmetic: the check must not wrap.
        assertRejected(edit(b -> b.putInt(E_PHOFF, phoff)),
                "program headers at offset " + Integer.toUnsignedString(phoff), "past the end of the file");
    }

    @Test
    void programHeadersEndingExactlyAtTheEndOfTheFileAreAccepted() {
        // Move the two program headers to the very end of the file.
        byte[] base = valid();
        byte[] elf = Arrays.copyOf(base, base.length + 64);
        System.arraycopy(base, CODE_PH, elf, base.length, 64);
        ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).putInt(E_PHOFF, base.length);
        assertEquals(2, ElfLoader.load(elf).segments().size());
        assertRejected(Arrays.copyOf(elf, elf.length - 1), "past the end of the file");
    }

    // ---------------------------------------------------------------- program headers

    @Test
    void segmentBytesPastTheEndOfTheFileAreRejected() {
        int len = valid().length;
        assertRejected(edit(b -> b.putInt(DATA_PH + P_OFFSET, len - 10)), "PT_LOAD segment 1", "lie outside the file");
        assertRejected(edit(b -> {
            b.putInt(DATA_PH + P_FILESZ, 0x1000);
            b.putInt(DATA_PH + P_MEMSZ, 0x1000);
        }), "PT_LOAD segment 1", "lie outside the file");
        // offset + filesz overflows 32 bits: 0xFFFFFFFF + 40 must not wrap to 39
        assertRejected(edit(b -> b.putInt(DATA_PH + P_OFFSET, 0xFFFF_FFFF)), "PT_LOAD segment 1", "lie outside the file");
        assertRejected(Arrays.copyOf(valid(), len - 1), "PT_LOAD segment 1", "lie outside the file");
    }

    @Test
    void fileSizeLargerThanMemorySizeIsRejected() {
        assertRejected(edit(b -> b.putInt(DATA_PH + P_MEMSZ, 39)), "PT_LOAD segment 1", "file size 40 exceeds memory size 39");
        assertRejected(edit(b -> b.putInt(CODE_PH + P_MEMSZ, 0)), "PT_LOAD segment 0", "exceeds memory size 0");
    }

    @ParameterizedTest(name = "vaddr {0}")
    @ValueSource(ints = {0, 0x1000, 0x8000, 0xFFE0, 0xFFFF})
    void aSegmentBelowGuestMemoryIsRejected(int vaddr) {
        assertRejected(edit(b -> b.putInt(DATA_PH + P_VADDR, vaddr)),
                "PT_LOAD segment 1", String.format("vaddr 0x%08x", vaddr), "outside guest memory [0x00010000, 0x0c000000)");
    }

    @ParameterizedTest(name = "vaddr {0}")
    @ValueSource(ints = {0x0BFF_FFF0, 0x0BFF_FFDC, 0x0C00_0000, 0x1000_0000, 0x8000_0000, 0xFFFF_0000})
    void aSegmentCrossingOrAboveTheTopOfGuestMemoryIsRejected(int vaddr) {
        assertRejected(edit(b -> b.putInt(DATA_PH + P_VADDR, vaddr)), "PT_LOAD segment 1", "outside guest memory");
    }

    @Test
    void aSegmentWhoseEndOverflows32BitsIsRejected() {
        // 0xFFFFFFF0 + 0x40 wraps to 0x30; 0x00100000 + 0xFFFFFFFF wraps to 0x000FFFFF.
        assertRejected(edit(b -> {
            b.putInt(DATA_PH + P_VADDR, 0xFFFF_FFF0);
            b.putInt(DATA_PH + P_MEMSZ, 0x40);
        }), "PT_LOAD segment 1", "outside guest memory");
        assertRejected(edit(b -> b.putInt(DATA_PH + P_MEMSZ, 0xFFFF_FFFF)), "PT_LOAD segment 1", "outside guest memory");
        assertRejected(edit(b -> b.putInt(DATA_PH + P_MEMSZ, 0x8000_0000)), "PT_LOAD segment 1", "outside guest memory");
    }

    @Test
    void overlappingSegmentsAreRejected() {
        assertRejected(edit(b -> b.putInt(DATA_PH + P_VADDR, CODE_BASE + 4)),
                "PT_LOAD segments at 0x00010000 and 0x00010004 overlap");
        assertRejected(edit(b -> b.putInt(DATA_PH + P_VADDR, CODE_BASE + codeBytes() - 1)), "overlap");
        // the code's memsz reaches into the data
        assertRejected(edit(b -> b.putInt(CODE_PH + P_MEMSZ, DATA_BASE - CODE_BASE + 1)), "overlap");
        // the same range twice
        assertRejected(edit(b -> {
            b.putInt(DATA_PH + P_VADDR, CODE_BASE);
        }), "overlap");
        // the data first in memory and the code inside its zero-filled tail
        assertRejected(edit(b -> {
            b.putInt(E_ENTRY, 0x0002_0000);
            b.putInt(CODE_PH + P_VADDR, 0x0002_0000);
            b.putInt(DATA_PH + P_VADDR, 0x0001_F000);
            b.putInt(DATA_PH + P_MEMSZ, 0x2000);
        }), "PT_LOAD segments at 0x0001f000 and 0x00020000 overlap");
    }

    @ParameterizedTest(name = "entry +{0}")
    @ValueSource(ints = {1, 2, 3})
    void aMisalignedEntryIsRejected(int offset) {
        assertRejected(edit(b -> b.putInt(E_ENTRY, CODE_BASE + offset)),
                String.format("entry point 0x%08x is not 4-byte aligned", CODE_BASE + offset));
    }

    @Test
    void anEntryOutsideAnExecutableSegmentIsRejected() {
        for (int entry : new int[] {DATA_BASE, DATA_BASE + 4, CODE_BASE + codeBytes(), CODE_BASE - 4, 0x0002_0000, 0,
                0xFFFF_0000}) {
            assertRejected(edit(b -> b.putInt(E_ENTRY, entry)),
                    String.format("entry point 0x%08x is not inside an executable PT_LOAD segment", entry));
        }
    }

    @Test
    void anEntryInTheLastWordOfTheCodeIsAccepted() {
        Program p = ElfLoader.load(edit(b -> b.putInt(E_ENTRY, CODE_BASE + codeBytes() - 4)));
        assertEquals(CODE_BASE + codeBytes() - 4, p.entry());
    }

    @Test
    void anEntryInANonExecutableSegmentIsRejectedEvenIfItHoldsCode() {
        assertRejected(edit(b -> b.putInt(CODE_PH + P_FLAGS, 4 /* R only */)), "not inside an executable PT_LOAD segment");
    }

    @Test
    void aProgramInterpreterIsRejected() {
        assertRejected(edit(b -> b.putInt(DATA_PH + P_TYPE, 3)), "program header 1", "dynamic linking", "statically");
    }

    @Test
    void aDynamicSectionIsRejected() {
        assertRejected(edit(b -> b.putInt(DATA_PH + P_TYPE, 2)), "program header 1", "dynamic linking");
    }

    @Test
    void noLoadSegmentIsRejected() {
        assertRejected(edit(b -> {
            b.putInt(CODE_PH + P_TYPE, 4);
            b.putInt(DATA_PH + P_TYPE, 4);
        }), "no PT_LOAD segment");
        assertRejected(edit(b -> {
            b.putInt(CODE_PH + P_FILESZ, 0);
            b.putInt(CODE_PH + P_MEMSZ, 0);
            b.putInt(DATA_PH + P_FILESZ, 0);
            b.putInt(DATA_PH + P_MEMSZ, 0);
        }), "no PT_LOAD segment");
    }

    // ---------------------------------------------------------------- the example guests

    /** The committed example ELFs on the class path ({@code /guests/*.elf} of bento-guests), by name. */
    static List<byte[]> exampleElfs() {
        ClassLoader loader = ElfLoaderTest.class.getClassLoader();
        TreeSet<String> names = new TreeSet<>();
        try {
            for (URL url : Collections.list(loader.getResources("guests"))) {
                collectElfNames(url, names);
            }
            // A jar without directory entries has no "guests" resource: find it by its Maven metadata.
            URL pom = loader.getResource("META-INF/maven/dev.bentoj/bento-guests/pom.properties");
            if (pom != null) {
                collectElfNames(pom, names);
            }
            List<byte[]> out = new ArrayList<>();
            for (String name : names) {
                try (InputStream in = loader.getResourceAsStream("guests/" + name)) {
                    if (in != null) {
                        out.add(in.readAllBytes());
                    }
                }
            }
            return out;
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return List.of();
        }
    }

    private static void collectElfNames(URL url, TreeSet<String> names) throws IOException, URISyntaxException {
        if ("file".equals(url.getProtocol())) {
            Path p = Path.of(url.toURI());
            // either the guests/ directory itself or META-INF/maven/dev.bentoj/bento-guests/pom.properties
            Path dir = p.getFileName().toString().equals("guests") ? p
                    : p.getNameCount() > 4 ? p.getParent().getParent().getParent().getParent().resolve("guests") : p;
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".elf")).forEach(names::add);
                }
            }
        } else if ("jar".equals(url.getProtocol())) {
            String spec = url.getPath();                        // file:/…/x.jar!/entry
            String jarPath = spec.substring("file:".length(), spec.indexOf("!/"));
            try (JarFile jar = new JarFile(URLDecoder.decode(jarPath, StandardCharsets.UTF_8))) {
                for (JarEntry e : Collections.list(jar.entries())) {
                    String n = e.getName();
                    if (n.startsWith("guests/") && n.endsWith(".elf") && n.indexOf('/', "guests/".length()) < 0) {
                        names.add(n.substring("guests/".length()));
                    }
                }
            }
        }
    }

    @Test
    void theExampleGuestsLoad() {
        List<byte[]> examples = exampleElfs();
        Assumptions.assumeFalse(examples.isEmpty(), "no example ELFs on the class path yet");
        for (byte[] elf : examples) {
            Program p = ElfLoader.load(elf);
            assertTrue(p.segments().stream().anyMatch(LoadSegment::executable));
        }
    }

    // ---------------------------------------------------------------- fuzzing

    /** Seeds for the fuzzer: the example guests when present, and always a few TestPrograms ELFs. */
    private static List<byte[]> fuzzSeeds() {
        List<byte[]> seeds = new ArrayList<>(exampleElfs());
        seeds.add(valid());
        // A program that reads input, loops over it, stores, commits a byte and logs.
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(10, 0x0020_0000)).add(li(11, 64)).add(addi(17, 0, 1)).add(Asm.ecall());
        c.add(addi(5, 10, 0)).add(li(6, 0x0020_0000)).add(addi(7, 0, 0));
        int loop = c.here();
        c.add(Asm.beq(5, 0, 28));
        c.add(Asm.lbu(28, 6, 0)).add(Asm.add(7, 7, 28)).add(Asm.sb(7, 6, 0));
        c.add(addi(6, 6, 1)).add(addi(5, 5, -1));
        c.add(Asm.jal(0, loop - c.here()));
        c.add(li(10, 0x0020_0000)).add(li(11, 16)).add(addi(17, 0, 3)).add(Asm.ecall());
        c.add(addi(10, 7, 0));
        c.haltWithA0();
        seeds.add(TestPrograms.elf(c.words(), "some data for the data segment".getBytes(StandardCharsets.US_ASCII)));
        // A program whose code jumps into its (non-executable but guest) data: still only a fault.
        TestPrograms.Code d = new TestPrograms.Code();
        d.add(li(5, DATA_BASE + 32)).add(Asm.jalr(1, 5, 0));
        seeds.add(TestPrograms.elf(d.words(), new byte[] {0x13, 0, 0, 0, 0x73, 0, 0, 0}));
        return seeds;
    }

    private static final int[] INTERESTING_WORDS = {0, 1, 2, 3, 4, 0x20, 0x34, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF,
            0x1_0000, 0x1_0004, 0x10_0000, 0x0BFF_FFFC, 0x0C00_0000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF};

    /** One random change; returns the changed bytes (possibly a new array) and appends what it did. */
    private static byte[] mutateOnce(byte[] elf, Random rnd, StringBuilder what) {
        int hot = Math.min(elf.length, 52 + 32 * 4);        // the headers, where validation lives
        switch (rnd.nextInt(9)) {
            case 0, 1 -> {                                   // bit flips, mostly in the headers
                int flips = 1 + rnd.nextInt(8);
                for (int i = 0; i < flips && elf.length > 0; i++) {
                    int at = rnd.nextInt(4) != 0 && hot > 0 ? rnd.nextInt(hot) : rnd.nextInt(elf.length);
                    elf[at] ^= (byte) (1 << rnd.nextInt(8));
                    what.append(" flip@").append(at);
                }
                return elf;
            }
            case 2 -> {                                      // a byte overwritten in the headers
                if (hot > 0) {
                    int at = rnd.nextInt(hot);
                    int v = switch (rnd.nextInt(3)) {
                        case 0 -> 0;
                        case 1 -> 0xFF;
                        default -> rnd.nextInt(256);
                    };
                    elf[at] = (byte) v;
                    what.append(" byte@").append(at).append('=').append(v);
                }
                return elf;
            }
            case 3, 4 -> {                                   // a header field set to an edge value
                int[] fields = {E_ENTRY, E_PHOFF, E_SHOFF, E_VERSION, 52 + P_OFFSET, 52 + P_VADDR, 52 + P_FILESZ,
                        52 + P_MEMSZ, 52 + P_FLAGS, 52 + P_TYPE, 84 + P_OFFSET, 84 + P_VADDR, 84 + P_FILESZ,
                        84 + P_MEMSZ, 84 + P_FLAGS, 84 + P_TYPE};
                int[] halves = {E_TYPE, E_MACHINE, E_EHSIZE, E_PHENTSIZE, E_PHNUM};
                ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
                int v = switch (rnd.nextInt(4)) {
                    case 0 -> 0;
                    case 1 -> 0xFFFF_FFFF;
                    case 2 -> INTERESTING_WORDS[rnd.nextInt(INTERESTING_WORDS.length)];
                    default -> rnd.nextInt();
                };
                if (rnd.nextInt(4) == 0) {
                    int at = halves[rnd.nextInt(halves.length)];
                    if (at + 2 <= elf.length) {
                        b.putShort(at, (short) v);
                        what.append(" half@").append(at).append('=').append(v & 0xFFFF);
                    }
                } else {
                    int at = fields[rnd.nextInt(fields.length)];
                    if (at + 4 <= elf.length) {
                        b.putInt(at, v);
                        what.append(" word@").append(at).append('=').append(Integer.toUnsignedString(v));
                    }
                }
                return elf;
            }
            case 5 -> {                                      // truncation
                int len = elf.length == 0 ? 0 : rnd.nextInt(elf.length);
                what.append(" truncate=").append(len);
                return Arrays.copyOf(elf, len);
            }
            case 6 -> {                                      // extension with random bytes
                int extra = rnd.nextInt(256);
                byte[] longer = Arrays.copyOf(elf, elf.length + extra);
                for (int i = elf.length; i < longer.length; i++) {
                    longer[i] = (byte) rnd.nextInt(256);
                }
                what.append(" extend+").append(extra);
                return longer;
            }
            case 7 -> {                                      // random bytes, sometimes after a valid ident
                int len = rnd.nextInt(300);
                byte[] junk = new byte[len];
                rnd.nextBytes(junk);
                if (rnd.nextBoolean()) {
                    System.arraycopy(elf, 0, junk, 0, Math.min(Math.min(len, elf.length), 20));
                }
                what.append(" random length ").append(len);
                return junk;
            }
            default -> {                                     // a chunk copied over another place
                if (elf.length > 0) {
                    int from = rnd.nextInt(elf.length);
                    int to = rnd.nextInt(hot > 0 ? hot : elf.length);
                    int n = Math.min(1 + rnd.nextInt(32), Math.min(elf.length - from, elf.length - to));
                    System.arraycopy(elf, from, elf, to, n);
                    what.append(" copy ").append(n).append('@').append(from).append("->").append(to);
                }
                return elf;
            }
        }
    }

    @Test
    void mutatedElfsOnlyEverFailCleanly() {
        List<byte[]> seeds = fuzzSeeds();
        Random rnd = new Random(0xE1F_F022L);
        int rejected = 0;
        int halted = 0;
        int faulted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] seed = seeds.get(rnd.nextInt(seeds.size()));
            byte[] elf = seed.clone();
            StringBuilder what = new StringBuilder("mutation ").append(i).append(" of seed ").append(seeds.indexOf(seed)).append(':');
            int rounds = 1 + rnd.nextInt(3);
            for (int k = 0; k < rounds; k++) {
                elf = mutateOnce(elf, rnd, what);
            }
            Program program;
            try {
                program = ElfLoader.load(elf);
            } catch (InvalidElfException e) {
                rejected++;
                continue;
            } catch (RuntimeException | Error e) {
                throw new AssertionError(what + ": load threw " + e, e);
            }
            byte[] input = new byte[rnd.nextInt(64)];
            rnd.nextBytes(input);
            ExecutorOptions options = ExecutorOptions.defaults().withCycleLimit(2_000).withPo2(rnd.nextBoolean() ? 12 : 20);
            try {
                new Executor(program, input, options).run();
                halted++;
            } catch (GuestFault f) {
                faulted++;
                assertTrue(f.getMessage().startsWith(String.format("guest fault at pc 0x%08x: ", f.pc())), f.getMessage());
            } catch (RuntimeException | Error e) {
                throw new AssertionError(what + ": execution threw " + e, e);
            }
        }
        assertEquals(20_000, rejected + halted + faulted);
        // The mutations must exercise both sides, or the test proves little.
        assertTrue(rejected > 1_000, "rejected " + rejected);
        assertTrue(halted + faulted > 1_000, "loaded " + (halted + faulted));
        if (halted == 0) {
            fail("no mutant ran to HALT: the seeds' halting paths were never exercised");
        }
    }
}
