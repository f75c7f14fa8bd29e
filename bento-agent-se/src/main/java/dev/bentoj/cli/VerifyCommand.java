package dev.bentoj.cli;

import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.receipt.ExpectedExitCode;
import dev.bentoj.zkvm.receipt.Receipt;
import dev.bentoj.zkvm.receipt.ReceiptClaim;
import dev.bentoj.zkvm.receipt.ReceiptCodec;
import dev.bentoj.zkvm.receipt.Verifier;
import dev.bentoj.zkvm.stark.VerificationException;
import dev.bentoj.zkvm.stark.VerifierPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bento verify RECEIPT --image-id HEX}: checks a receipt file against an image id. */
@Command(name = "verify", description = {
        "Verify a receipt against the image id of the program it should come from.",
        "Valid: prints {\"journal_hex\": …, \"exit_code\": …} and exits 0. Invalid: prints the reason in one line "
                + "on stderr and exits 1. Unreadable file or malformed --image-id: one line on stderr, exit 2."})
final class VerifyCommand implements Callable<Integer> {
    static final int INVALID = 1;
    static final int USAGE = 2;

    @Parameters(index = "0", paramLabel = "RECEIPT", description = "a receipt file, as `prove` writes it")
    Path receiptFile;

    @Option(names = "--image-id", required = true, paramLabel = "HEX", description = "the expected image id (64 lowercase hex)")
    String imageId;

    @Option(names = "--exit-code", paramLabel = "CODE", defaultValue = "0",
            description = "the exit code the guest must have ended with, or `any` (default ${DEFAULT-VALUE})")
    String exitCode;

    @Option(names = "--insecure-test-params", hidden = true,
            description = "accept the fast, insecure parameters of `prove --insecure-test-params`: for tests")
    boolean insecureTestParams;

    @Override
    public Integer call() {
        Digest expected;
        ExpectedExitCode expectedExit;
        byte[] bytes;
        try {
            expected = parseImageId(imageId);
            expectedExit = parseExitCode(exitCode);
            bytes = GuestFiles.readFile(receiptFile, "receipt");
        } catch (IllegalArgumentException | GuestFiles.UserError e) {
            System.err.println("bento verify: " + e.getMessage());
            return USAGE;
        }
        try {
            Receipt receipt = ReceiptCodec.decode(bytes);
            VerifierPolicy policy = insecureTestParams ? VerifierPolicy.insecureForTests() : VerifierPolicy.standard();
            ReceiptClaim claim = Verifier.verify(receipt, expected, policy, expectedExit);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("journal_hex", Json.hex(receipt.journal()));
            json.put("exit_code", Integer.toUnsignedLong(claim.exitCode()));
            System.out.println(Json.line(json));
            return 0;
        } catch (VerificationException e) {
            System.err.println("invalid receipt: " + e.getMessage());
            return INVALID;
        }
    }

    private static Digest parseImageId(String text) {
        try {
            return Digest.fromHex(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--image-id is not an image id: " + e.getMessage());
        }
    }

    private static ExpectedExitCode parseExitCode(String text) {
        if (text.equals("any")) {
            return ExpectedExitCode.ANY;
        }
        try {
            return ExpectedExitCode.exactly(Integer.parseUnsignedInt(text));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--exit-code must be a u32 or `any`, not " + text);
        }
    }
}
