package dev.bentoj.zkvm.receipt;

import dev.bentoj.zkvm.exec.Asm;
import dev.bentoj.zkvm.exec.ExecutionResult;
import dev.bentoj.zkvm.exec.Executor;
import dev.bentoj.zkvm.exec.ExecutorOptions;
import dev.bentoj.zkvm.exec.Segment;
import dev.bentoj.zkvm.exec.TestPrograms;
import dev.bentoj.zkvm.hash.Sha256;
import dev.bentoj.zkvm.image.MemoryImage;
import dev.bentoj.zkvm.image.SystemState;
import dev.bentoj.zkvm.prove.LocalProof;
import dev.bentoj.zkvm.prove.LocalProver;
import dev.bentoj.zkvm.rv32im.SegmentProof;
import dev.bentoj.zkvm.rv32im.SegmentProver;
import dev.bentoj.zkvm.stark.VerificationException;
import dev.bentoj.zkvm.stark.VerifierPolicy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.bentoj.zkvm.exec.Asm.addi;
import static dev.bentoj.zkvm.exec.Asm.li;
import static dev.bentoj.zkvm.receipt.ReceiptCodecTest.image;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real proofs of small guests verify, and each tampered twin fails with its reason. */
@Tag("needs-prover")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProvenReceiptTest {
    private static final int PO2 = 16;
    private static final VerifierPolicy POLICY = VerifierPolicy.insecureForTests();

    private final LocalProver prover = new LocalProver(SegmentProver.insecureForTests(),
            ExecutorOptions.defaults().withPo2(PO2));
    private final MemoryImage hello = image("hello");
    private final MemoryImage loop = MemoryImage.of(TestPrograms.program(seededStoringLoop(76_000)));
    private LocalProof helloProof;
    private LocalProof exit7Proof;
    /** A run of {@link #loop} over at least 8 segments, and segment 1 of a run from another seed. */
    private LocalProof loopProof;
    private SegmentReceipt otherRunSegment;

    @BeforeAll
    void prove() {
        helloProof = prover.prove(hello, new byte[0]);
        exit7Proof = prover.prove(image("exit7"), new byte[0]);
        loopProof = prover.prove(loop, seed(1));
        assertTrue(loopProof.receipt().inner().segments().size() >= 8, "the loop needs at least 8 segments");
        List<Segment> other = new ArrayList<>();
        ExecutionResult r = new Executor(loop, seed(2), ExecutorOptions.defaults().withPo2(PO2).withPageProofs())
                .run(other::add);
        otherRunSegment = new SegmentReceipt(SegmentProver.insecureForTests().prove(other.get(1), r.journal()));
    }

    /** Reads a 4-byte seed, then stores counter + seed over a 64 KiB window for {@code iterations} rounds. */
    private static TestPrograms.Code seededStoringLoop(int iterations) {
        TestPrograms.Code c = new TestPrograms.Code();
        int seedAt = TestPrograms.DATA_BASE + 64;
        c.add(li(10, seedAt)).add(addi(11, 0, 4)).add(addi(17, 0, 1)).add(Asm.ecall());   // READ 4 bytes
        c.add(li(28, seedAt)).add(Asm.lw(28, 28, 0));                                       // t3 = seed
        c.add(li(5, iterations)).add(li(6, 0x0020_0000));
        int top = c.here();
        c.add(Asm.andi(7, 5, 0x3ff)).add(Asm.slli(7, 7, 6)).add(Asm.add(7, 7, 6));
        c.add(Asm.add(29, 5, 28)).add(Asm.sw(29, 7, 0));
        c.add(addi(5, 5, -1)).add(Asm.bne(5, 0, top - c.here()));
        c.add(addi(10, 0, 0));
        c.haltWithA0();
        return c;
    }

    private static byte[] seed(int seed) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(seed).array();
    }

    private static Receipt withSegments(Receipt r, List<SegmentReceipt> segments) {
        return new Receipt(r.journal(), new CompositeReceipt(segments, r.inner().assumptions()), r.claim());
    }

    private static Receipt withClaim(Receipt r, ReceiptClaim claim) {
        return new Receipt(r.journal(), r.inner(), claim);
    }

    private static String rejection(Receipt r, MemoryImage image, ExpectedExitCode exit) {
        return assertThrows(VerificationException.class,
                () -> Verifier.verify(r, image.imageId(), POLICY, exit)).getMessage();
    }

    private static String rejection(Receipt r, MemoryImage image) {
        return rejection(r, image, ExpectedExitCode.SUCCESS);
    }

    @Test
    void aProvenGuestVerifiesAndSaysWhatItProves() throws Exception {
        Receipt r = helloProof.receipt();
        ReceiptClaim claim = Verifier.verify(r, hello.imageId(), POLICY, ExpectedExitCode.SUCCESS);
        assertEquals(new SystemState(hello.entry(), hello.root()), claim.pre());
        assertEquals(0, claim.exitCode());
        assertArrayEquals(helloProof.execution().journal(), r.journal());
        assertEquals(helloProof.execution().segments(), r.inner().segments().size());
        Receipt decoded = ReceiptCodec.decode(ReceiptCodec.encode(r));
        assertEquals(claim, Verifier.verify(decoded, hello.imageId(), POLICY, ExpectedExitCode.SUCCESS));
        ReceiptClaim multi = Verifier.verify(loopProof.receipt(), loop.imageId(), POLICY, ExpectedExitCode.SUCCESS);
        assertEquals(loopProof.receipt().claim(), multi);
    }

    @Test
    void theStandardPolicyRefusesInsecureParameters() {
        VerificationException e = assertThrows(VerificationException.class,
                () -> Verifier.verify(helloProof.receipt(), hello.imageId()));
        assertTrue(e.getMessage().startsWith("segment 0: "), e.getMessage());
    }

    @Test
    void anotherImageIdIsRejected() {
        MemoryImage fibonacci = image("fibonacci");
        assertEquals("image id mismatch: receipt proves " + hello.imageId().toHex() + ", expected "
                + fibonacci.imageId().toHex(), rejection(helloProof.receipt(), fibonacci));
    }

    @Test
    void anElfChangedUnderTheSameClaimedImageIdIsRejected() throws Exception {
        // One code byte changed (the entry instruction): the image id commits to every loaded
        // byte, so the changed program's id differs, and hello's receipt is not a receipt of it.
        byte[] elf;
        try (java.io.InputStream in = getClass().getResourceAsStream("/guests/hello.elf")) {
            elf = in.readAllBytes();
        }
        dev.bentoj.zkvm.elf.Program program = dev.bentoj.zkvm.elf.ElfLoader.load(elf);
        int entryOffset = java.nio.ByteBuffer.wrap(elf, 0x18, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int[] phdr = loadSegmentHolding(elf, entryOffset);
        int fileOffset = phdr[0] + (entryOffset - phdr[1]);
        elf[fileOffset + 2] ^= 0x10;
        MemoryImage changed = MemoryImage.of(dev.bentoj.zkvm.elf.ElfLoader.load(elf));
        assertEquals(program.entry(), changed.entry());
        assertTrue(rejection(helloProof.receipt(), changed).startsWith("image id mismatch"));
    }

    /** File offset and virtual address of the PT_LOAD segment whose file bytes hold {@code vaddr}. */
    private static int[] loadSegmentHolding(byte[] elf, int vaddr) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        int phoff = b.getInt(0x1c);
        int phnum = b.getShort(0x2c);
        for (int i = 0; i < phnum; i++) {
            int at = phoff + 32 * i;
            if (b.getInt(at) == 1 && b.getInt(at + 8) <= vaddr && vaddr < b.getInt(at + 8) + b.getInt(at + 16)) {
                return new int[] {b.getInt(at + 4), b.getInt(at + 8)};
            }
        }
        throw new IllegalStateException("no PT_LOAD segment holds 0x" + Integer.toHexString(vaddr));
    }

    @Test
    void theExitCodeIsCheckedAndCannotBeRewritten() throws Exception {
        Receipt r = exit7Proof.receipt();
        MemoryImage exit7 = image("exit7");
        assertEquals("guest exit code 7, expected 0", rejection(r, exit7));
        assertEquals(7, Verifier.verify(r, exit7.imageId(), POLICY, ExpectedExitCode.exactly(7)).exitCode());
        assertEquals(7, Verifier.verify(r, exit7.imageId(), POLICY, ExpectedExitCode.ANY).exitCode());
        ReceiptClaim c = r.claim();
        Receipt rewritten = withClaim(r, new ReceiptClaim(c.pre(), c.post(), 0, c.journalDigest(), c.assumptionsDigest()));
        assertEquals("the receipt's claim is not what its proofs establish: exit code 0 vs 7", rejection(rewritten, exit7));
    }

    @Test
    void aChangedJournalIsRejected() {
        Receipt r = helloProof.receipt();
        byte[] journal = r.journal();
        journal[0] ^= 1;
        assertEquals("journal does not match the journal digest",
                rejection(new Receipt(journal, r.inner(), r.claim()), hello));
        // A journal changed together with the claimed digest: the proof still holds the old digest.
        ReceiptClaim c = r.claim();
        Receipt both = new Receipt(journal, r.inner(), new ReceiptClaim(c.pre(), c.post(), c.exitCode(),
                Sha256.digest(journal), c.assumptionsDigest()));
        assertTrue(rejection(both, hello).startsWith("the receipt's claim is not what its proofs establish: journal digest"));
    }

    @Test
    void aForgedPostStateIsRejected() {
        Receipt r = helloProof.receipt();
        ReceiptClaim c = r.claim();
        Receipt forged = withClaim(r, new ReceiptClaim(c.pre(), new SystemState(c.post().pc() + 4, c.post().root()),
                c.exitCode(), c.journalDigest(), c.assumptionsDigest()));
        assertTrue(rejection(forged, hello).startsWith("the receipt's claim is not what its proofs establish: post_state pc"));
    }

    @Test
    void segmentsSwappedDroppedOrDuplicatedAreRejected() {
        Receipt r = loopProof.receipt();
        List<SegmentReceipt> s = r.inner().segments();
        int n = s.size();
        List<SegmentReceipt> swapped = new ArrayList<>(s);
        swapped.set(1, s.get(2));
        swapped.set(2, s.get(1));
        assertTrue(rejection(withSegments(r, swapped), loop)
                .startsWith("segment 1: pre_state does not match segment 0's post_state"));
        List<SegmentReceipt> dropped = new ArrayList<>(s);
        dropped.remove(1);
        assertTrue(rejection(withSegments(r, dropped), loop)
                .startsWith("segment 1: pre_state does not match segment 0's post_state"));
        List<SegmentReceipt> duplicated = new ArrayList<>(s);
        duplicated.add(1, s.get(1));
        assertTrue(rejection(withSegments(r, duplicated), loop)
                .startsWith("segment 2: pre_state does not match segment 1's post_state"));
        assertEquals("the last segment (" + (n - 2) + ") did not halt: the receipt does not reach the end of the execution",
                rejection(withSegments(r, s.subList(0, n - 1)), loop));
        assertTrue(rejection(withSegments(r, s.subList(1, n)), loop)
                .startsWith("the receipt's claim is not what its proofs establish: pre_state"));
    }

    @Test
    void aSegmentFromAnotherRunIsRejected() {
        Receipt r = loopProof.receipt();
        List<SegmentReceipt> mixed = new ArrayList<>(r.inner().segments());
        mixed.set(1, otherRunSegment);
        assertTrue(rejection(withSegments(r, mixed), loop)
                .startsWith("segment 1: pre_state does not match segment 0's post_state"));
    }

    @Test
    void aTamperedSegmentProofIsRejectedNamingTheSegment() {
        Receipt r = loopProof.receipt();
        List<SegmentReceipt> tampered = new ArrayList<>(r.inner().segments());
        SegmentProof p = tampered.get(1).proof();
        byte[] stark = p.stark();
        stark[stark.length / 2] ^= 1;
        tampered.set(1, new SegmentReceipt(new SegmentProof(p.po2(), p.prePc(), p.postPc(), p.halted(), p.exitCode(),
                p.digestPtr(), p.pageIndices(), p.pagesBefore(), p.pagesAfter(), p.siblings(), stark)));
        assertTrue(rejection(withSegments(r, tampered), loop).startsWith("segment 1: "));
    }

    @Test
    void assumptionsAreVerifiedAndCommittedToInTheClaim() throws Exception {
        Receipt assumed = exit7Proof.receipt();
        Receipt r = helloProof.receipt();
        List<Assumption> assumptions = List.of(new Assumption(assumed.claim().digest(), assumed));
        ReceiptClaim c = r.claim();
        ReceiptClaim withAssumption = new ReceiptClaim(c.pre(), c.post(), c.exitCode(), c.journalDigest(),
                Assumption.listDigest(assumptions));
        Receipt composed = new Receipt(r.journal(), new CompositeReceipt(r.inner().segments(), assumptions), withAssumption);
        assertEquals(withAssumption, Verifier.verify(composed, hello.imageId(), POLICY, ExpectedExitCode.SUCCESS));
        Receipt decoded = ReceiptCodec.decode(ReceiptCodec.encode(composed));
        assertEquals(withAssumption, Verifier.verify(decoded, hello.imageId(), POLICY, ExpectedExitCode.SUCCESS));

        Receipt unannounced = new Receipt(r.journal(), composed.inner(), c);
        assertTrue(rejection(unannounced, hello)
                .startsWith("the receipt's claim is not what its proofs establish: assumptions digest"));
        List<Assumption> wrongClaim = List.of(new Assumption(c.digest(), assumed));
        Receipt misattributed = new Receipt(r.journal(), new CompositeReceipt(r.inner().segments(), wrongClaim),
                new ReceiptClaim(c.pre(), c.post(), c.exitCode(), c.journalDigest(), Assumption.listDigest(wrongClaim)));
        assertTrue(rejection(misattributed, hello).startsWith("assumption 0: its receipt proves claim"));
        byte[] journal = assumed.journal();
        journal = Arrays.copyOf(journal, journal.length + 1);
        Receipt badAssumed = new Receipt(journal, assumed.inner(), assumed.claim());
        List<Assumption> unproven = List.of(new Assumption(assumed.claim().digest(), badAssumed));
        Receipt unprovenAssumption = new Receipt(r.journal(), new CompositeReceipt(r.inner().segments(), unproven), withAssumption);
        assertEquals("assumption 0: journal does not match the journal digest", rejection(unprovenAssumption, hello));
    }
}
