package dev.bentoj.zkvm.elf;

/** The bytes offered as a guest program are not an ELF file that the guest ABI accepts. */
public final class InvalidElfException extends RuntimeException {
    public InvalidElfException(String message) {
        super("invalid guest ELF: " + message);
    }
}
