package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.air.AirLayout;
import dev.bentoj.zkvm.exec.Segment;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.HashSuite;
import dev.bentoj.zkvm.stark.ProofCodec;
import dev.bentoj.zkvm.stark.StarkParameters;
import dev.bentoj.zkvm.stark.StarkProof;
import dev.bentoj.zkvm.stark.StarkProver;

import java.util.Objects;

/** Proves one segment of RV32IM execution (rv32im-air.md). */
public final class SegmentProver {
    private final StarkParameters.Preset preset;
    private final HashSuite suite;
    private final boolean insecure;

    /**
     * The commitment suite a CPU prover uses by default: SHA-256, which the JDK computes with the
     * CPU's SHA instructions, proves an RV32IM segment about 5× faster than Poseidon2-24 here
     * (Merkle hashing was ~80 % of the time). Poseidon2 stays available for hardware or a future
     * recursion circuit, where it is the cheap one; the memory image and image id use it always.
     */
    public static final HashSuite DEFAULT_SUITE = HashSuite.SHA256;

    /** Commits with {@link #DEFAULT_SUITE}. */
    public SegmentProver(StarkParameters.Preset preset) {
        this(preset, DEFAULT_SUITE);
    }

    /** Commits with {@code suite}; the verifier reads the suite from the proof. */
    public SegmentProver(StarkParameters.Preset preset, HashSuite suite) {
        this(preset, suite, false);
    }

    private SegmentProver(StarkParameters.Preset preset, HashSuite suite, boolean insecure) {
        this.preset = preset;
        this.suite = Objects.requireNonNull(suite, "suite");
        this.insecure = insecure;
    }

    /** Fast, insecure parameters: only {@code VerifierPolicy.insecureForTests()} accepts the proofs. */
    public static SegmentProver insecureForTests() {
        return insecureForTests(DEFAULT_SUITE);
    }

    /** {@link #insecureForTests()} committing with {@code suite}. */
    public static SegmentProver insecureForTests(HashSuite suite) {
        return new SegmentProver(StarkParameters.Preset.P96_B4, suite, true);
    }

    /**
     * Proves {@code segment} from what it carries, its committed journal bytes included: the
     * session's execution need not have ended (the cluster proves segments as they stream).
     *
     * @throws IllegalArgumentException as {@link #prove(Segment, byte[])}
     */
    public SegmentProof prove(Segment segment) {
        return prove(segment, null);
    }

    /**
     * Proves {@code segment}; {@code journal} is the session's whole journal (a replayed COMMIT
     * takes its bytes from it), or null to use the segment's own {@link Segment#committed()}.
     *
     * @throws IllegalArgumentException if the segment cannot be proven: po2 outside the AIR's
     *                                  range, no page multiproof, or a replay that diverges
     */
    public SegmentProof prove(Segment segment, byte[] journal) {
        PageList pages = SegmentWitness.pagesOf(segment);
        Rv32imAir air = new Rv32imAir(pages);
        int[][] main = SegmentWitness.build(segment, journal, air);
        return prove(segment, air, main, true);
    }

    static int[] publicValues(Segment segment, PageList pages) {
        Digest preRoot = SegmentPublics.root(pages, pages.before(), segment.siblings());
        Digest postRoot = SegmentPublics.root(pages, pages.after(), segment.siblings());
        int digestPtr = segment.halted() ? SegmentPublics.digestPointer(pages) : 0;
        return SegmentPublics.values(segment.po2(), segment.prePc(), segment.postPc(), preRoot, postRoot,
                segment.halted(), segment.exitCode(), digestPtr, pages);
    }

    /** Proves a given witness; with {@code selfCheck} off, for tests of witnesses that break a rule. */
    SegmentProof prove(Segment segment, Rv32imAir air, int[][] main, boolean selfCheck) {
        if (segment.siblings() == null) {
            throw new IllegalArgumentException("segment " + segment.index() + " carries no page multiproof: "
                    + "execute with ExecutorOptions.withPageProofs() to prove");
        }
        PageList pages = air.pages();
        int digestPtr = segment.halted() ? SegmentPublics.digestPointer(pages) : 0;
        int[] pub = publicValues(segment, pages);
        AirLayout layout = AirLayout.of(air);
        StarkParameters params = insecure ? StarkParameters.insecureForTests().withHashSuite(suite)
                : preset.forAir(layout, segment.po2(), suite);
        StarkProof proof = new StarkProver(params, selfCheck).prove(air, main, pub);
        return new SegmentProof(segment.po2(), segment.prePc(), segment.postPc(), segment.halted(),
                segment.halted() ? segment.exitCode() : 0, digestPtr, pages.indices().clone(), pages.before(),
                pages.after(), segment.siblings().clone(), ProofCodec.encode(proof, layout));
    }
}
