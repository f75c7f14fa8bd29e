package dev.bentoj.zkvm.elf;

import dev.bentoj.zkvm.exec.GuestMemoryMap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Parses and validates a guest ELF as {@code guest-abi.md} defines it: ELF32, little-endian,
 * executable, RISC-V, statically linked, every PT_LOAD inside guest memory. Every check happens
 * before any allocation proportional to a size read from the file, so garbage input yields an
 * {@link InvalidElfException}, never an index error or an out-of-memory.
 */
public final class ElfLoader {
    private static final int EHDR_SIZE = 52;
    private static final int PHDR_SIZE = 32;
    private static final int MAX_PROGRAM_HEADERS = 256;
    private static final int EM_RISCV = 243;
    private static final int ET_EXEC = 2;
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final int PT_INTERP = 3;
    private static final int PF_X = 1;

    private ElfLoader() {
    }

    public static Program load(byte[] elf) {
        if (elf == null || elf.length < EHDR_SIZE) {
            throw new InvalidElfException("file too short for an ELF32 header ("
                    + (elf == null ? 0 : elf.length) + " bytes, need " + EHDR_SIZE + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        if (elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F') {
            throw new InvalidElfException("bad magic: not an ELF file");
        }
        if (elf[4] != 1) {
            throw new InvalidElfException("ELF class " + elf[4] + " is not ELFCLASS32: guests are 32-bit (rv32im)");
        }
        if (elf[5] != 1) {
            throw new InvalidElfException("data encoding " + elf[5] + " is not little-endian");
        }
        if (elf[6] != 1) {
            throw new InvalidElfException("ELF identification version " + elf[6] + " is not 1");
        }
        int type = Short.toUnsignedInt(b.getShort(16));
        int machine = Short.toUnsignedInt(b.getShort(18));
        long version = Integer.toUnsignedLong(b.getInt(20));
        int entry = b.getInt(24);
        long phoff = Integer.toUnsignedLong(b.getInt(28));
        int ehsize = Short.toUnsignedInt(b.getShort(40));
        int phentsize = Short.toUnsignedInt(b.getShort(42));
        int phnum = Short.toUnsignedInt(b.getShort(44));
        if (machine != EM_RISCV) {
            throw new InvalidElfException("machine " + machine + " is not RISC-V (" + EM_RISCV + ")");
        }
        if (type != ET_EXEC) {
            throw new InvalidElfException("type " + type + " is not ET_EXEC: link the guest statically");
        }
        if (version != 1) {
            throw new InvalidElfException("ELF version " + version + " is not 1");
        }
        if (ehsize != EHDR_SIZE) {
            throw new InvalidElfException("header size " + ehsize + " is not " + EHDR_SIZE);
        }
        if (phnum == 0) {
            throw new InvalidElfException("no program headers");
        }
        if (phnum > MAX_PROGRAM_HEADERS) {
            throw new InvalidElfException(phnum + " program headers, at most " + MAX_PROGRAM_HEADERS + " accepted");
        }
        if (phentsize != PHDR_SIZE) {
            throw new InvalidElfException("program header size " + phentsize + " is not " + PHDR_SIZE);
        }
        if (phoff + (long) phnum * PHDR_SIZE > elf.length) {
            throw new InvalidElfException("program headers at offset " + phoff + " (" + phnum
                    + " entries) run past the end of the file (" + elf.length + " bytes)");
        }

        List<LoadSegment> loads = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * PHDR_SIZE);
            int ptype = b.getInt(at);
            if (ptype == PT_DYNAMIC || ptype == PT_INTERP) {
                throw new InvalidElfException("program header " + i + " asks for dynamic linking: link the guest statically");
            }
            if (ptype != PT_LOAD) {
                continue;
            }
            long offset = Integer.toUnsignedLong(b.getInt(at + 4));
            long vaddr = Integer.toUnsignedLong(b.getInt(at + 8));
            long filesz = Integer.toUnsignedLong(b.getInt(at + 16));
            long memsz = Integer.toUnsignedLong(b.getInt(at + 20));
            int flags = b.getInt(at + 24);
            String which = "PT_LOAD segment " + i + String.format(" (vaddr 0x%08x)", vaddr);
            if (filesz > memsz) {
                throw new InvalidElfException(which + ": file size " + filesz + " exceeds memory size " + memsz);
            }
            if (offset + filesz > elf.length) {
                throw new InvalidElfException(which + ": bytes [" + offset + ", " + (offset + filesz)
                        + ") lie outside the file (" + elf.length + " bytes)");
            }
            if (memsz == 0) {
                continue;
            }
            if (vaddr < GuestMemoryMap.GUEST_START || vaddr + memsz > GuestMemoryMap.GUEST_END) {
                throw new InvalidElfException(which + String.format(": [0x%08x, 0x%08x) is outside guest memory [0x%08x, 0x%08x)",
                        vaddr, vaddr + memsz, GuestMemoryMap.GUEST_START, GuestMemoryMap.GUEST_END));
            }
            byte[] bytes = new byte[(int) filesz];
            System.arraycopy(elf, (int) offset, bytes, 0, (int) filesz);
            loads.add(new LoadSegment((int) vaddr, bytes, (int) memsz, (flags & PF_X) != 0));
        }
        if (loads.isEmpty()) {
            throw new InvalidElfException("no PT_LOAD segment with contents");
        }
        loads.sort(Comparator.comparingLong(s -> Integer.toUnsignedLong(s.vaddr())));
        for (int i = 1; i < loads.size(); i++) {
            if (Integer.toUnsignedLong(loads.get(i).vaddr()) < loads.get(i - 1).end()) {
                throw new InvalidElfException(String.format("PT_LOAD segments at 0x%08x and 0x%08x overlap",
                        loads.get(i - 1).vaddr(), loads.get(i).vaddr()));
            }
        }
        long entryU = Integer.toUnsignedLong(entry);
        if ((entry & 3) != 0) {
            throw new InvalidElfException(String.format("entry point 0x%08x is not 4-byte aligned", entryU));
        }
        boolean entryLoaded = loads.stream().anyMatch(s ->
                s.executable() && entryU >= Integer.toUnsignedLong(s.vaddr()) && entryU < s.end());
        if (!entryLoaded) {
            throw new InvalidElfException(String.format("entry point 0x%08x is not inside an executable PT_LOAD segment", entryU));
        }
        return new Program(entry, loads);
    }
}
