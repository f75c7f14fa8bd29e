package dev.bentoj.zkvm.exec;

import dev.bentoj.zkvm.elf.ElfLoader;
import dev.bentoj.zkvm.elf.Program;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds small guest programs for tests: code at 0x10000 followed by an epilogue that halts with
 * exit code a0 and an empty journal (the SHA-256 of no bytes is placed in a data segment).
 */
public final class TestPrograms {
    public static final int CODE_BASE = 0x0001_0000;
    public static final int DATA_BASE = 0x0010_0000;
    /** SHA-256 of the empty string, as eight little-endian words. */
    private static final byte[] EMPTY_SHA256 = java.util.HexFormat.of()
            .parseHex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    private TestPrograms() {
    }

    /** A collector of instruction words. */
    public static final class Code {
        private final List<Integer> words = new ArrayList<>();

        public Code add(int... insns) {
            for (int w : insns) {
                words.add(w);
            }
            return this;
        }

        /** Byte address of the next instruction. */
        public int here() {
            return CODE_BASE + 4 * words.size();
        }

        /** Appends: a7 = 0 (HALT), a1 = address of SHA-256(""), ecall. a0 stays the exit code. */
        public Code haltWithA0() {
            add(Asm.li(11, DATA_BASE));
            add(Asm.addi(17, 0, 0));
            add(Asm.ecall());
            return this;
        }

        public int[] words() {
            return words.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** An ELF: code at CODE_BASE (R+X), and at DATA_BASE the empty journal's digest then {@code data}. */
    public static byte[] elf(int[] code, byte[] data) {
        byte[] dataSeg = new byte[32 + data.length];
        System.arraycopy(EMPTY_SHA256, 0, dataSeg, 0, 32);
        System.arraycopy(data, 0, dataSeg, 32, data.length);
        int codeBytes = code.length * 4;
        int codeOff = 52 + 2 * 32;
        int dataOff = codeOff + codeBytes;
        ByteBuffer b = ByteBuffer.allocate(dataOff + dataSeg.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        b.putShort((short) 2).putShort((short) 243).putInt(1).putInt(CODE_BASE).putInt(52).putInt(0)
                .putInt(0).putShort((short) 52).putShort((short) 32).putShort((short) 2)
                .putShort((short) 40).putShort((short) 0).putShort((short) 0);
        phdr(b, codeOff, CODE_BASE, codeBytes, codeBytes, 5);
        phdr(b, dataOff, DATA_BASE, dataSeg.length, dataSeg.length, 6);
        for (int w : code) {
            b.putInt(w);
        }
        b.put(dataSeg);
        return b.array();
    }

    private static void phdr(ByteBuffer b, int off, int vaddr, int filesz, int memsz, int flags) {
        b.putInt(1).putInt(off).putInt(vaddr).putInt(vaddr).putInt(filesz).putInt(memsz).putInt(flags).putInt(4);
    }

    public static Program program(Code code) {
        return ElfLoader.load(elf(code.words(), new byte[0]));
    }

    public static Program program(Code code, byte[] data) {
        return ElfLoader.load(elf(code.words(), data));
    }

    /** Runs the program to HALT and returns the exit code (a0 at HALT). */
    public static int exitCode(Code code) {
        return new Executor(program(code), new byte[0], ExecutorOptions.defaults()).run().exitCode();
    }
}
