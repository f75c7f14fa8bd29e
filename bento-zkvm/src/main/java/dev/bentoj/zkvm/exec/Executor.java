package dev.bentoj.zkvm.exec;

import dev.bentoj.zkvm.elf.Program;
import dev.bentoj.zkvm.hash.Digest;
import dev.bentoj.zkvm.hash.Sha256;
import dev.bentoj.zkvm.image.MemoryImage;
import dev.bentoj.zkvm.image.MemoryTree;
import dev.bentoj.zkvm.image.PageMultiproof;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.function.Consumer;

import static dev.bentoj.zkvm.exec.GuestMemoryMap.GUEST_END;
import static dev.bentoj.zkvm.exec.GuestMemoryMap.GUEST_PAGE_END;
import static dev.bentoj.zkvm.exec.GuestMemoryMap.GUEST_START;
import static dev.bentoj.zkvm.exec.GuestMemoryMap.PAGE_SHIFT;
import static dev.bentoj.zkvm.exec.GuestMemoryMap.PAGE_WORDS;
import static dev.bentoj.zkvm.exec.GuestMemoryMap.SYSTEM_PAGE;

/**
 * The RV32IM interpreter of the guest ABI, split into segments of at most {@code 2^po2} rows.
 *
 * <p>The semantics of every instruction live in {@link #step}, one switch over opcodes. Memory
 * is word-addressed in 1 KiB pages allocated on first write; registers are kept in an array and
 * appear to segments as the first 32 words of the register page, as the AIR sees them.
 *
 * <p>A segment ends between instructions, when the next instruction might not fit: one row per
 * instruction, host-write rows for READ, 64 page-out rows per touched page (the register page
 * always counts), with room kept for the two pages (fetch, data) one instruction can touch.
 */
public final class Executor {
    private static final int ROWS_PER_PAGE = Segment.PAGE_OUT_ROWS;
    /** Pages one ordinary instruction may touch for the first time: its fetch and its data. */
    private static final int HEADROOM_PAGES = 2;

    private final int[][] pages = new int[GUEST_PAGE_END][];
    private final int[] regs = new int[32];
    private int pc;

    private final byte[] input;
    /** Offset of {@code input[0]} in the session's input: non-zero when replaying a segment. */
    private long inputBase;
    private long inputPos;
    private final ByteArrayOutputStream journal = new ByteArrayOutputStream();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    /** In replay mode COMMIT takes its bytes from the original journal (see {@link #replay}). */
    private final byte[] replayJournal;
    /**
     * In replay mode from the segment's own committed bytes, the journal before the segment is
     * unknown (zeros): HALT cannot recheck the digest, which the original execution checked and
     * the receipt's verifier checks against the journal.
     */
    private boolean replayJournalPartial;

    private final int po2;
    private final int segmentRows;
    private final long cycleLimit;
    private final TraceRecorder trace;
    private long cycles;
    private long totalRows;
    private int segmentCount;

    // The open segment.
    private final int[] touchEpoch = new int[GUEST_PAGE_END];
    private int epoch;
    private int[] touched = new int[64];
    private int[][] touchedBefore = new int[64][];
    private int touchedCount;
    private long rowsUsed;
    private long rowLimit;
    private int segHostRows;
    private long segCycles;
    private int segPrePc;
    private int[] segPreRegs;
    private long segInputStart;
    private long segJournalStart;

    private boolean halted;
    private int exitCode;
    /** The memory tree as of the open segment's start, kept only for page proofs. */
    private MemoryTree tree;
    /** In replay mode the siblings come from the replayed segment. */
    private Digest[] replaySiblings;

    /** Prepares to run {@code program} from its entry point, reading {@code input} through READ. */
    public Executor(Program program, byte[] input, ExecutorOptions options) {
        this(MemoryImage.of(program), input, options);
    }

    /** Prepares to run from an initial memory image. */
    public Executor(MemoryImage image, byte[] input, ExecutorOptions options) {
        this(options, input, null, 0);
        image.pages().forEach((index, words) -> {
            if (index == SYSTEM_PAGE) {
                System.arraycopy(words, 0, regs, 0, regs.length);
            } else {
                pages[index] = words.clone();
            }
        });
        regs[0] = 0;
        pc = image.entry();
        if (options.pageProofs()) {
            tree = image.tree();
        }
    }

    private Executor(ExecutorOptions options, byte[] input, byte[] replayJournal, long segmentIndex) {
        this.po2 = options.segmentPo2();
        this.segmentRows = 1 << po2;
        this.cycleLimit = options.cycleLimit();
        this.trace = options.trace();
        this.input = input.clone();
        this.replayJournal = replayJournal;
        this.segmentCount = (int) segmentIndex;
    }

    /**
     * Runs to HALT, handing each finished segment to {@code sink} in order.
     *
     * @throws GuestFault if the guest breaks the ABI or exceeds the cycle limit
     */
    public ExecutionResult run(Consumer<Segment> sink) {
        openSegment();
        while (true) {
            if (rowsUsed >= rowLimit) {
                sink.accept(closeSegment());
                openSegment();
            }
            if (!step()) {
                if (halted) {
                    sink.accept(closeSegment());
                    break;
                }
                // The instruction (a system call) did not fit: run it in a fresh segment.
                sink.accept(closeSegment());
                openSegment();
            }
        }
        return new ExecutionResult(exitCode, cycles, totalRows, segmentCount, journal.toByteArray(), log.toByteArray());
    }

    /** Runs to HALT and returns only the result; segments are counted, not kept. */
    public ExecutionResult run() {
        return run(s -> { });
    }

    /**
     * Re-executes one segment from its recorded start state alone (its pc, its pages before, the
     * input it consumed) and returns the segment that execution produces; for an honest segment
     * it equals the original. A replayed COMMIT takes its bytes from the journal, since COMMIT's
     * effect is not part of the segment's state: from {@code journal} (the session's journal)
     * when given, else from the segment's own {@link Segment#committed()} bytes.
     */
    public static Segment replay(Segment segment, byte[] journal, TraceRecorder recorder) {
        boolean partial = journal == null;
        if (partial) {
            if (segment.committed() == null) {
                throw new IllegalArgumentException("segment " + segment.index() + " carries no committed bytes: "
                        + "pass the session's journal to replay it");
            }
            journal = new byte[(int) segment.journalEnd()];
            System.arraycopy(segment.committed(), 0, journal, (int) segment.journalStart(), segment.committed().length);
        }
        ExecutorOptions options = new ExecutorOptions(segment.po2(), Long.MAX_VALUE, recorder);
        Executor e = new Executor(options, segment.inputConsumed(), journal, segment.index());
        e.replayJournalPartial = partial;
        int[] indices = segment.pageIndices();
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] == SYSTEM_PAGE) {
                System.arraycopy(segment.pagesBefore()[i], 0, e.regs, 0, 32);
            } else if (indices[i] < GUEST_PAGE_END) {
                e.pages[indices[i]] = segment.pagesBefore()[i].clone();
            }
        }
        e.pc = segment.prePc();
        e.replaySiblings = segment.siblings();
        e.inputBase = segment.inputStart();
        e.journal.write(journal, 0, (int) segment.journalStart());
        Segment[] out = new Segment[1];
        e.openSegment();
        while (out[0] == null) {
            if (e.rowsUsed >= e.rowLimit) {
                out[0] = e.closeSegment();
            } else if (!e.step()) {
                out[0] = e.closeSegment();
            }
        }
        return out[0];
    }

    // ---------------------------------------------------------------- segments

    private void openSegment() {
        epoch++;
        touchedCount = 0;
        rowsUsed = 0;
        segHostRows = 0;
        segCycles = 0;
        segPrePc = pc;
        segPreRegs = regs.clone();
        segInputStart = inputPos;
        segJournalStart = journal.size();
        updateRowLimit();
        if (trace != null) {
            trace.reset();
        }
    }

    private void updateRowLimit() {
        // Continue while rowsUsed + 1 + 64·(touched + register page + headroom) ≤ 2^po2.
        rowLimit = segmentRows - (long) ROWS_PER_PAGE * (touchedCount + 1 + HEADROOM_PAGES);
    }

    private Segment closeSegment() {
        int n = touchedCount;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Integer[] boxed = Arrays.stream(order).boxed().toArray(Integer[]::new);
        Arrays.sort(boxed, (a, b) -> Integer.compare(touched[a], touched[b]));
        int[] indices = new int[n + 1];
        int[][] before = new int[n + 1][];
        int[][] after = new int[n + 1][];
        for (int i = 0; i < n; i++) {
            int k = boxed[i];
            int pg = touched[k];
            indices[i] = pg;
            before[i] = touchedBefore[k] == null ? new int[PAGE_WORDS] : touchedBefore[k];
            int[] now = pages[pg];
            after[i] = now == null ? new int[PAGE_WORDS] : now.clone();
        }
        indices[n] = SYSTEM_PAGE;
        before[n] = Arrays.copyOf(segPreRegs, PAGE_WORDS);
        after[n] = Arrays.copyOf(regs, PAGE_WORDS);
        byte[] consumed = Arrays.copyOfRange(input, (int) segInputStart, (int) inputPos);
        Digest[] siblings = replaySiblings;
        if (tree != null) {
            siblings = PageMultiproof.siblings(tree, indices);
            tree.setPages(indices, after);
        }
        byte[] all = journal.toByteArray();
        byte[] committed = Arrays.copyOfRange(all, (int) segJournalStart, all.length);
        Segment s = new Segment(segmentCount, po2, segPrePc, pc, indices, before, after, segCycles, segHostRows,
                inputBase + segInputStart, consumed, segJournalStart, journal.size(), halted, exitCode, siblings,
                committed);
        segmentCount++;
        totalRows += segmentRows;
        return s;
    }

    private void touch(int pg) {
        touchEpoch[pg] = epoch;
        if (touchedCount == touched.length) {
            touched = Arrays.copyOf(touched, touchedCount * 2);
            touchedBefore = Arrays.copyOf(touchedBefore, touchedCount * 2);
        }
        int[] page = pages[pg];
        touched[touchedCount] = pg;
        touchedBefore[touchedCount] = page == null ? null : page.clone();
        touchedCount++;
        updateRowLimit();
    }

    /** Pages of [addr, addr + len) not yet touched in this segment. */
    private int newPages(int addr, long len) {
        if (len <= 0) {
            return 0;
        }
        int first = addr >>> PAGE_SHIFT;
        int last = (int) ((Integer.toUnsignedLong(addr) + len - 1) >>> PAGE_SHIFT);
        int count = 0;
        for (int pg = first; pg <= last; pg++) {
            if (touchEpoch[pg] != epoch) {
                count++;
            }
        }
        return count;
    }

    private boolean fits(long extraRows, int extraPages) {
        return rowsUsed + extraRows + (long) ROWS_PER_PAGE * (touchedCount + 1 + extraPages) <= segmentRows;
    }

    private void touchRange(int addr, long len) {
        if (len <= 0) {
            return;
        }
        int first = addr >>> PAGE_SHIFT;
        int last = (int) ((Integer.toUnsignedLong(addr) + len - 1) >>> PAGE_SHIFT);
        for (int pg = first; pg <= last; pg++) {
            if (touchEpoch[pg] != epoch) {
                touch(pg);
            }
        }
    }

    // ---------------------------------------------------------------- memory

    private int loadWord(int addr) {
        int pg = addr >>> PAGE_SHIFT;
        if (touchEpoch[pg] != epoch) {
            touch(pg);
        }
        int[] page = pages[pg];
        return page == null ? 0 : page[(addr >>> 2) & (PAGE_WORDS - 1)];
    }

    private void storeWord(int addr, int value) {
        int pg = addr >>> PAGE_SHIFT;
        if (touchEpoch[pg] != epoch) {
            touch(pg);
        }
        int[] page = pages[pg];
        if (page == null) {
            page = new int[PAGE_WORDS];
            pages[pg] = page;
        }
        page[(addr >>> 2) & (PAGE_WORDS - 1)] = value;
    }

    /** Loader's byte store: no segment bookkeeping. */
    private void storeByteRaw(int addr, byte b) {
        int pg = addr >>> PAGE_SHIFT;
        int[] page = pages[pg];
        if (page == null) {
            page = new int[PAGE_WORDS];
            pages[pg] = page;
        }
        int w = (addr >>> 2) & (PAGE_WORDS - 1);
        int shift = (addr & 3) * 8;
        page[w] = (page[w] & ~(0xff << shift)) | ((b & 0xff) << shift);
    }

    private byte loadByteRaw(int addr) {
        int[] page = pages[addr >>> PAGE_SHIFT];
        return page == null ? 0 : (byte) (page[(addr >>> 2) & (PAGE_WORDS - 1)] >>> ((addr & 3) * 8));
    }

    private static boolean inGuest(int addr) {
        // Guest addresses are below 2^31, so a signed comparison also rejects the top half.
        return addr >= GUEST_START && addr < GUEST_END;
    }

    private GuestFault fault(String reason) {
        return new GuestFault(pc, reason);
    }

    // ---------------------------------------------------------------- the interpreter

    /**
     * Executes the instruction at pc. Returns false when execution halted, or when a system call
     * must move to a fresh segment (nothing has changed then).
     */
    private boolean step() {
        if (cycles >= cycleLimit) {
            throw fault("cycle limit of " + cycleLimit + " cycles exceeded");
        }
        final int pc = this.pc;
        if ((pc & 3) != 0) {
            throw fault("misaligned instruction fetch");
        }
        if (!inGuest(pc)) {
            throw fault("instruction fetch outside guest memory");
        }
        final int insn = loadWord(pc);
        final int[] x = regs;
        final int rd = (insn >>> 7) & 31;
        final int f3 = (insn >>> 12) & 7;
        final int rs1 = (insn >>> 15) & 31;
        final int rs2 = (insn >>> 20) & 31;
        final int f7 = insn >>> 25;
        int next = pc + 4;
        int result = 0;
        boolean writesRd = true;
        int memAddr = 0;
        int memBefore = 0;
        int memAfter = 0;

        switch (insn & 0x7f) {
            case 0x37 -> result = insn & 0xffff_f000; // LUI
            case 0x17 -> result = pc + (insn & 0xffff_f000); // AUIPC
            case 0x6f -> { // JAL
                result = next;
                next = pc + immJ(insn);
            }
            case 0x67 -> { // JALR
                if (f3 != 0) {
                    throw illegal(insn);
                }
                result = next;
                next = (x[rs1] + (insn >> 20)) & ~1;
            }
            case 0x63 -> { // BRANCH
                int a = x[rs1];
                int b = x[rs2];
                boolean taken = switch (f3) {
                    case 0 -> a == b;
                    case 1 -> a != b;
                    case 4 -> a < b;
                    case 5 -> a >= b;
                    case 6 -> Integer.compareUnsigned(a, b) < 0;
                    case 7 -> Integer.compareUnsigned(a, b) >= 0;
                    default -> throw illegal(insn);
                };
                if (taken) {
                    next = pc + immB(insn);
                }
                writesRd = false;
            }
            case 0x03 -> { // LOAD
                int addr = x[rs1] + (insn >> 20);
                int width = switch (f3) {
                    case 0, 4 -> 1;
                    case 1, 5 -> 2;
                    case 2 -> 4;
                    default -> throw illegal(insn);
                };
                checkData(addr, width, "load");
                int word = loadWord(addr);
                int shifted = word >>> ((addr & 3) * 8);
                result = switch (f3) {
                    case 0 -> (byte) shifted;
                    case 1 -> (short) shifted;
                    case 2 -> word;
                    case 4 -> shifted & 0xff;
                    default -> shifted & 0xffff;
                };
                memAddr = addr;
                memBefore = word;
                memAfter = word;
            }
            case 0x23 -> { // STORE
                int addr = x[rs1] + immS(insn);
                int width = switch (f3) {
                    case 0 -> 1;
                    case 1 -> 2;
                    case 2 -> 4;
                    default -> throw illegal(insn);
                };
                checkData(addr, width, "store");
                int word = loadWord(addr);
                int v = x[rs2];
                int updated;
                if (width == 4) {
                    updated = v;
                } else {
                    int shift = (addr & 3) * 8;
                    int mask = (width == 1 ? 0xff : 0xffff) << shift;
                    updated = (word & ~mask) | ((v << shift) & mask);
                }
                storeWord(addr, updated);
                memAddr = addr;
                memBefore = word;
                memAfter = updated;
                writesRd = false;
            }
            case 0x13 -> { // OP-IMM
                int a = x[rs1];
                int imm = insn >> 20;
                result = switch (f3) {
                    case 0 -> a + imm;
                    case 2 -> a < imm ? 1 : 0;
                    case 3 -> Integer.compareUnsigned(a, imm) < 0 ? 1 : 0;
                    case 4 -> a ^ imm;
                    case 6 -> a | imm;
                    case 7 -> a & imm;
                    case 1 -> {
                        if (f7 != 0) {
                            throw illegal(insn);
                        }
                        yield a << rs2;
                    }
                    default -> { // 5
                        if (f7 == 0) {
                            yield a >>> rs2;
                        } else if (f7 == 0x20) {
                            yield a >> rs2;
                        }
                        throw illegal(insn);
                    }
                };
            }
            case 0x33 -> { // OP and the M extension
                int a = x[rs1];
                int b = x[rs2];
                if (f7 == 0x01) {
                    result = mulDiv(f3, a, b);
                } else if (f7 == 0) {
                    result = switch (f3) {
                        case 0 -> a + b;
                        case 1 -> a << b; // Java masks the shift amount to 5 bits, as RV32 does
                        case 2 -> a < b ? 1 : 0;
                        case 3 -> Integer.compareUnsigned(a, b) < 0 ? 1 : 0;
                        case 4 -> a ^ b;
                        case 5 -> a >>> b;
                        case 6 -> a | b;
                        default -> a & b;
                    };
                } else if (f7 == 0x20 && f3 == 0) {
                    result = a - b;
                } else if (f7 == 0x20 && f3 == 5) {
                    result = a >> b;
                } else {
                    throw illegal(insn);
                }
            }
            case 0x0f -> { // MISC-MEM: FENCE is a no-op; FENCE.I is not RV32IM
                if (f3 != 0) {
                    throw illegal(insn);
                }
                writesRd = false;
            }
            case 0x73 -> { // SYSTEM: only ECALL
                if (insn == 0x0010_0073) {
                    throw fault("ebreak");
                }
                if (insn != 0x0000_0073) {
                    throw illegal(insn);
                }
                return ecall();
            }
            default -> throw illegal(insn);
        }
        if (writesRd && rd != 0) {
            x[rd] = result;
        }
        if (trace != null) {
            trace.record(pc, insn, writesRd && rd != 0 ? result : 0, memAddr, memBefore, memAfter);
        }
        this.pc = next;
        cycles++;
        segCycles++;
        rowsUsed++;
        return true;
    }

    private void checkData(int addr, int width, String what) {
        if ((addr & (width - 1)) != 0) {
            throw fault(String.format("misaligned %d-byte %s at 0x%08x", width, what, addr));
        }
        if (!inGuest(addr)) {
            throw fault(String.format("%d-byte %s at 0x%08x outside guest memory", width, what, addr));
        }
    }

    private static int mulDiv(int f3, int a, int b) {
        return switch (f3) {
            case 0 -> a * b;
            case 1 -> (int) (((long) a * (long) b) >> 32);
            case 2 -> (int) (((long) a * Integer.toUnsignedLong(b)) >> 32);
            case 3 -> (int) ((Integer.toUnsignedLong(a) * Integer.toUnsignedLong(b)) >>> 32);
            case 4 -> b == 0 ? -1 : (a == Integer.MIN_VALUE && b == -1 ? a : a / b);
            case 5 -> b == 0 ? -1 : Integer.divideUnsigned(a, b);
            case 6 -> b == 0 ? a : (a == Integer.MIN_VALUE && b == -1 ? 0 : a % b);
            default -> b == 0 ? a : Integer.remainderUnsigned(a, b);
        };
    }

    private GuestFault illegal(int insn) {
        if ((insn & 3) != 3) {
            return fault(String.format("illegal instruction 0x%08x (compressed instructions are not RV32IM)", insn));
        }
        return fault(String.format("illegal instruction 0x%08x (not RV32IM)", insn));
    }

    static int immB(int insn) {
        return ((insn >> 31) << 12) | (((insn >>> 7) & 1) << 11) | (((insn >>> 25) & 0x3f) << 5)
                | (((insn >>> 8) & 0xf) << 1);
    }

    static int immJ(int insn) {
        return ((insn >> 31) << 20) | (insn & 0xff000) | (((insn >>> 20) & 1) << 11)
                | (((insn >>> 21) & 0x3ff) << 1);
    }

    static int immS(int insn) {
        return ((insn >> 25) << 5) | ((insn >>> 7) & 31);
    }

    // ---------------------------------------------------------------- system calls

    private boolean ecall() {
        int a7 = regs[17];
        int a0 = regs[10];
        int a1 = regs[11];
        SystemCall call = SystemCall.of(a7);
        if (call == null) {
            throw fault("unknown system call " + Integer.toUnsignedString(a7) + " in a7");
        }
        boolean firstInSegment = rowsUsed == 0;
        int rdValue = 0;
        switch (call) {
            case HALT -> {
                if ((a1 & 3) != 0) {
                    throw fault(String.format("HALT journal digest address 0x%08x is not 4-byte aligned", a1));
                }
                if (!GuestMemoryMap.isGuestRange(a1, 32)) {
                    throw fault(String.format("HALT journal digest [0x%08x, +32) leaves guest memory", a1));
                }
                if (!firstInSegment && !fits(1, newPages(a1, 32))) {
                    return false;
                }
                touchRange(a1, 32);
                byte[] claimed = new byte[32];
                for (int i = 0; i < 32; i++) {
                    claimed[i] = loadByteRaw(a1 + i);
                }
                byte[] actual = Sha256.digest(journal.toByteArray());
                if (!replayJournalPartial && !MessageDigest.isEqual(claimed, actual)) {
                    throw fault("HALT journal digest does not match the SHA-256 of the "
                            + journal.size() + " committed bytes");
                }
                halted = true;
                exitCode = a0;
            }
            case READ -> {
                long want = Math.min(Integer.toUnsignedLong(a1), SystemCall.MAX_READ_BYTES);
                if (want > 0 && !GuestMemoryMap.isGuestRange(a0, want)) {
                    throw fault(String.format("READ buffer [0x%08x, +%d) leaves guest memory", a0, want));
                }
                int n = (int) Math.min(want, input.length - inputPos);
                if (!fits(1 + hostWriteRows(a0, n), newPages(a0, n))) {
                    if (!firstInSegment) {
                        return false;
                    }
                    while (n > 1 && !fits(1 + hostWriteRows(a0, n), newPages(a0, n))) {
                        n--;
                    }
                }
                touchRange(a0, n);
                for (int i = 0; i < n; i++) {
                    storeByteRaw(a0 + i, input[(int) (inputPos + i)]);
                }
                inputPos += n;
                segHostRows += hostWriteRows(a0, n);
                rowsUsed += hostWriteRows(a0, n);
                regs[10] = n;
                rdValue = n;
            }
            case COMMIT, LOG -> {
                if (!GuestMemoryMap.isGuestRange(a0, Integer.toUnsignedLong(a1))) {
                    throw fault(String.format("%s buffer [0x%08x, +%d) leaves guest memory",
                            call, a0, Integer.toUnsignedLong(a1)));
                }
                if (call == SystemCall.COMMIT) {
                    if (replayJournal != null) {
                        if (journal.size() + Integer.toUnsignedLong(a1) > replayJournal.length) {
                            throw fault("replay diverged: COMMIT past the end of the recorded journal");
                        }
                        journal.write(replayJournal, journal.size(), a1);
                    } else {
                        for (int i = 0; i < a1; i++) {
                            journal.write(loadByteRaw(a0 + i));
                        }
                    }
                } else if (replayJournal == null) {
                    for (int i = 0; i < a1; i++) {
                        log.write(loadByteRaw(a0 + i));
                    }
                }
            }
        }
        if (trace != null) {
            trace.record(pc, 0x73, rdValue, 0, 0, 0);
        }
        pc += 4;
        cycles++;
        segCycles++;
        rowsUsed++;
        return !halted;
    }

    /** Rows the AIR spends writing n READ bytes at ptr: single bytes up to alignment, words, bytes. */
    static int hostWriteRows(int ptr, int n) {
        int head = Math.min(n, (4 - (ptr & 3)) & 3);
        int rest = n - head;
        return head + rest / 4 + rest % 4;
    }
}
