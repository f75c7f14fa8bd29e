package dev.bentoj.zkvm.stark;

/** A proof was rejected; the message says which check failed. */
public final class VerificationException extends Exception {
    public VerificationException(String reason) {
        super(reason);
    }
}
