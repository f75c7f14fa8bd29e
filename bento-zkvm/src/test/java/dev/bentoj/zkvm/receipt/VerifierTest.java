package dev.bentoj.zkvm.receipt;

import dev.bentoj.zkvm.image.MemoryImage;
import dev.bentoj.zkvm.stark.VerificationException;
import dev.bentoj.zkvm.stark.VerifierPolicy;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.bentoj.zkvm.receipt.ReceiptCodecTest.image;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checks the verifier makes on the asserted claim before any proof, on receipts whose
 * proofs are random bytes. With real proofs: {@link ProvenReceiptTest}.
 */
class VerifierTest {
    private static final byte[] JOURNAL = "hello, world".getBytes(StandardCharsets.US_ASCII);

    private final SyntheticReceipts synthetic = new SyntheticReceipts(5);
    private final MemoryImage hello = image("hello");

    private Receipt receipt(int exitCode) {
        return synthetic.receipt(hello, JOURNAL, exitCode, new CompositeReceipt(synthetic.run(2), List.of()));
    }

    private static String rejection(Receipt r, MemoryImage image, ExpectedExitCode exit) {
        return assertThrows(VerificationException.class,
                () -> Verifier.verify(r, image.imageId(), VerifierPolicy.insecureForTests(), exit)).getMessage();
    }

    @Test
    void aReceiptForAnotherImageIsRejected() {
        MemoryImage fibonacci = image("fibonacci");
        String reason = assertThrows(VerificationException.class,
                () -> Verifier.verify(receipt(0), fibonacci.imageId())).getMessage();
        assertEquals("image id mismatch: receipt proves " + hello.imageId().toHex() + ", expected "
                + fibonacci.imageId().toHex(), reason);
    }

    @Test
    void theExitCodeMustBeTheExpectedOne() {
        assertEquals("guest exit code 3, expected 0", rejection(receipt(3), hello, ExpectedExitCode.SUCCESS));
        assertEquals("guest exit code 3, expected 4", rejection(receipt(3), hello, ExpectedExitCode.exactly(4)));
        assertEquals("guest exit code 4294967295, expected 0", rejection(receipt(-1), hello, ExpectedExitCode.SUCCESS));
        // Accepted exit codes move on to the proofs.
        assertTrue(rejection(receipt(3), hello, ExpectedExitCode.exactly(3)).startsWith("segment 0: "));
        assertTrue(rejection(receipt(3), hello, ExpectedExitCode.ANY).startsWith("segment 0: "));
    }

    @Test
    void aJournalThatIsNotTheCommittedOneIsRejected() {
        Receipt r = receipt(0);
        Receipt changed = new Receipt("hello, World".getBytes(StandardCharsets.US_ASCII), r.inner(), r.claim());
        assertEquals("journal does not match the journal digest", rejection(changed, hello, ExpectedExitCode.SUCCESS));
    }

    @Test
    void proofsOfRandomBytesAreRejectedNamingTheSegment() {
        assertTrue(rejection(receipt(0), hello, ExpectedExitCode.SUCCESS).startsWith("segment 0: "));
        Receipt single = synthetic.receipt(hello, JOURNAL, 0, new SegmentReceipt(synthetic.segment(true, 1)));
        assertTrue(rejection(single, hello, ExpectedExitCode.SUCCESS).startsWith("segment 0: "));
    }
}
