package dev.bentoj.zkvm.exec;

/** The system calls of the guest ABI, by their number in a7. */
public enum SystemCall {
    HALT, READ, COMMIT, LOG;

    /** Largest number of bytes one READ copies. */
    public static final int MAX_READ_BYTES = 65_535;

    public static SystemCall of(int a7) {
        return switch (a7) {
            case 0 -> HALT;
            case 1 -> READ;
            case 2 -> COMMIT;
            case 3 -> LOG;
            default -> null;
        };
    }
}
