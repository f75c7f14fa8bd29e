package dev.bentoj.zkvm.exec;

/**
 * The guest did something the ABI forbids. The execution ends; the message names the pc and the
 * reason, e.g. {@code guest fault at pc 0x00010234: misaligned 4-byte load at 0x00020001}.
 */
public final class GuestFault extends RuntimeException {
    private final int pc;
    private final String reason;

    public GuestFault(int pc, String reason) {
        super(String.format("guest fault at pc 0x%08x: %s", pc, reason));
        this.pc = pc;
        this.reason = reason;
    }

    public int pc() {
        return pc;
    }

    public String reason() {
        return reason;
    }
}
