package dev.bentoj.zkvm.hash;

import java.util.function.Supplier;

/**
 * The hash of a proof's Merkle commitments (trace, LogUp, quotient and FRI trees), chosen per
 * proof and recorded in it by {@link #id()} ({@code stark-protocol.md} §6, hash_id). Both
 * suites produce {@link Digest}s of 8 canonical BabyBear elements, so roots and paths are
 * serialised and absorbed alike. The Fiat–Shamir transcript, the memory-image tree and the
 * image id stay on Poseidon2 whatever the suite.
 */
public enum HashSuite {
    /** Poseidon2-24 in the tagged leaf and node modes of §2: cheap inside a recursion circuit. */
    POSEIDON2_24(1, "Poseidon2-24", Poseidon2MerkleHasher::new, Poseidon2MerkleHasher.collisionBits()),
    /** SHA-256 with a prefix byte per domain: the CPU's SHA instructions make it far cheaper to prove with. */
    SHA256(2, "SHA-256", Sha256MerkleHasher::new, Sha256MerkleHasher.collisionBits());

    private final int id;
    private final String label;
    private final Supplier<MerkleHasher> hashers;
    private final double collisionBits;

    HashSuite(int id, String label, Supplier<MerkleHasher> hashers, double collisionBits) {
        this.id = id;
        this.label = label;
        this.hashers = hashers;
        this.collisionBits = collisionBits;
    }

    /** The hash id byte of the proof header. */
    public int id() {
        return id;
    }

    /**
     * The suite a proof header names.
     *
     * @throws IllegalArgumentException for an id no suite has
     */
    public static HashSuite ofId(int id) {
        for (HashSuite s : values()) {
            if (s.id == id) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown hash id " + id + ": 1 is Poseidon2-24, 2 is SHA-256");
    }

    /** A hasher with its own scratch state, for one thread or task. */
    public MerkleHasher newHasher() {
        return hashers.get();
    }

    /** The collision resistance of leaf and node hashing in bits: the hash term of §5.1. */
    public double collisionBits() {
        return collisionBits;
    }

    /** The leaf hash of {@code values} (Montgomery form). */
    public Digest hashLeaf(int[] values) {
        int[] out = new int[Digest.SIZE];
        newHasher().hashLeaf(values, 0, values.length, out, 0);
        return new Digest(out);
    }

    /** The parent of two nodes. */
    public Digest compress(Digest left, Digest right) {
        int[] children = new int[2 * Digest.SIZE];
        left.copyTo(children, 0);
        right.copyTo(children, Digest.SIZE);
        int[] out = new int[Digest.SIZE];
        newHasher().compress(children, 0, out, 0);
        return new Digest(out);
    }

    /** The name for people: "Poseidon2-24", "SHA-256". */
    public String label() {
        return label;
    }
}
