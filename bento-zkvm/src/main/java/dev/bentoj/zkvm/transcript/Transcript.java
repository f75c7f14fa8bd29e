package dev.bentoj.zkvm.transcript;

import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.Poseidon2;
import dev.bentoj.zkvm.hash.Poseidon2Hasher;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * The Fiat–Shamir transcript of the v1 STARK: a duplex sponge over Poseidon2-24
 * ({@code spec/stark-protocol.md} §3.2). Prover and verifier drive two instances through the
 * same sequence of operations and so draw the same challenges.
 *
 * <p>The state has 24 cells, cell 16 holding the tag {@link Poseidon2Hasher#TRANSCRIPT}, plus an
 * input buffer and an output buffer. Observed elements are buffered; a duplex writes the k
 * buffered inputs to s[0..k), zeroes s[k..16) and adds k to s[23] (when k > 0), permutes and
 * refills the output buffer with s[0..16), which samples read from index 0 upward. Observing
 * clears the output buffer, so every challenge depends on everything observed before it.
 *
 * <p>Elements go in and come out in Montgomery form (as everywhere in the field code); the
 * canonical value matters only for {@link #sampleBits} and the grinding nonce. Not thread-safe;
 * {@link #copy()} forks an independent transcript.
 */
public final class Transcript {

    private static final int WIDTH = 24;
    private static final int RATE = 16;
    private static final int TAG_CELL = 16;
    private static final int COUNT_CELL = 23;
    /** Largest {@link #sampleBits} width: p − 1 = 15·2^27, so values below p − 1 are uniform mod 2^27. */
    public static final int MAX_SAMPLE_BITS = 27;
    /** Nonces tried one after another before grinding spreads the search over threads. */
    private static final int SEQUENTIAL_GRIND_BITS = 12;
    /** Nonces per thread per round of the parallel search. */
    private static final int GRIND_CHUNK = 1 << 12;

    private static final Poseidon2 PERMUTATION = Poseidon2.T24;
    private static final int CANONICAL_P_MINUS_1 = BabyBear.P - 1;

    private final int[] state;
    private final int[] inputs;
    private int inputCount;
    private final int[] outputs;
    private int outputPos;
    private int outputCount;

    /** A fresh transcript: state all zero but the tag cell, both buffers empty. */
    public Transcript() {
        state = new int[WIDTH];
        state[TAG_CELL] = BabyBear.toMont(Poseidon2Hasher.TRANSCRIPT);
        inputs = new int[RATE];
        outputs = new int[RATE];
    }

    private Transcript(Transcript other) {
        state = other.state.clone();
        inputs = other.inputs.clone();
        inputCount = other.inputCount;
        outputs = other.outputs.clone();
        outputPos = other.outputPos;
        outputCount = other.outputCount;
    }

    /** Returns an independent transcript in the same state (buffers included). */
    public Transcript copy() {
        return new Transcript(this);
    }

    /**
     * Absorbs one field element given in Montgomery form.
     *
     * @throws IllegalArgumentException if the value is not a reduced element (outside [0, p))
     */
    public void observe(int montgomeryElement) {
        if (montgomeryElement < 0 || montgomeryElement >= BabyBear.P) {
            throw new IllegalArgumentException("transcript input " + Integer.toUnsignedString(
                    montgomeryElement) + " is not a reduced BabyBear element (Montgomery form, < p)");
        }
        outputCount = 0;
        outputPos = 0;
        inputs[inputCount++] = montgomeryElement;
        if (inputCount == RATE) {
            duplex();
        }
    }

    /**
     * Absorbs one field element given by its canonical value, as read from a proof.
     *
     * @throws IllegalArgumentException if the value is negative or ≥ p (never reduced)
     */
    public void observeCanonical(int canonical) {
        observe(BabyBear.fromCanonicalChecked(canonical));
    }

    /** Absorbs the 8 elements of a digest (a Merkle root), in order. */
    public void observeDigest(Digest digest) {
        for (int i = 0; i < Digest.SIZE; i++) {
            observe(digest.element(i));
        }
    }

    /** Absorbs an extension element as its coordinates c0, c1, c2, c3. */
    public void observeExt(Ext value) {
        observe(value.c0());
        observe(value.c1());
        observe(value.c2());
        observe(value.c3());
    }

    /**
     * Absorbs a byte string: its length, then each 3-byte little-endian chunk (the last one
     * zero-padded) as a field element. Chunks stay below 2^24 &lt; p, so the encoding is injective.
     */
    public void absorbBytes(byte[] bytes) {
        observe(BabyBear.toMont(bytes.length)); // a Java array is shorter than p
        for (int i = 0; i < bytes.length; i += 3) {
            int chunk = bytes[i] & 0xff;
            if (i + 1 < bytes.length) {
                chunk |= (bytes[i + 1] & 0xff) << 8;
            }
            if (i + 2 < bytes.length) {
                chunk |= (bytes[i + 2] & 0xff) << 16;
            }
            observe(BabyBear.toMont(chunk));
        }
    }

    /** Draws a base-field challenge, in Montgomery form. */
    public int sampleBase() {
        if (inputCount > 0 || outputPos == outputCount) {
            duplex();
        }
        return outputs[outputPos++];
    }

    /** Draws an extension-field challenge from four consecutive base draws (c0 first). */
    public Ext sampleExt() {
        int c0 = sampleBase();
        int c1 = sampleBase();
        int c2 = sampleBase();
        int c3 = sampleBase();
        return new Ext(c0, c1, c2, c3);
    }

    /**
     * Draws a uniform integer in [0, 2^bits): the canonical value of a base draw mod 2^bits,
     * drawing again when it is p − 1 (p − 1 = 15·2^27, so what remains is exactly uniform).
     *
     * @throws IllegalArgumentException unless 0 ≤ bits ≤ 27
     */
    public int sampleBits(int bits) {
        checkBits(bits);
        int x;
        do {
            x = BabyBear.fromMont(sampleBase());
        } while (x == CANONICAL_P_MINUS_1);
        return x & ((1 << bits) - 1);
    }

    /**
     * Prover side of proof of work: finds the smallest nonce ν in [0, p) such that
     * {@code observe(ν); sampleBits(bits)} gives 0 on a copy of this transcript, then applies
     * those two operations to this transcript. With {@code bits = 0} nothing happens.
     * Searches on the common fork-join pool above 2^12 expected tries; the answer (the smallest
     * such ν) does not depend on scheduling.
     *
     * @return the canonical nonce, 0 when {@code bits = 0}
     * @throws IllegalArgumentException unless 0 ≤ bits ≤ 27
     */
    public int grind(int bits) {
        checkBits(bits);
        if (bits == 0) {
            return 0;
        }
        int nonce = bits <= SEQUENTIAL_GRIND_BITS ? findNonce(bits, 0, BabyBear.P)
                : findNonceParallel(bits);
        if (nonce < 0) {
            throw new IllegalStateException("no proof-of-work nonce in [0, p) for " + bits
                    + " bits: the transcript state is degenerate");
        }
        if (!checkGrind(bits, nonce)) {
            throw new AssertionError("grinding fast path disagrees with the transcript");
        }
        return nonce;
    }

    /**
     * Verifier side of proof of work: applies {@code observe(nonce); sampleBits(bits)} and
     * returns whether the draw is 0. With {@code bits = 0} nothing is applied and only the
     * nonce 0 is accepted (the one {@link #grind} returns). A non-canonical nonce is rejected
     * without touching the transcript.
     *
     * @throws IllegalArgumentException unless 0 ≤ bits ≤ 27
     */
    public boolean checkGrind(int bits, int canonicalNonce) {
        checkBits(bits);
        if (bits == 0) {
            return canonicalNonce == 0;
        }
        if (canonicalNonce < 0 || canonicalNonce >= BabyBear.P) {
            return false;
        }
        observeCanonical(canonicalNonce);
        return sampleBits(bits) == 0;
    }

    /** The duplex step of §3.2. */
    private void duplex() {
        int k = inputCount;
        if (k > 0) {
            System.arraycopy(inputs, 0, state, 0, k);
            for (int i = k; i < RATE; i++) {
                state[i] = 0;
            }
            state[COUNT_CELL] = BabyBear.add(state[COUNT_CELL], BabyBear.toMont(k));
            inputCount = 0;
        }
        PERMUTATION.permute(state);
        System.arraycopy(state, 0, outputs, 0, RATE);
        outputPos = 0;
        outputCount = RATE;
    }

    /**
     * Scans nonces in [from, to) in increasing order; returns the first that passes, or −1.
     * Evaluates {@code observe(ν); sampleBits(bits)} directly on a scratch state: the buffered
     * inputs plus ν always fit one duplex (an observe that fills the buffer duplexes at once, and
     * the draw then reads output 0, the same permutation), and only the rare draw of p − 1 needs
     * the exact slow path with its second draw.
     */
    private int findNonce(int bits, int from, int to) {
        int k = inputCount + 1;
        int[] base = state.clone();
        System.arraycopy(inputs, 0, base, 0, inputCount);
        for (int i = k; i < RATE; i++) {
            base[i] = 0;
        }
        base[COUNT_CELL] = BabyBear.add(base[COUNT_CELL], BabyBear.toMont(k));
        int mask = (1 << bits) - 1;
        int[] s = new int[WIDTH];
        for (int nonce = from; nonce < to; nonce++) {
            System.arraycopy(base, 0, s, 0, WIDTH);
            s[inputCount] = BabyBear.toMont(nonce);
            PERMUTATION.permute(s);
            int x = BabyBear.fromMont(s[0]);
            boolean passes;
            if (x == CANONICAL_P_MINUS_1) {
                Transcript trial = copy();
                trial.observeCanonical(nonce);
                passes = trial.sampleBits(bits) == 0;
            } else {
                passes = (x & mask) == 0;
            }
            if (passes) {
                return nonce;
            }
        }
        return -1;
    }

    /** Rounds of one chunk per thread; the smallest passing nonce of the first lucky round wins. */
    private int findNonceParallel(int bits) {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        long roundSize = (long) threads * GRIND_CHUNK;
        for (long start = 0; start < BabyBear.P; start += roundSize) {
            long roundStart = start;
            AtomicLong best = new AtomicLong(Long.MAX_VALUE);
            IntStream.range(0, threads).parallel().forEach(t -> {
                long from = roundStart + (long) t * GRIND_CHUNK;
                long to = Math.min(from + GRIND_CHUNK, BabyBear.P);
                if (from < to) {
                    int found = findNonce(bits, (int) from, (int) to);
                    if (found >= 0) {
                        best.accumulateAndGet(found, Math::min);
                    }
                }
            });
            if (best.get() != Long.MAX_VALUE) {
                return (int) best.get();
            }
        }
        return -1;
    }

    private static void checkBits(int bits) {
        if (bits < 0 || bits > MAX_SAMPLE_BITS) {
            throw new IllegalArgumentException("bit count " + bits + " out of range: must be in [0, "
                    + MAX_SAMPLE_BITS + "]");
        }
    }
}
