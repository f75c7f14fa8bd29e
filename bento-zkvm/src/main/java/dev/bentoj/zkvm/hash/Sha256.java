package dev.bentoj.zkvm.hash;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 from the JDK: journal digests, claim digests and the SHA-256 commitment suite. */
public final class Sha256 {
    /** Length of a digest. */
    public static final int BYTES = 32;

    private Sha256() {
    }

    /** The SHA-256 of the concatenation of {@code parts}. */
    public static byte[] digest(byte[]... parts) {
        MessageDigest sha = newDigest();
        for (byte[] part : parts) {
            sha.update(part);
        }
        return sha.digest();
    }

    /** A fresh JDK SHA-256 instance (which uses the CPU's SHA instructions where present); not thread-safe. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
