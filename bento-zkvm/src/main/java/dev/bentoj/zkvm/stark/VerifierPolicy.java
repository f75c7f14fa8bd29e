package dev.bentoj.zkvm.stark;

/**
 * Which parameters a verifier accepts (§5.4): an allow-listed query side, site PoW ≤ 24, and a
 * conjectured security level, recomputed locally, of at least {@code minBits}.
 */
public record VerifierPolicy(double minBits, boolean allowInsecure) {

    /** The default: the named sets of §5.3 at ≥ 96 conjectured bits. */
    public static VerifierPolicy standard() {
        return new VerifierPolicy(96, false);
    }

    /** Accepts any well-formed parameters, however weak: for tests of protocol mechanics only. */
    public static VerifierPolicy insecureForTests() {
        return new VerifierPolicy(0, true);
    }
}
