package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.elf.Program;
import dev.bentoj.zkvm.exec.ExecutionResult;
import dev.bentoj.zkvm.exec.Executor;
import dev.bentoj.zkvm.exec.ExecutorOptions;
import dev.bentoj.zkvm.exec.Segment;
import dev.bentoj.zkvm.stark.VerificationException;
import dev.bentoj.zkvm.stark.VerifierPolicy;

import java.util.ArrayList;
import java.util.List;

/** Test helper: executes a guest with page proofs, proves every segment with fast insecure parameters. */
final class Proving {
    static final SegmentVerifier VERIFIER = new SegmentVerifier(VerifierPolicy.insecureForTests());

    record Run(ExecutionResult result, List<Segment> segments, List<SegmentProof> proofs) {
    }

    private Proving() {
    }

    static Run execute(Program program, byte[] input, int po2) {
        List<Segment> segments = new ArrayList<>();
        ExecutionResult r = new Executor(program, input, ExecutorOptions.defaults().withPo2(po2).withPageProofs())
                .run(segments::add);
        return new Run(r, segments, new ArrayList<>());
    }

    static Run prove(Program program, byte[] input, int po2) {
        Run run = execute(program, input, po2);
        for (Segment s : run.segments()) {
            run.proofs().add(SegmentProver.insecureForTests().prove(s, run.result().journal()));
        }
        return run;
    }

    static List<SegmentClaim> verifyAll(Run run) throws VerificationException {
        List<SegmentClaim> claims = new ArrayList<>();
        for (SegmentProof p : run.proofs()) {
            claims.add(VERIFIER.verify(p));
        }
        return claims;
    }
}
