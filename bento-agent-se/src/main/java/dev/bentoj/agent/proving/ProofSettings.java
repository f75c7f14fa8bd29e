package dev.bentoj.agent.proving;

import dev.bentoj.zkvm.rv32im.SegmentProver;
import dev.bentoj.zkvm.stark.StarkParameters;
import dev.bentoj.zkvm.stark.VerifierPolicy;

import java.util.Map;

/**
 * The proof parameters of an agent: the secure preset P96-B4 and the standard verifier policy,
 * unless {@code BENTO_INSECURE_TEST_PARAMS=true} asks for the fast insecure parameters that
 * tests use (whose proofs only the insecure policy accepts, so a secure cluster refuses them).
 *
 * @param maxPendingSegments back-pressure: the executor waits while this many of a job's
 *                           segments wait in Redis for a prover ({@code BENTO_MAX_PENDING_SEGMENTS})
 * @param taskLeaseSeconds   lease of the Prove, Join, Resolve and Finalize tasks the executor
 *                           creates; agents heartbeat every third of it ({@code BENTO_PROVE_LEASE_SECONDS})
 */
public record ProofSettings(boolean insecure, int maxPendingSegments, int taskLeaseSeconds) {
    public static final int DEFAULT_MAX_PENDING_SEGMENTS = 50;
    public static final int DEFAULT_TASK_LEASE_SECONDS = 30;

    public ProofSettings {
        if (maxPendingSegments < 1 || taskLeaseSeconds < 3) {
            throw new IllegalArgumentException("max pending segments must be ≥ 1 and the task lease ≥ 3 s");
        }
    }

    public static ProofSettings secure() {
        return new ProofSettings(false, DEFAULT_MAX_PENDING_SEGMENTS, DEFAULT_TASK_LEASE_SECONDS);
    }

    public static ProofSettings fromEnvironment() {
        return from(System.getenv());
    }

    static ProofSettings from(Map<String, String> env) {
        return new ProofSettings(Boolean.parseBoolean(env.getOrDefault("BENTO_INSECURE_TEST_PARAMS", "false")),
                Integer.parseInt(env.getOrDefault("BENTO_MAX_PENDING_SEGMENTS", "" + DEFAULT_MAX_PENDING_SEGMENTS)),
                Integer.parseInt(env.getOrDefault("BENTO_PROVE_LEASE_SECONDS", "" + DEFAULT_TASK_LEASE_SECONDS)));
    }

    public ProofSettings withInsecure(boolean insecure) {
        return new ProofSettings(insecure, maxPendingSegments, taskLeaseSeconds);
    }

    public ProofSettings withMaxPendingSegments(int k) {
        return new ProofSettings(insecure, k, taskLeaseSeconds);
    }

    public ProofSettings withTaskLeaseSeconds(int seconds) {
        return new ProofSettings(insecure, maxPendingSegments, seconds);
    }

    public SegmentProver prover() {
        return insecure ? SegmentProver.insecureForTests() : new SegmentProver(StarkParameters.Preset.P96_B4);
    }

    public VerifierPolicy policy() {
        return insecure ? VerifierPolicy.insecureForTests() : VerifierPolicy.standard();
    }
}
