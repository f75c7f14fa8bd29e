package dev.bentoj.zkvm.receipt;

/** The guest exit code a verifier accepts: one value ({@link #SUCCESS} is 0) or {@link #ANY}. */
public final class ExpectedExitCode {
    public static final ExpectedExitCode SUCCESS = new ExpectedExitCode(false, 0);
    public static final ExpectedExitCode ANY = new ExpectedExitCode(true, 0);

    private final boolean any;
    private final int code;

    private ExpectedExitCode(boolean any, int code) {
        this.any = any;
        this.code = code;
    }

    /** Accepts only {@code code}, a u32. */
    public static ExpectedExitCode exactly(int code) {
        return new ExpectedExitCode(false, code);
    }

    public boolean accepts(int exitCode) {
        return any || exitCode == code;
    }

    @Override
    public String toString() {
        return any ? "any" : Integer.toUnsignedString(code);
    }
}
