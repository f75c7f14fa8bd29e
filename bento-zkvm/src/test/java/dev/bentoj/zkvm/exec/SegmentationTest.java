package dev.bentoj.zkvm.exec;

import dev.bentoj.zkvm.elf.Program;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.bentoj.zkvm.exec.Asm.addi;
import static dev.bentoj.zkvm.exec.Asm.bne;
import static dev.bentoj.zkvm.exec.Asm.li;
import static dev.bentoj.zkvm.exec.Asm.sw;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentationTest {

    /** A loop of {@code iterations} rounds that stores its counter over a 64 KiB window. */
    private static Program storingLoop(int iterations) {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(5, iterations));            // t0 = counter
        c.add(li(6, 0x0020_0000));           // t1 = window base
        int loop = c.here();
        c.add(Asm.andi(7, 5, 0x3ff));        // t2 = counter & 1023
        c.add(Asm.slli(7, 7, 6));            // t2 *= 64 (a new page every 16 rounds)
        c.add(Asm.add(7, 7, 6));
        c.add(sw(5, 7, 0));
        c.add(addi(5, 5, -1));
        c.add(bne(5, 0, loop - c.here()));
        c.add(addi(10, 0, 0));
        c.haltWithA0();
        return TestPrograms.program(c);
    }

    @Test
    void segmentsStayWithinTheirRowBudgetAndChain() {
        List<Segment> segments = new ArrayList<>();
        ExecutionResult r = new Executor(storingLoop(20_000), new byte[0],
                ExecutorOptions.defaults().withPo2(12)).run(segments::add);
        assertTrue(segments.size() >= 8, "expected many segments at po2 12, got " + segments.size());
        assertEquals(segments.size(), r.segments());
        assertEquals(segments.size() * 4096L, r.totalCycles());
        long cycles = 0;
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            assertEquals(i, s.index());
            assertTrue(s.usedRows() <= 4096, "segment " + i + " uses " + s.usedRows() + " rows");
            assertEquals(GuestMemoryMap.SYSTEM_PAGE, s.pageIndices()[s.pageIndices().length - 1]);
            if (i > 0) {
                Segment prev = segments.get(i - 1);
                assertEquals(prev.postPc(), s.prePc(), "pc chains across segments");
                assertArrayEquals(prev.pagesAfter()[prev.pageIndices().length - 1],
                        s.pagesBefore()[s.pageIndices().length - 1], "registers chain across segments");
            }
            assertEquals(i == segments.size() - 1, s.halted());
            cycles += s.userCycles();
        }
        assertEquals(r.userCycles(), cycles);
    }

    @Test
    void reexecutingFromASegmentsStartStateReproducesItsEndState() {
        List<Segment> segments = new ArrayList<>();
        ExecutionResult r = new Executor(storingLoop(5_000), new byte[0],
                ExecutorOptions.defaults().withPo2(12)).run(segments::add);
        for (Segment s : segments) {
            TraceRecorder trace = new TraceRecorder();
            Segment again = Executor.replay(s, r.journal(), trace);
            assertTrue(s.sameAs(again), "segment " + s.index() + " replays identically");
            assertEquals(s.userCycles(), trace.size());
        }
    }

    @Test
    void aTamperedStartStateDoesNotReproduceTheEndState() {
        List<Segment> segments = new ArrayList<>();
        ExecutionResult r = new Executor(storingLoop(5_000), new byte[0],
                ExecutorOptions.defaults().withPo2(12)).run(segments::add);
        Segment s = segments.get(1);
        int[][] before = java.util.Arrays.stream(s.pagesBefore()).map(int[]::clone).toArray(int[][]::new);
        int sys = s.pageIndices().length - 1;
        before[sys][5] += 1; // the loop counter t0
        Segment forged = new Segment(s.index(), s.po2(), s.prePc(), s.postPc(), s.pageIndices(), before,
                s.pagesAfter(), s.userCycles(), s.hostWriteRows(), s.inputStart(), s.inputConsumed(),
                s.journalStart(), s.journalEnd(), s.halted(), s.exitCode(), s.siblings(), s.committed());
        assertFalse(s.sameAs(Executor.replay(forged, r.journal(), null)));
    }

    /** Example guest ELFs are on the test class path (bento-guests). */
    private static Program guest(String name) throws java.io.IOException {
        try (java.io.InputStream in = SegmentationTest.class.getResourceAsStream("/guests/" + name + ".elf")) {
            return dev.bentoj.zkvm.elf.ElfLoader.load(in.readAllBytes());
        }
    }

    @Test
    void aSegmentReplaysFromItsOwnCommittedBytesWithoutTheSessionsJournal() throws Exception {
        byte[] data = new byte[20_000];
        new java.util.Random(3).nextBytes(data);
        for (String name : List.of("hello", "sha256")) {
            List<Segment> segments = new ArrayList<>();
            ExecutionResult r = new Executor(guest(name), name.equals("hello") ? new byte[0] : data,
                    ExecutorOptions.defaults().withPo2(16)).run(segments::add);
            java.io.ByteArrayOutputStream journal = new java.io.ByteArrayOutputStream();
            for (Segment s : segments) {
                assertEquals(s.journalEnd() - s.journalStart(), s.committed().length, name);
                journal.writeBytes(s.committed());
                assertTrue(s.sameAs(Executor.replay(s, r.journal(), new TraceRecorder())), name + " segment " + s.index() + " (full journal)");
                assertTrue(s.sameAs(Executor.replay(s, null, new TraceRecorder())), name + " segment " + s.index());
            }
            assertArrayEquals(r.journal(), journal.toByteArray(), name + ": the segments' committed bytes make the journal");
        }
    }

    @Test
    void theSegmentCodecRoundTripsEveryField() throws Exception {
        List<Segment> segments = new ArrayList<>();
        new Executor(guest("hello"), new byte[0], ExecutorOptions.defaults().withPo2(16).withPageProofs())
                .run(segments::add);
        for (Segment s : segments) {
            byte[] bytes = SegmentCodec.encode(s);
            Segment back = SegmentCodec.decode(bytes);
            assertTrue(s.sameAs(back));
            assertArrayEquals(s.siblings(), back.siblings());
            assertArrayEquals(bytes, SegmentCodec.encode(back));
            IllegalArgumentException cut = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> SegmentCodec.decode(java.util.Arrays.copyOf(bytes, bytes.length - 1)));
            assertTrue(cut.getMessage().contains("truncated") || cut.getMessage().contains("exceeds"), cut.getMessage());
        }
    }
}
