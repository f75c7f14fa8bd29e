package dev.bentoj.zkvm.exec;

/** Fixed addresses of the guest ABI ({@code guest-abi.md}) and the AIR's register page. */
public final class GuestMemoryMap {
    /** First guest byte. */
    public static final int GUEST_START = 0x0001_0000;
    /** One past the last guest byte; also the initial stack pointer. */
    public static final int GUEST_END = 0x0C00_0000;
    public static final int PAGE_BYTES = 1024;
    public static final int PAGE_WORDS = PAGE_BYTES / 4;
    public static final int PAGE_SHIFT = 10;
    /** Pages of the whole 32-bit space: the memory tree has this many leaves. */
    public static final int PAGE_COUNT_LOG = 22;
    public static final int FIRST_GUEST_PAGE = GUEST_START >>> PAGE_SHIFT;
    /** One past the last guest page. */
    public static final int GUEST_PAGE_END = GUEST_END >>> PAGE_SHIFT;
    /** Registers x0..x31 are the first 32 words of this page (byte address 0xFFFF_0000). */
    public static final int SYSTEM_PAGE = 0xFFFF_0000 >>> PAGE_SHIFT;
    public static final int REGISTER_BASE = 0xFFFF_0000;

    private GuestMemoryMap() {
    }

    /**
     * True if {@code [addr, addr + length)} lies inside guest memory (unsigned arithmetic). An
     * empty range touches no byte, so it lies inside wherever it starts.
     */
    public static boolean isGuestRange(int addr, long length) {
        long a = Integer.toUnsignedLong(addr);
        return length == 0 || (length > 0 && a >= GUEST_START && a + length <= GUEST_END);
    }
}
