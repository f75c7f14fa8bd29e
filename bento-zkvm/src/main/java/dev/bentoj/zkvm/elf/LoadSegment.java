package dev.bentoj.zkvm.elf;

/**
 * One PT_LOAD segment: {@code fileBytes} at {@code vaddr}, followed by zeros up to {@code memSize}.
 * Addresses are unsigned 32-bit values held in an int.
 */
public record LoadSegment(int vaddr, byte[] fileBytes, int memSize, boolean executable) {
    public LoadSegment {
        fileBytes = fileBytes.clone();
    }

    @Override
    public byte[] fileBytes() {
        return fileBytes.clone();
    }

    /** Bytes of the file image, without a defensive copy: callers must not modify them. */
    byte[] rawBytes() {
        return fileBytes;
    }

    public long end() {
        return Integer.toUnsignedLong(vaddr) + Integer.toUnsignedLong(memSize);
    }
}
