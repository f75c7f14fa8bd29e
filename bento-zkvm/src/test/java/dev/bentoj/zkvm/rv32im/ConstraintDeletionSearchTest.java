package dev.bentoj.zkvm.rv32im;

import dev.bentoj.zkvm.air.Constraint;
import dev.bentoj.zkvm.air.Expr;
import dev.bentoj.zkvm.air.Interaction;
import dev.bentoj.zkvm.exec.GuestMemoryMap;
import dev.bentoj.zkvm.exec.Segment;
import dev.bentoj.zkvm.exec.TestPrograms;
import dev.bentoj.zkvm.field.BabyBear;
import dev.bentoj.zkvm.field.Ext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.bentoj.zkvm.exec.Asm.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Deleting any single constraint lets some bad witness through" (prover.md), searched for
 * automatically. Starting from an honest witness of a guest that runs every instruction (also
 * with rd = x0, whose result is written nowhere, and R-type ones on x0, x0), the search changes cells of every executing or
 * host-write row, the touched page-out rows and the boundary rows, and repairs the damage as a
 * cheater would (see {@link Search}): a witness counts when exactly one constraint fails, every
 * lookup stays inside its table (a cheater recounts the tables), the MEM and HALT buses still
 * balance and the public values are the honest ones. Such a witness is accepted by the AIR
 * without that constraint, so the constraint is not redundant; {@code -Ddeletion.verify=true}
 * re-checks each one in full (tables recounted, every LogUp sum, every constraint of the changed
 * rows). Besides single-cell first moves the search makes coordinated first moves that a
 * cheater would compute by hand: another instruction's row under the same fetched word (the guest
 * run again with one rd = x0 instruction replaced by one that differs only in funct3 or funct7,
 * {@link #SWAPS}, and that run's row, all but the fetched word's decode pieces, put in the honest
 * row); an adder carry c = 30720 or 30721 (65536·c ≡ −1 or 65535 mod p) with the adder output
 * recomputed for it; one cell of a left shift's 2^sh chain (τ, pw, a byte of Y or of L) changed
 * with the rest of the chain, the product and the result recomputed; a division with quotient
 * q + k and remainder r − k·y recomputed through the product and the remainder bound; an
 * rd = x0 instruction with result 0 made to write x0 (only timestamps move: the next x0 access
 * is relinked); the data slot of an ECALL (its a1) or of a host-write row rerouted to another
 * word of a listed page that holds the same value (both words' chains relinked); a row whose
 * selectors are X + Y − Z for three instructions whose encodings cancel in the decode rules (so
 * only Z's booleanity fails; the other rules are repaired or already agree); host-write flags
 * that cancel (IOB + IOW = 0) on an executing row; ECALL selectors redispatched to a7 (one call,
 * or X + Y − Z with the call numbers cancelling), a0's count write added or removed with the
 * READ selector; and every executing row from row 0 or 1 on moved 8 timestamps later. The
 * guest also loads registers from host words, which a cheater picks freely ({@link #INPUT}): a
 * host byte changed is carried through the loads, reads and writes of that value
 * ({@code carryValues}) to a misaligned base register, a7 with high bytes or of another call, a1
 * below the READ count, or a branch that now jumps: over the row that clears its register
 * (that row becomes padding, in place or after HALT moved up a row, or runs the jump to itself
 * that follows HALT in the code) or onto an ECALL word with rd = 1 that does what the ECALL after
 * it does. A second, small guest ({@link #boundaryRun}) gives whole other runs, each the honest
 * witness of another execution checked against that guest's honest public values (every row that
 * differs): started at a trampoline to its second instruction (past a no-op) placed after its
 * code (pre pc lo) or 64 KiB on (pre pc hi); or sent by its host word down another path of the same
 * length that leaves the same registers and memory and halts at another address with the same
 * high half (post pc lo) or 64 KiB on (post pc hi). Two more witnesses of that guest are built
 * row by row ({@link #earlyPageOut}, {@link #hostWriteFirst}): a copy of a page-out row put
 * before it, reading early (page-out timestamp), and a host-write row without a READ put first,
 * writing 0 into a zero word, with every row after it a row down and its timestamps 8 later
 * (first no host write). Six more are built by hand, each a row on which one selector is a
 * negative integer while every other rule holds (the rules are linear in the selectors, and
 * one-hot only asks that the row kinds sum to 0 or 1): a third guest ({@link #mixRun}) gives a
 * padding row of ADD + BEQ + FENCE − 3·LUI and one of seven selectors − 7·AUIPC, and three rows
 * run as X + Y − Z (FENCE, JAL, JALR; {@link #forgedSelectors}); a fourth, which does not halt
 * in its first segment ({@link #loopRun}), gets a page-out row with E_HALT + E_COMMIT − 2·E_READ
 * that claims a HALT, checked against public values that claim it ({@link #readOnPageOut}).
 *
 * <p>What the search does not isolate, and why. Each of these constraints is implied by the others
 * (the arguments below assume every other constraint holds and, as the memory argument of
 * rv32im-air.md §6 does, that a balanced LogUp bus balances each tuple: the multiplicities of
 * the lookups of one tuple, counted below p, add up to the public terms of that tuple). Two facts
 * recur. (T) Timestamps: with PO a bit, the FIRST, step and page-out timestamp rules give
 * tsb = 8·(i + 1) until the first PO row, T_END on PO rows and T_END + 8·j on the j-th row after
 * the last PO row; a slot's consumed timestamp lies below its own (ts − pts − 1 is a gap below
 * 2^27 + 2^16, all timestamps stay below 2^29 &lt; p). (R) Row order: with e = EXEC + IO,
 * "row order" reads (1 − e)·e' = 0, so e' ≠ 0 needs e = 1: the rows with e ≠ 0 are rows 0..K,
 * e = 1 on rows before K.
 * <ul>
 * <li>bool E_HALT. Every other flag is a bit and ANY ∈ {0, 1}, so on a row F where E_HALT is
 * no bit, E_HALT = ANY − (the other flags set) ≤ −1. A row with E_HALT = 1 has EXEC = 1 (one-hot)
 * and, by "nothing after HALT", e' = 0 (it is not the last row, which has e = 0): by (R) only
 * row K can be one. The HALT bus gets E_HALT from every row and the verifier's term (at most
 * one tuple, once), so F's tuple needs row K to send it with E_HALT = 1, and F ≠ K. Then
 * e_F = 0 (e = ANY − PO ∈ {−1, 0, 1}): by (R) e_F ≠ 0 puts F before K (F ≠ K), where e_{F+1} ≠ 0 breaks
 * "nothing after HALT" (E_HALT·(EXEC' + IO') = 0 with E_HALT ≠ 0). With S the other selectors set
 * on F, EXEC = E_HALT + |S| = −IO. If IO = 0, the opcode rule reads Σ_S opcode = |S|·0x73, the
 * largest opcode, so S holds ECALLs other than HALT and the dispatch rule reads
 * −Σ_S (call number) = 0 with numbers 1, 2, 3: impossible. If IO ≥ 1, the ECALL sum is
 * E_HALT + |S ∩ ECALL| ≤ −IO ≠ 0, so "ecall a1 slot s3" asks s3 = 255 while G_MEM ≥ IO ≥ 1 looks
 * up 4096·255 ≥ 2^16 in R16, whose lookup multiplicities are all ≥ 0 (1, or G_MEM, a sum of
 * bits): nothing cancels it.
 * <li>bool PO. PO ∉ {0, 1} with the other flags boolean and one-hot needs PO ≠ 0, so
 * tsb = T_END (page-out timestamp), and PO ≠ 1, so the timestamp step ties tsb to the row before:
 * back to row 0 (tsb = 8) or a PO = 1 row (tsb = T_END) the timestamps only grow by 8 a row
 * (8n &lt; p), so the row is the last one, where "last not executing" leaves the flags summing
 * to PO itself.
 * <li>one-hot. Every flag is a bit, so every MEM multiplicity is an integer ≥ 0 (rdz is forced
 * to a bit by its zero test). (M) No slot with multiplicity ≥ 1 has ts > T_END + 3: the tuple
 * of the latest one would have to be consumed by a page-out term (at most T_END + 3) or a slot
 * with a later timestamp (T). (L) Some page is listed: the earliest active slot consumes a tuple
 * that only a page-in term can produce. A row with ANY ≥ 2 has e ≥ 1 (after K, ANY = PO), so it
 * is row i ≤ K. If i &lt; K and PO_i = 1, then PAD_i = −1, "padding last" makes PO_{i+1} = 0,
 * tsb_{i+1} = T_END + 8, and row i + 1 (e = 1) fetches (EXEC ≥ 1) or writes a host word
 * (G_X ≥ IO ≥ 1) at ts ≥ T_END + 8, against (M). So ANY_K ≥ 2, PO = 0 before K, and
 * PAD_K ≤ −1 makes every row after K padding (PAD·PO' = 0, then ANY = PO = 0 on and on): the only
 * possible PO row is K itself, whose four slots produce one tuple each at T_END + 0..3 (padding
 * produces nothing, execution rows produce below T_END), while the 64 words of each residue of a
 * listed page (L) need 64 distinct tuples at their page-out timestamp.
 * <li>last not executing. With every flag a bit and one-hot, e ∈ {0, 1} and (R) makes e = 1 on
 * every row when it holds on the last one: no row is a PO row (ANY = e + PO ≤ 1), so (T)
 * tsb = 8·(i + 1) and only the last row's slots reach T_END + k, one tuple per residue, while a
 * listed page (as (L) above, multiplicities ≥ 0) needs 64.
 * <li>ecall a1 slot s2, by the page list. With the other slot bytes fixed, s2 ≠ 255
 * addresses a byte in [0xFF00_002C, 0xFFFF_002C), on no guest page and not the system page,
 * which no listed page can hold, so nothing balances the access.
 * </ul>
 * The test pins the number found so that a constraint made vacuous by an edit shows up as a
 * regression.
 */
class ConstraintDeletionSearchTest {
    /** Found on the current AIR; raise it when the search improves, never lower it. */
    static final int FOUND_AT_LEAST = 272;
    /** Moves after the first change. */
    static final int DEPTH = Integer.getInteger("deletion.depth", 2);
    /** Checks every witness found in full (tables recounted, all LogUp sums): slow, for changes to the search. */
    static final boolean VERIFY = Boolean.getBoolean("deletion.verify");
    /** Prints what the AIR says about each witness built by hand ({@link #forgedSelectors}, {@link #readOnPageOut}). */
    static final boolean DEBUG = Boolean.getBoolean("deletion.debug");

    @Test
    void isolatedConstraintsStayIsolated() {
        Proving.Run run = run(0, 0);
        Segment s = run.segments().get(0);
        Rv32imAir air = new Rv32imAir(SegmentWitness.pagesOf(s));
        int[][] honest = SegmentWitness.build(s, run.result().journal(), air);
        Search search = new Search(air, honest, new AirCheck(air, AirCheck.copy(honest), SegmentProver.publicValues(s, air.pages())));
        long start = System.nanoTime();
        Set<String> found = search.run(sampleRows(honest), DEPTH);
        // Another instruction's row under the same fetched word: the rd = x0 instruction replaced
        // by one that differs only in funct3 or funct7, run again, and its row's cells (all but
        // the fetched word's decode pieces) put in the honest row.
        for (int[] swap : SWAPS) {
            Proving.Run other = run(swap[0], swap[1]);
            Segment o = other.segments().get(0);
            int[][] variant = SegmentWitness.build(o, other.result().journal(), air);
            search.splice(variant, DEPTH);
        }
        // A whole other run of the boundary guest, checked against the honest run's public values:
        // started at a trampoline past its no-op (same high half, or 64 KiB on), or steered by its
        // host word to the HALT of another path (same high half, or 64 KiB on); then two witnesses
        // built row by row from the honest one.
        Proving.Run b = boundaryRun(TestPrograms.CODE_BASE, 0);
        Segment bs = b.segments().get(0);
        Rv32imAir bair = new Rv32imAir(SegmentWitness.pagesOf(bs));
        int[][] bh = SegmentWitness.build(bs, b.result().journal(), bair);
        Search boundary = new Search(bair, bh, new AirCheck(bair, AirCheck.copy(bh), SegmentProver.publicValues(bs, bair.pages())));
        for (int[] v : new int[][] {{NEAR, 0}, {FAR, 0}, {TestPrograms.CODE_BASE, 1},
            {TestPrograms.CODE_BASE, 2}}) {
            Proving.Run other = boundaryRun(v[0], v[1]);
            boundary.whole(SegmentWitness.build(other.segments().get(0), other.result().journal(), bair));
        }
        boundary.whole(earlyPageOut(bh, bair));
        boundary.whole(hostWriteFirst(bh, bair, (TestPrograms.DATA_BASE + 0x100) / 4));
        // Selectors that are no bits on a row where every other rule still holds: a padding row
        // and three rows of a third guest ({@link #forgedSelectors}).
        Proving.Run m = mixRun();
        Segment ms = m.segments().get(0);
        Rv32imAir mair = new Rv32imAir(SegmentWitness.pagesOf(ms));
        int[][] mh = SegmentWitness.build(ms, m.result().journal(), mair);
        Search mixes = new Search(mair, mh, new AirCheck(mair, AirCheck.copy(mh), SegmentProver.publicValues(ms, mair.pages())));
        for (int[][] v : forgedSelectors(mh, mair)) {
            if (DEBUG) {
                System.out.println("forged: " + new AirCheck(mair, AirCheck.copy(mh), SegmentProver.publicValues(ms, mair.pages())).violations(v));
            }
            mixes.whole(v);
        }
        // A HALT claimed by a segment that runs none, through a page-out row with E_READ = −2.
        Proving.Run l = loopRun();
        Segment ls = l.segments().get(0);
        Rv32imAir lair = new Rv32imAir(SegmentWitness.pagesOf(ls));
        int[][] lh = SegmentWitness.build(ls, l.result().journal(), lair);
        AirCheck lcheck = new AirCheck(lair, AirCheck.copy(lh), SegmentProver.publicValues(ls, lair.pages()));
        Search loop = new Search(lair, lh, lcheck);
        int[][] claim = readOnPageOut(lh, lair, TestPrograms.CODE_BASE);
        Ext halt = loop.haltTerm(claim, firstPadding(lh));
        if (DEBUG) {
            System.out.println("forged: " + lcheck.violations(claim, halt));
        }
        loop.whole(claim, halt);
        found = search.names();
        found.addAll(boundary.names());
        found.addAll(mixes.names());
        found.addAll(loop.names());
        List<String> missing = new ArrayList<>();
        for (Constraint k : air.constraints()) {
            if (!found.contains(k.name())) {
                missing.add(k.name());
            }
        }
        System.out.println("deletion search: " + found.size() + " of " + air.constraints().size()
                + " constraints isolated (" + search.nodes() + " witnesses tried, "
                + (System.nanoTime() - start) / 1_000_000 + " ms" + (VERIFY ? ", " + (search.verified + boundary.verified + mixes.verified + loop.verified) + " verified in full" : "")
                + "); not isolated: " + missing);
        assertTrue(found.size() >= FOUND_AT_LEAST, found.size() + " found, expected at least " + FOUND_AT_LEAST);
    }

    /** Pairs (honest instruction, the instruction whose row is put under its word), all with rd = x0. */
    static final int[][] SWAPS = {{add(0, 5, 6), sub(0, 5, 6)}, {sub(0, 5, 6), add(0, 5, 6)},
        {srl(0, 5, 6), sra(0, 5, 6)}, {sra(0, 5, 6), srl(0, 5, 6)}, {srli(0, 5, 3), srai(0, 5, 3)},
        {srai(0, 5, 3), srli(0, 5, 3)}, {add(0, 5, 6), sll(0, 5, 6)}, {xor(0, 5, 6), or(0, 5, 6)},
        {or(0, 5, 6), and(0, 5, 6)}, {slt(0, 5, 6), sltu(0, 5, 6)}, {mul(0, 5, 6), mulh(0, 5, 6)},
        {div(0, 5, 6), divu(0, 5, 6)}, {rem(0, 5, 6), remu(0, 5, 6)}, {addi(0, 5, -3), xori(0, 5, -3)},
        {slti(0, 5, 3), sltiu(0, 5, 3)}, {ori(0, 5, 5), andi(0, 5, 5)}, {lw(0, 8, 0), lh(0, 8, 0)},
        {lbu(0, 8, 3), lb(0, 8, 3)}, {add(0, 5, 6), mul(0, 5, 6)}, {mul(0, 5, 6), add(0, 5, 6)}};

    /** The guest, with the rd = x0 instruction {@code from} replaced by {@code to} (none when from = 0). */
    static Proving.Run run(int from, int to) {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(8, TestPrograms.DATA_BASE + 64)).add(li(5, 0x80ff_7f01)).add(li(6, -7));
        // A store overwritten by the next access of its word: a changed stored value is consumed
        // by a store, whose previous-value cells no other rule reads. A branch to pc + 4 goes to
        // the same place taken or not.
        c.add(sw(5, 8, 16)).add(sw(6, 8, 16)).add(sh(5, 8, 22)).add(sw(6, 8, 20)).add(sb(5, 8, 25))
                .add(sw(6, 8, 24)).add(beq(5, 5, 4));
        for (int op : new int[] {add(7, 5, 6), sub(7, 5, 6), sll(7, 5, 6), slt(7, 5, 6), sltu(7, 5, 6), xor(7, 5, 6),
            srl(7, 5, 6), sra(7, 5, 6), or(7, 5, 6), and(7, 5, 6), mul(7, 5, 6), mulh(7, 5, 6), mulhsu(7, 5, 6),
            mulhu(7, 5, 6), div(7, 5, 6), divu(7, 5, 6), rem(7, 5, 6), remu(7, 5, 6), addi(7, 5, -3), slti(7, 5, 3),
            sltiu(7, 5, 3), xori(7, 5, -1), ori(7, 5, 5), andi(7, 5, 5), slli(7, 5, 3), srli(7, 5, 3), srai(7, 5, 3),
            sw(5, 8, 0), sh(5, 8, 6), sb(5, 8, 9), lw(7, 8, 0), lh(7, 8, 2), lhu(7, 8, 2), lb(7, 8, 3), lbu(7, 8, 3),
            beq(5, 5, 8), addi(9, 9, 1), bne(5, 6, 8), addi(9, 9, 1), blt(5, 6, 8), addi(9, 9, 1), bge(6, 5, 8),
            addi(9, 9, 1), bltu(6, 5, 8), addi(9, 9, 1), bgeu(5, 6, 8), addi(9, 9, 1), lui(7, 0x12345),
            auipc(7, 3), fence(), jal(1, 4), div(7, 5, 0), div(7, 6, 6)}) {
            c.add(op);
        }
        // The same with rd = x0: the result is written nowhere, so a changed result byte meets
        // only the instruction's own rule (and its range check), not the memory argument.
        for (int op : new int[] {add(0, 5, 6), sub(0, 5, 6), sll(0, 5, 6), slt(0, 5, 6), sltu(0, 5, 6),
            xor(0, 5, 6), srl(0, 5, 6), sra(0, 5, 6), or(0, 5, 6), and(0, 5, 6), mul(0, 5, 6), mulh(0, 5, 6),
            mulhsu(0, 5, 6), mulhu(0, 5, 6), div(0, 5, 6), divu(0, 5, 6), rem(0, 5, 6), remu(0, 5, 6),
            addi(0, 5, -3), slti(0, 5, 3), sltiu(0, 5, 3), xori(0, 5, -1), ori(0, 5, 5), andi(0, 5, 5),
            slli(0, 5, 3), srli(0, 5, 3), srai(0, 5, 3), lw(0, 8, 0), lh(0, 8, 2), lhu(0, 8, 2), lb(0, 8, 3),
            lbu(0, 8, 3), lui(0, 0x12345), auipc(0, 3), jal(0, 4), div(0, 5, 0), rem(0, 6, 6),
            // x0 op x0: every rule of an all-zero row holds for several instructions at once.
            add(0, 0, 0), sll(0, 0, 0), slt(0, 0, 0), sltu(0, 0, 0), xor(0, 0, 0), srl(0, 0, 0), or(0, 0, 0),
            and(0, 0, 0), mulh(0, 0, 0), mulhu(0, 0, 0), divu(0, 0, 0)}) {
            c.add(op == from ? to : op);
        }
        c.add(li(10, TestPrograms.DATA_BASE + 33)).add(li(11, 9)).add(li(17, 1)).add(ecall());
        c.add(li(10, TestPrograms.DATA_BASE + 33)).add(li(11, 2)).add(li(17, 3)).add(ecall());
        // A host word never read again, paged out from a page-out row's D slot (word index 3 mod 4).
        c.add(li(10, TestPrograms.DATA_BASE + 44)).add(li(11, 4)).add(li(17, 1)).add(ecall());
        // Registers loaded from host words, which a cheater picks: two base registers (word and
        // half alignment), a7 of a LOG and of a READ (the call number), a1 (READ's bound) and two
        // branch operands (x16, x18). Each register
        // and each host word is overwritten after its use, so the final state does not show them.
        int host = TestPrograms.DATA_BASE + HOST_WORDS;
        c.add(li(10, host)).add(li(11, 28)).add(li(17, 1)).add(ecall()).add(li(12, host)).add(lw(16, 12, 20))
                .add(lw(18, 12, 24));
        c.add(lw(13, 12, 0)).add(lw(14, 12, 4)).add(lw(0, 13, 0)).add(lh(0, 14, 0)).add(addi(13, 0, 0))
                .add(addi(14, 0, 0));
        // A LOG of nothing at 0, also an ECALL whose a1 is 0 (the value of unused words).
        c.add(lw(17, 12, 8)).add(li(10, 0)).add(li(11, 0)).add(ecall());
        // A READ whose a7 and a1 come from host words.
        c.add(lw(17, 12, 16)).add(lw(11, 12, 12)).add(li(10, host + 28)).add(ecall());
        for (int k = 0; k < 28; k += 4) {
            c.add(sw(0, 12, k));
        }
        // A COMMIT of nothing at 0: a0 = 0 is also a READ count of nothing.
        c.add(li(10, 0)).add(li(11, 0)).add(li(17, 2)).add(ecall());
        // A branch on a host word (x18 = 1) over a jump, landing on an ECALL word with rd = 1 just
        // before the LOG of nothing the jump reaches: were x18 0, that word would run in the
        // jump's row, doing what the LOG does.
        c.add(li(17, 3)).add(beq(18, 0, 8)).add(jal(0, 8)).add(ecall() | 1 << 7).add(ecall()).add(addi(18, 0, 0));
        // Host writes of zeros into zero words (a word, then two), which a cheater could make
        // land in other zero words: on the same page, or 64 KiB on (a page the guest lists by
        // reading it). A word read at 0x00FF_002C (zero) lists the page whose word the a1 slot
        // reaches with s3 = 0 in place of 255.
        c.add(li(10, ZEROS)).add(li(11, 4)).add(li(17, 1)).add(ecall());
        c.add(li(10, ZEROS + 16)).add(li(11, 8)).add(li(17, 1)).add(ecall());
        c.add(li(15, ZEROS + 0x1_0000)).add(lw(0, 15, 0)).add(li(15, 0x00FF_0000)).add(lw(0, 15, 0));
        // A READ of nothing (the input is used up) with a bound above 2^16, at a word never
        // accessed, followed by an instruction whose adder output is that pointer; a0 (the
        // count) is overwritten, so a changed count reaches no later read.
        c.add(li(10, TestPrograms.DATA_BASE + 100)).add(li(12, TestPrograms.DATA_BASE + 100)).add(li(11, 0x10001))
                .add(li(17, 1)).add(ecall()).add(addi(0, 12, 0)).add(addi(10, 0, 0));
        c.add(li(6, 0)).add(auipc(7, 0)).add(jalr(1, 7, 12));
        // HALT (as haltWithA0), after a branch on a host word (x16 = 1) over the instruction that
        // clears x16: were x16 0, the branch would skip it and leave the same final state.
        c.add(addi(10, 0, 0)).add(li(11, TestPrograms.DATA_BASE)).add(addi(17, 0, 0)).add(beq(16, 0, 8))
                .add(addi(16, 0, 0)).add(ecall()).add(jal(0, 0));
        return Proving.execute(TestPrograms.program(c, new byte[128]), INPUT, 16);
    }

    /** The boundary guest's second trampoline to E + 4, after its code (same high half as E). */
    static final int NEAR = TestPrograms.CODE_BASE + 136;
    /** The boundary guest's far code, 64 KiB after its entry: a trampoline back to E + 4 and a second HALT. */
    static final int FAR = TestPrograms.CODE_BASE + 0x1_0000;

    /**
     * The boundary guest started at {@code entry}, its host word {@code choice}. From E: a no-op,
     * a load that lists the far page, a READ of the host word into x16, which is then cleared in
     * memory, and a branch on it to one of three paths of the same length that clear x16 and halt
     * (exit 0, empty journal): 0 at HA, 1 at another address of the same high half, 2 at HA +
     * 64 KiB (through a JAL). Started at a trampoline (a JAL to E + 4, at NEAR after the code or at
     * FAR) it runs one JAL in place of the no-op and then the same rows; every run ends with the
     * same registers and memory.
     */
    static Proving.Run boundaryRun(int entry, int choice) {
        TestPrograms.Code c = new TestPrograms.Code();
        int buffer = TestPrograms.DATA_BASE + 32;
        c.add(addi(0, 0, 0)).add(li(15, FAR)).add(lw(0, 15, 0));
        c.add(li(10, buffer)).add(li(11, 4)).add(li(17, 1)).add(ecall()).add(li(12, buffer)).add(lw(16, 12, 0))
                .add(sw(0, 12, 0));
        c.add(li(10, 0)).add(li(11, TestPrograms.DATA_BASE)).add(addi(17, 0, 0));
        int p = c.here();
        int ha = p + 48;
        c.add(beq(16, 0, 32)).add(addi(16, 16, -1)).add(beq(16, 0, 12));
        c.add(addi(16, 0, 0)).add(jal(0, ha + 0x1_0000 - (p + 16)));
        c.add(addi(16, 0, 0)).add(addi(0, 0, 0)).add(ecall());
        c.add(addi(16, 0, 0)).add(addi(0, 0, 0)).add(addi(0, 0, 0)).add(addi(0, 0, 0)).add(ecall()).add(jal(0, 0));
        if (c.here() != NEAR) {
            throw new IllegalStateException("the near trampoline moved to " + Integer.toHexString(c.here()));
        }
        c.add(jal(0, TestPrograms.CODE_BASE + 4 - NEAR));
        dev.bentoj.zkvm.elf.Program image = TestPrograms.program(c);
        java.nio.ByteBuffer far = java.nio.ByteBuffer.allocate(ha - TestPrograms.CODE_BASE + 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        far.putInt(0, jal(0, TestPrograms.CODE_BASE + 4 - FAR)).putInt(ha - TestPrograms.CODE_BASE, ecall())
                .putInt(ha - TestPrograms.CODE_BASE + 4, jal(0, 0));
        List<dev.bentoj.zkvm.elf.LoadSegment> segments = new ArrayList<>(image.segments());
        segments.add(new dev.bentoj.zkvm.elf.LoadSegment(FAR, far.array(), far.capacity(), true));
        byte[] input = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(choice).array();
        return Proving.execute(new dev.bentoj.zkvm.elf.Program(entry, segments), input, 16);
    }

    /** Row {@code row} of {@code t} put in at {@code at}, the rows from there on one lower, the last one dropped. */
    static int[][] insertRow(int[][] t, int at, int[] row) {
        int[][] w = new int[t.length][];
        for (int col = 0; col < t.length; col++) {
            int[] c = new int[t[col].length];
            System.arraycopy(t[col], 0, c, 0, at);
            c[at] = row[col];
            System.arraycopy(t[col], at, c, at + 1, c.length - at - 1);
            w[col] = c;
        }
        return w;
    }

    static int[] rowOf(int[][] t, int i) {
        int[] row = new int[t.length];
        for (int col = 0; col < t.length; col++) {
            row[col] = t[col][i];
        }
        return row;
    }

    /** Gap limbs of every slot of row r recomputed from its timestamps. */
    static void regap(int[][] w, int r) {
        for (int[] slot : Search.SLOTS) {
            int gap = BabyBear.fromMont(w[Cols.TSB][r]) + slot[3] - BabyBear.fromMont(w[slot[0]][r]) - 1;
            w[slot[1]][r] = BabyBear.toMont(gap & 2047);
            w[slot[2]][r] = BabyBear.toMont(gap >>> 11);
        }
    }

    /**
     * A copy of the first page-out row put before it, reading early: at the timestamp the next
     * execution row would have. The page-out row then reads what the copy left; the page-out
     * block is a row longer, and the padding moves a row down (the last padding row dropped).
     */
    static int[][] earlyPageOut(int[][] h, Rv32imAir air) {
        int x = 0;
        while (h[Cols.PO][x] != BabyBear.ONE) {
            x++;
        }
        int t0 = 8 * (x + 1);
        int[] early = rowOf(h, x);
        early[Cols.TSB] = BabyBear.toMont(t0);
        early[Cols.PTS_X] = BabyBear.toMont(t0 + 3);
        int[][] w = insertRow(h, x, early);
        for (int[] slot : Search.SLOTS) {
            if (slot[3] < 4) {
                w[slot[0]][x + 1] = BabyBear.toMont(t0 + slot[3]);
            }
        }
        regap(w, x);
        regap(w, x + 1);
        SegmentWitness.countLookups(w, air);
        return w;
    }

    /**
     * A host-write row first, with no READ: it writes 0 into the zero word {@code word}, which only
     * its page-out row reads. The rows after it move a row down (the last padding row dropped),
     * execution timestamps 8 later, and every access's previous timestamp with them.
     */
    static int[][] hostWriteFirst(int[][] h, Rv32imAir air, long word) {
        int n = h[0].length;
        long tEnd = 8L * n;
        int io = 0;
        while (h[Cols.IOW][io] != BabyBear.ONE) {
            io++;
        }
        int[] first = rowOf(h, io);
        for (int col : new int[] {Cols.PC0Q, Cols.PC1, Cols.PC2, Cols.PC3, Cols.E4}) {
            first[col] = h[col][0];
        }
        long pc = Search.pcOf(h, 0);
        first[Cols.NP_LO] = BabyBear.toMont((int) (pc & 0xffff));
        first[Cols.NP_HI] = BabyBear.toMont((int) (pc >>> 16));
        first[Cols.TSB] = BabyBear.toMont(8);
        first[Cols.REMAIN] = BabyBear.toMont(4);
        long s = 4 * word;
        int[] sb = {(int) (s & 255), (int) (s >>> 8 & 255), (int) (s >>> 16 & 255), (int) (s >>> 24)};
        for (int j = 0; j < 4; j++) {
            first[Cols.OH + j] = (sb[0] & 3) == j ? BabyBear.ONE : 0;
            first[Cols.R2 + j] = 0;
            first[Cols.W + j] = 0;
            first[Cols.PV + j] = 0;
        }
        first[Cols.SQ] = BabyBear.toMont(sb[0] >> 2);
        first[Cols.S1] = BabyBear.toMont(sb[1]);
        first[Cols.S2] = BabyBear.toMont(sb[2]);
        first[Cols.S3] = BabyBear.toMont(sb[3]);
        first[Cols.Z] = 0;
        first[Cols.ZI] = BabyBear.inv(BabyBear.toMont(sb[0] + sb[1] + sb[2] + sb[3]));
        for (int[] slot : Search.SLOTS) {
            first[slot[0]] = BabyBear.toMont(slot[3] < 4 ? 7 + slot[3] : 0);
        }
        int[][] w = insertRow(h, 0, first);
        regap(w, 0);
        for (int i = 1; i < n; i++) {
            boolean po = w[Cols.PO][i] == BabyBear.ONE;
            boolean kind = false;
            for (int col = Cols.SEL; col < Cols.PO; col++) {
                kind |= w[col][i] == BabyBear.ONE;
            }
            if (!kind && !po) {
                continue;
            }
            if (!po) {
                w[Cols.TSB][i] = BabyBear.add(w[Cols.TSB][i], BabyBear.toMont(8));
            }
            for (int[] slot : Search.SLOTS) {
                long pts = BabyBear.fromMont(w[slot[0]][i]);
                if (po ? pts > 0 && pts < tEnd : pts >= 7) {
                    w[slot[0]][i] = BabyBear.toMont((int) pts + 8);
                }
            }
            long quad = (Search.pcOf(w, i) / 4 + BabyBear.fromMont(w[Cols.OA_F][i])) % BabyBear.P;
            if (po && quad == (word & ~3L)) {
                int[] slot = Search.SLOTS[(int) (word & 3)];
                if (w[slot[0]][i] != 0) {
                    return h;
                }
                w[slot[0]][i] = BabyBear.toMont(12);
            }
            regap(w, i);
        }
        SegmentWitness.countLookups(w, air);
        return w;
    }

    /**
     * The third guest, whose words let a non-boolean selector keep every other rule: x5 set to
     * E + 8 + 0x28000, then at E + 8 {@code auipc x0, 40} (its rs1 field is x5 and its J-immediate
     * 0x28000), the word 0x0000000F (a FENCE with every field 0) and {@code auipc x0, 3} (rs1 = rs2
     * = x0, funct3 3), then HALT.
     */
    static Proving.Run mixRun() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(auipc(5, 0x28)).add(addi(5, 5, 8)).add(auipc(0, 40)).add(0x0000_000f).add(auipc(0, 3));
        c.add(addi(10, 0, 0)).haltWithA0();
        return Proving.execute(TestPrograms.program(c), new byte[0], 16);
    }

    /** Sets a cell of {@code w} to the integer {@code v} (negative values as p − |v|). */
    static void cell(int[][] w, int col, int r, long v) {
        w[col][r] = BabyBear.toMont((int) Math.floorMod(v, (long) BabyBear.P));
    }

    static long value(int[][] w, int col, int r) {
        return BabyBear.fromMont(w[col][r]);
    }

    /** Row r's selectors: {@code ops[i]} gets {@code values[i]}, every other selector 0. */
    static void selectors(int[][] w, int r, Op[] ops, int[] values) {
        for (Op op : Op.values()) {
            cell(w, op.column(), r, 0);
        }
        for (int i = 0; i < ops.length; i++) {
            cell(w, ops[i].column(), r, values[i]);
        }
    }

    /** The adder-1 output s of row r (its one-hot low bits, sq, s1..s3) set to {@code s}. */
    static void adderOut(int[][] w, int r, long s) {
        int s0 = (int) (s & 255);
        for (int j = 0; j < 4; j++) {
            cell(w, Cols.OH + j, r, (s0 & 3) == j ? 1 : 0);
        }
        cell(w, Cols.SQ, r, s0 >>> 2);
        cell(w, Cols.S1, r, s >>> 8 & 255);
        cell(w, Cols.S2, r, s >>> 16 & 255);
        cell(w, Cols.S3, r, s >>> 24 & 255);
    }

    static void word(int[][] w, int at, int r, long v) {
        for (int j = 0; j < 4; j++) {
            cell(w, at + j, r, v >>> 8 * j & 255);
        }
    }

    /**
     * The cells every row derives from the others, recomputed on row r as the honest witness does:
     * xor bytes, sign bits, the load views, and the zero tests of rd, s, Y, t and e_ov.
     */
    static void settle(int[][] w, int r) {
        for (int j = 0; j < 4; j++) {
            cell(w, Cols.X + j, r, value(w, Cols.A + j, r) ^ value(w, Cols.B + j, r));
        }
        int oh = (int) (value(w, Cols.OH + 1, r) + 2 * value(w, Cols.OH + 2, r) + 3 * value(w, Cols.OH + 3, r));
        cell(w, Cols.LBYTE, r, value(w, Cols.PV + oh, r));
        cell(w, Cols.LHALF, r, oh == 0 ? value(w, Cols.PV + 1, r) : oh == 2 ? value(w, Cols.PV + 3, r) : 0);
        for (int[] sg : new int[][] {{Cols.A + 3, Cols.SGA}, {Cols.B + 3, Cols.SGB}, {Cols.MX + 3, Cols.SMX},
            {Cols.RM + 3, Cols.SR}, {Cols.LBYTE, Cols.SGL}, {Cols.LHALF, Cols.SGH}}) {
            cell(w, sg[1], r, value(w, sg[0], r) >>> 7);
        }
        long sa = value(w, Cols.SGA, r);
        long divRem = value(w, Op.DIV.column(), r) + value(w, Op.REM.column(), r);
        long eOv = value(w, Cols.A, r) + value(w, Cols.A + 1, r) + value(w, Cols.A + 2, r) + value(w, Cols.A + 3, r)
                - 128 * sa + 1 - sa + 4 * 255 - value(w, Cols.B, r) - value(w, Cols.B + 1, r) - value(w, Cols.B + 2, r)
                - value(w, Cols.B + 3, r) + 1 - divRem;
        long[][] tests = {
            {value(w, Cols.RD0, r) + 2 * value(w, Cols.RDH, r), Cols.RDZ, Cols.RDI},
            {value(w, Cols.OH + 1, r) + 2 * value(w, Cols.OH + 2, r) + 3 * value(w, Cols.OH + 3, r)
                + 4 * value(w, Cols.SQ, r) + value(w, Cols.S1, r) + value(w, Cols.S2, r) + value(w, Cols.S3, r), Cols.Z, Cols.ZI},
            {value(w, Cols.MY, r) + value(w, Cols.MY + 1, r) + value(w, Cols.MY + 2, r) + value(w, Cols.MY + 3, r), Cols.BZ, Cols.BZI},
            {value(w, Cols.T_LO, r) + value(w, Cols.T_HI, r), Cols.WZ, Cols.WZI},
            {eOv, Cols.OVZ, Cols.OVI}};
        for (long[] z : tests) {
            int v = BabyBear.toMont((int) Math.floorMod(z[0], (long) BabyBear.P));
            cell(w, (int) z[1], r, v == 0 ? 1 : 0);
            w[(int) z[2]][r] = v == 0 ? 0 : BabyBear.inv(v);
        }
    }

    /** The first row whose pc is {@code pc} and that executes. */
    static int rowAt(int[][] h, long pc) {
        for (int i = 0; i < h[0].length; i++) {
            boolean executes = false;
            for (Op op : Op.values()) {
                executes |= h[op.column()][i] == BabyBear.ONE;
            }
            if (executes && Search.pcOf(h, i) == pc) {
                return i;
            }
        }
        throw new IllegalStateException("no row at " + Long.toHexString(pc));
    }

    /**
     * Witnesses for the booleanity of seven selectors, each a row on which one selector is a
     * negative integer and every other rule still holds (the rules are linear in the
     * selectors, and one-hot only asks that they sum to 0 or 1):
     * <ul>
     * <li>LUI: a padding row of ADD + BEQ + FENCE − 3·LUI ({@link #luiOnPadding});
     * <li>AUIPC: a padding row of ADDI + XORI + ORI + SLLI + SRLI + SRL + FENCE − 7·AUIPC
     * ({@link #auipcOnPadding});
     * <li>FENCE: {@code auipc x0, 3} run as ADDI + SLTIU − FENCE;
     * <li>JAL: the word 0x0000000F run as AUIPC + JALR − JAL;
     * <li>JALR: {@code auipc x0, 40} with x5 = pc + 0x28000 run as FENCE + JAL − JALR.
     * </ul>
     * Each witness is the honest one of {@link #mixRun} with that one row changed.
     */
    static List<int[][]> forgedSelectors(int[][] h, Rv32imAir air) {
        List<int[][]> out = new ArrayList<>();
        out.add(luiOnPadding(h, air));
        out.add(auipcOnPadding(h, air));
        int base = TestPrograms.CODE_BASE;
        out.add(fenceOnAuipc(h, air, rowAt(h, base + 16)));
        out.add(jalOnFence(h, air, rowAt(h, base + 12)));
        out.add(jalrOnAuipc(h, air, rowAt(h, base + 8)));
        return out;
    }

    /** The first padding row (after the page-out block). */
    static int firstPadding(int[][] h) {
        int i = 0;
        while (h[Cols.PO][i] != BabyBear.ONE) {
            i++;
        }
        while (h[Cols.PO][i] == BabyBear.ONE) {
            i++;
        }
        return i;
    }

    /**
     * bool LUI. A padding row with ADD = BEQ = FENCE = 1 and LUI = −3: the selectors sum to 0 (a
     * row that does not execute: it keeps the pc and every memory multiplicity is 0, rd = 0 so
     * rdw = G_WR·(1 − rdz) = 0), and the opcodes cancel (0x33 + 0x63 + 0x0F = 3·0x37), as do
     * funct3 (all 0) and funct7 (ADD's 0). The fields are free on a row that fetches nothing:
     * r1l = 1 gives the U-immediate 0x8000, which LUI asks of c and ADD of s = c; with b = r2 = 0
     * adder 1 holds in both forms at once (G_A = G_S = 1). s ≠ 0, so BEQ is not taken and the
     * next pc, −q4 + q4 + P, is the pc kept; adder 2 gives t = P. Only LUI's booleanity fails.
     */
    static int[][] luiOnPadding(int[][] h, Rv32imAir air) {
        int[][] w = AirCheck.copy(h);
        int r = firstPadding(h);
        selectors(w, r, new Op[] {Op.ADD, Op.BEQ, Op.FENCE, Op.LUI}, new int[] {1, 1, 1, -3});
        cell(w, Cols.R1L, r, 1);
        word(w, Cols.C, r, 0x8000);
        adderOut(w, r, 0x8000);
        long pc = Search.pcOf(h, r);
        cell(w, Cols.T_LO, r, pc & 0xffff);
        cell(w, Cols.T_HI, r, pc >>> 16);
        settle(w, r);
        SegmentWitness.countLookups(w, air);
        return w;
    }

    /**
     * bool AUIPC. A padding row with ADDI, XORI, ORI, SLLI, SRLI, SRL, FENCE = 1 and AUIPC = −7:
     * the selectors sum to 0, the opcodes cancel (5·0x13 + 0x33 + 0x0F = 7·0x17), funct3 3 is the
     * mean of 0, 4, 6, 1, 5, 5, 0 and funct7 0 that of the shifts. With rs2 = imm = 0 (b = 0) and
     * a shift by 0 (y = 1) every ALU rule reads c = a: ADDI's s, XORI's a xor 0, ORI's, SLLI's low
     * product and the quotient of SRLI and SRL (the product identity x·y + 2·r = pr with r = 0).
     * Adder 2 sums −7·(P + U − c) and chk = G_DV = 2 times the remainder bound
     * (y + t − rm): with c = P + U − 2 in the low half and P + U in the high one, t = (6, 32768)
     * and cb1 = 1 (the bound's carry) make it 65536·cb1. The row fetches nothing and writes nothing
     * (rd = 0); only AUIPC's booleanity fails.
     */
    static int[][] auipcOnPadding(int[][] h, Rv32imAir air) {
        int[][] w = AirCheck.copy(h);
        int r = firstPadding(h);
        selectors(w, r, new Op[] {Op.ADDI, Op.XORI, Op.ORI, Op.SLLI, Op.SRLI, Op.SRL, Op.FENCE, Op.AUIPC},
                new int[] {1, 1, 1, 1, 1, 1, 1, -7});
        cell(w, Cols.F3, r, 3);
        long pc = Search.pcOf(h, r);
        long uLo = 256 * 48;
        long c = (pc & 0xffff) + uLo - 2 + ((pc >>> 16) << 16);
        word(w, Cols.A, r, c);
        word(w, Cols.C, r, c);
        word(w, Cols.MX, r, c);
        word(w, Cols.PR, r, c);
        adderOut(w, r, c);
        cell(w, Cols.MY, r, 1);
        cell(w, Cols.L, r, 1);
        cell(w, Cols.TAU, r, 1);
        cell(w, Cols.PW, r, 1);
        cell(w, Cols.CHK, r, 2);
        cell(w, Cols.CB0, r, 0);
        cell(w, Cols.CB1, r, 1);
        cell(w, Cols.T_LO, r, 6);
        cell(w, Cols.T_HI, r, 32768);
        settle(w, r);
        SegmentWitness.countLookups(w, air);
        return w;
    }

    /**
     * bool FENCE. {@code auipc x0, 3} run as ADDI + SLTIU − FENCE: the opcodes cancel
     * (2·0x13 − 0x0F = 0x17) and so do funct3 (3 = 0 + 3 − 0). rs1 = rs2 = x0 and the immediate
     * fields are 0, so b = 0 and adder 1 in both forms (G_A = G_S = 1) leaves s = c = 0, which ADDI
     * and SLTIU (c = ca1 = 0) both accept; adder 2 has no term left (t = 0). rd = 0 writes nothing,
     * the next pc is pc + 4 as before.
     */
    static int[][] fenceOnAuipc(int[][] h, Rv32imAir air, int r) {
        return zeroFieldMix(h, air, r, Op.ADDI, Op.SLTIU, Op.FENCE);
    }

    /**
     * bool JAL. The word 0x0000000F (a FENCE whose fields are all 0) run as AUIPC + JALR − JAL:
     * the opcodes cancel (0x17 + 0x67 − 0x6F = 0x0F), JALR's funct3 is 0, and the link rule
     * (JAL + JALR)·(c − q4) vanishes. With every field 0, JALR's target is x0 + 0 = 0 and JAL's
     * t = pc + 0, AUIPC's c = pc + 0: adder 2 sums (P − c) − (P − t) = 0 with c = t = 0 and the
     * next pc is q4 − t + j = pc + 4. rd = 0: G_WR = 1, but nothing is written.
     */
    static int[][] jalOnFence(int[][] h, Rv32imAir air, int r) {
        return zeroFieldMix(h, air, r, Op.AUIPC, Op.JALR, Op.JAL);
    }

    /**
     * Row r run as x + y − z on a word with rd = rs1 = rs2 = x0 and zero I- and S-immediates
     * (the two above): c, b, the adders' outputs, the carries and t all 0, the rest settled.
     */
    private static int[][] zeroFieldMix(int[][] h, Rv32imAir air, int r, Op x, Op y, Op z) {
        int[][] w = AirCheck.copy(h);
        selectors(w, r, new Op[] {x, y, z}, new int[] {1, 1, -1});
        word(w, Cols.C, r, 0);
        word(w, Cols.B, r, 0);
        adderOut(w, r, 0);
        for (int col : new int[] {Cols.CA0, Cols.CA1, Cols.CB0, Cols.CB1, Cols.T_LO, Cols.T_HI}) {
            cell(w, col, r, 0);
        }
        settle(w, r);
        SegmentWitness.countLookups(w, air);
        return w;
    }

    /**
     * bool JALR. {@code auipc x0, 40} (rs1 = x5, J-immediate 0x28000, I-immediate 0) with
     * x5 = pc + 0x28000, run as FENCE + JAL − JALR: the opcodes cancel (0x0F + 0x6F − 0x67 =
     * 0x17), funct3 is 0, the link rule vanishes and so does G_WR. Adder 1 in add form with
     * G_A = −1 still gives s = a + 0 = x5; adder 2 gives JAL's t = pc + 0x28000 = x5, and the
     * next pc q4 + t − j (JAL = 1, JALR = −1) is pc + 4.
     */
    static int[][] jalrOnAuipc(int[][] h, Rv32imAir air, int r) {
        int[][] w = AirCheck.copy(h);
        selectors(w, r, new Op[] {Op.FENCE, Op.JAL, Op.JALR}, new int[] {1, 1, -1});
        long a = 0;
        for (int j = 0; j < 4; j++) {
            a |= value(h, Cols.A + j, r) << 8 * j;
        }
        word(w, Cols.B, r, 0);
        adderOut(w, r, a);
        for (int col : new int[] {Cols.CA0, Cols.CA1, Cols.CB0, Cols.CB1}) {
            cell(w, col, r, 0);
        }
        cell(w, Cols.T_LO, r, a & 0xffff);
        cell(w, Cols.T_HI, r, a >>> 16);
        settle(w, r);
        SegmentWitness.countLookups(w, air);
        return w;
    }

    /** A guest that counts x6 down from 40,000: its first segment ends before the HALT. */
    static Proving.Run loopRun() {
        TestPrograms.Code c = new TestPrograms.Code();
        c.add(li(6, 40_000)).add(addi(6, 6, -1)).add(bne(6, 0, -4)).add(addi(10, 0, 0)).haltWithA0();
        return Proving.execute(TestPrograms.program(c), new byte[0], 16);
    }

    /** The decode pieces of the word {@code insn} on row r, as a page-out row takes them from its fetched word. */
    static void pieces(int[][] w, int r, long insn) {
        int[][] pieces = {{Cols.OPC, 0, 127}, {Cols.RD0, 7, 1}, {Cols.RDH, 8, 15}, {Cols.F3, 12, 7}, {Cols.R1L, 15, 1},
            {Cols.R1H, 16, 15}, {Cols.R2A, 20, 1}, {Cols.R2M, 21, 7}, {Cols.R2B, 24, 1}, {Cols.F7L, 25, 7},
            {Cols.F7M, 28, 7}, {Cols.SG, 31, 1}};
        for (int[] piece : pieces) {
            cell(w, piece[0], r, insn >>> piece[1] & piece[2]);
        }
    }

    static long wordAt(int[][] w, int at, int r) {
        long v = 0;
        for (int j = 0; j < 4; j++) {
            v |= value(w, at + j, r) << 8 * j;
        }
        return v;
    }

    /**
     * bool E_READ, with a HALT claimed by a segment that does not halt. A page-out row with
     * E_HALT = E_COMMIT = 1 and E_READ = −2 keeps every rule: the selectors sum to 0 (with PO the
     * row kind is 1), opcode and funct3 cancel, the ECALL sum is 0 (no a1 slot, no ecall word, no
     * data slot) and the dispatch reads a7 + (a7 − 2) − 2·(a7 − 1) = 0. READ asks c = 0 (count
     * below 2^16, READ of nothing before a non-host-write row), so pd = 0, and adder 2 gives
     * rm = pv. But rdw = −2, so slot D has multiplicity −1: it consumes the page-out tuple
     * (z, T_END + 3, 0) of a zero word z and produces (z, T_END + 2, 0), which a second, ordinary
     * page-out row reads again at T_END + 3: the page-out term of z gets its tuple once more. Both
     * rows' fetch, rs1 and rs2 slots read one word each three times (w1 and w2, whose own page-out
     * reads then start at T_END + 2). The HALT bus receives (w1, pv) from the E_HALT selector,
     * which the public values then claim: a HALT (exit code w1, digest at pv, here the code
     * page) for a segment that ran none. The two rows take the first two padding rows; the
     * padding after them starts 16 timestamps earlier.
     */
    static int[][] readOnPageOut(int[][] h, Rv32imAir air, long pointer) {
        int[][] w = AirCheck.copy(h);
        int n = h[0].length;
        long tEnd = 8L * n;
        int f = firstPadding(h);
        int last = f - 1;
        // Page-out rows: z (D reads 0), w1 and w2 (D reads any word), all distinct.
        int rz = -1;
        int rw1 = -1;
        int rw2 = -1;
        for (int i = last; h[Cols.PO][i] == BabyBear.ONE; i--) {
            if (rz < 0 && wordAt(h, Cols.PD, i) == 0) {
                rz = i;
            } else if (rw1 < 0) {
                rw1 = i;
            } else if (rw2 < 0) {
                rw2 = i;
            }
        }
        long pcw = Search.pcOf(h, last) / 4;
        long z = pcw + value(h, Cols.OA_F, rz) + 3;
        int[] reader = {rw1, rw2};
        for (int q = 0; q < 2; q++) {
            int r = f + q;
            int src = reader[q];
            long word = pcw + value(h, Cols.OA_F, src) + 3;
            long v = wordAt(h, Cols.PD, src);
            for (int col = 0; col < Cols.M16; col++) {
                w[col][r] = h[col][last];
            }
            pieces(w, r, v);
            long rd = v >>> 7 & 31;
            long rs1 = v >>> 15 & 31;
            long rs2 = v >>> 20 & 31;
            cell(w, Cols.OA_F, r, word - pcw);
            cell(w, Cols.PTS_F, r, value(h, Cols.PTS_D, src));
            word(w, Cols.A, r, v);
            cell(w, Cols.OA_1, r, word - Rv32imConstraints.RB - rs1);
            cell(w, Cols.PTS_1, r, tEnd);
            word(w, Cols.R2, r, v);
            cell(w, Cols.OA_2, r, word - Rv32imConstraints.RB - rs2);
            cell(w, Cols.PTS_2, r, tEnd + 1);
            word(w, Cols.PD, r, 0);
            word(w, Cols.C, r, 0);
            cell(w, Cols.PTS_D, r, tEnd + 2);
            cell(w, Cols.OA_D, r, z - Rv32imConstraints.RB - rd + (q == 0 ? 20 : 0));
            // The page-out read of the word now reads what the third read left.
            cell(w, Cols.PTS_D, src, tEnd + 2);
            regap(w, src);
            regap(w, r);
            settle(w, r);
        }
        selectors(w, f, new Op[] {Op.E_HALT, Op.E_COMMIT, Op.E_READ}, new int[] {1, 1, -2});
        cell(w, Cols.RDW, f, -2);
        word(w, Cols.PV, f, pointer);
        word(w, Cols.RM, f, pointer);
        settle(w, f);
        for (int i = f + 2; i < n; i++) {
            cell(w, Cols.TSB, i, tEnd + 8L * (i - f - 1));
            for (int[] slot : Search.SLOTS) {
                cell(w, slot[0], i, tEnd + 8L * (i - f - 1) + slot[3] - 1);
            }
            regap(w, i);
        }
        SegmentWitness.countLookups(w, air);
        return w;
    }

    /** Offset from DATA_BASE of the seven host words that become registers (zero before the READ). */
    static final int HOST_WORDS = 112;
    /** Zero words on the data page, beyond the loaded data, where the host writes zeros. */
    static final int ZEROS = TestPrograms.DATA_BASE + 0x200;
    /** An aligned data address the loaded base registers point at. */
    static final int BASE = TestPrograms.DATA_BASE + 64;

    /**
     * The host's input: 13 bytes for the first two READs, the seven host words (two base
     * registers, a7 = LOG, a1 = 4, a7 = READ, x16 = 1, x18 = 1), the 4 bytes that READ then copies
     * and 12 zero bytes.
     */
    static final byte[] INPUT = java.nio.ByteBuffer.allocate(57).order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .put("123456789abcd".getBytes()).putInt(BASE).putInt(BASE).putInt(3).putInt(4).putInt(1).putInt(1).putInt(1)
            .put("ghij".getBytes()).array();

    /**
     * Every row that executes or writes host data, the page-out rows that page out a word the
     * segment touched, the first page-out row, and the first, the first padding and the last rows.
     */
    static List<Integer> sampleRows(int[][] t) {
        LinkedHashSet<Integer> rows = new LinkedHashSet<>();
        rows.add(0);
        int n = t[0].length;
        boolean firstPo = true;
        boolean firstPad = true;
        for (int i = 0; i < n; i++) {
            boolean po = t[Cols.PO][i] == BabyBear.ONE;
            boolean kind = false;
            for (int col = Cols.SEL; col < Cols.PO; col++) {
                kind |= t[col][i] == BabyBear.ONE;
            }
            boolean touched = false;
            for (int pts : new int[] {Cols.PTS_F, Cols.PTS_1, Cols.PTS_2, Cols.PTS_D}) {
                touched |= t[pts][i] != 0;
            }
            if (kind || po && (firstPo || touched) || !kind && !po && firstPad) {
                rows.add(i);
            }
            firstPo &= !po;
            firstPad &= kind || po;
        }
        rows.add(n - 2);
        rows.add(n - 1);
        return new ArrayList<>(rows);
    }

    /**
     * A depth-bounded repair search. A first move changes one cell (by ±1, +256, to 0, 1 or 2;
     * a sign bit by ±1/256; or rewrites the address or shift-byte one-hot with one entry −1 and
     * the same sum and weighted sum; or one of the coordinated moves of the class comment:
     * {@link #splice}, {@code forgeCarry}, {@code forgeCarry2}, {@code forgeShift},
     * {@code forgeDivide}, {@code forgeZeroWrite}, {@code rerouteX}, {@code forgeMix},
     * {@code forgeIoPair}, {@code redispatch}, {@code forgeTimeShift}, {@code forgeHostByte}
     * with {@code skipByBranch}); then, up to {@link #DEPTH} more times and while at most two
     * constraints fail, a move either solves one failing constraint for one of its cells (a constraint that is
     * linear in that cell), or, where the MEM bus no longer balances, gives the memory access that
     * the changed one was paired with in the honest trace the same values (the changed value is
     * carried to the next access of that word, or back to the access that wrote it). After every
     * move the forced helper cells of the changed rows are recomputed as a cheater must: the
     * sign bits and xor bytes that the lookups determine, and the inverses of the zero tests. A
     * witness is counted when exactly one constraint fails (on any number of rows), every lookup
     * of a changed row is in its table, and the MEM and HALT sums over the changed rows are the
     * honest ones.
     */
    static final class Search {
        private final int[][] t;
        private final int[][] orig;
        private final AirCheck check;
        private final List<Constraint> constraints;
        private final int n;
        /** Constraints that read column c on the current row / on the next row. */
        private final int[][] readsCurrent = new int[Cols.WIDTH][];
        private final int[][] readsNext = new int[Cols.WIDTH][];
        /** Cells of each constraint: col + 1 on the current row, −(col + 1) on the next. */
        private final long[][] cells;
        private final List<Interaction> lookups = new ArrayList<>();
        private final List<Interaction> balanced = new ArrayList<>();
        private final List<Interaction> mem = new ArrayList<>();
        /** MEM produce (address, timestamp) → {row, index in mem}; consume (address, previous timestamp) → same. */
        private final Map<Long, int[]> producers = new HashMap<>();
        private final Map<Long, int[]> consumers = new HashMap<>();
        /** Every word of every listed page: where a data slot may be rerouted. */
        private final Set<Long> listedWords = new java.util.TreeSet<>();
        /** Zero tests: the "inverse" constraint and its inverse column. */
        private final int[][] inverses;
        /** Per memory slot F, 1, 2, D, X: previous-timestamp and gap-limb columns, timestamp offset. */
        private static final int[][] SLOTS = {{Cols.PTS_F, Cols.DL_F, Cols.DH_F, 0}, {Cols.PTS_1, Cols.DL_1, Cols.DH_1, 1},
            {Cols.PTS_2, Cols.DL_2, Cols.DH_2, 2}, {Cols.PTS_D, Cols.DL_D, Cols.DH_D, 3}, {Cols.PTS_X, Cols.DL_X, Cols.DH_X, 4}};
        private static final int[][] SIGNS = {{Cols.A + 3, Cols.SGA}, {Cols.B + 3, Cols.SGB},
            {Cols.MX + 3, Cols.SMX}, {Cols.RM + 3, Cols.SR}, {Cols.LBYTE, Cols.SGL}, {Cols.LHALF, Cols.SGH}};
        private final Set<Integer> found = new HashSet<>();
        // The change log: cell, old value, and whether a move chose it (helpers never override those).
        private int[] logCol = new int[64];
        private int[] logRow = new int[64];
        private int[] logOld = new int[64];
        private int logSize;
        private final Map<Long, Integer> chosen = new HashMap<>();
        private final Map<Integer, Integer> changedRows = new HashMap<>();
        private long nodes;
        private final Rv32imAir air;
        int verified;

        Search(Rv32imAir air, int[][] honest, AirCheck check) {
            this.air = air;
            this.t = honest;
            this.orig = AirCheck.copy(honest);
            this.check = check;
            this.constraints = air.constraints();
            this.n = honest[0].length;
            List<List<Integer>> cur = new ArrayList<>();
            List<List<Integer>> nxt = new ArrayList<>();
            for (int col = 0; col < Cols.WIDTH; col++) {
                cur.add(new ArrayList<>());
                nxt.add(new ArrayList<>());
            }
            cells = new long[constraints.size()][];
            for (int k = 0; k < constraints.size(); k++) {
                Set<Long> cols = new java.util.TreeSet<>();
                columns(constraints.get(k).expr(), cols);
                cells[k] = cols.stream().mapToLong(Long::longValue).toArray();
                for (long key : cols) {
                    (key < 0 ? nxt : cur).get((int) Math.abs(key) - 1).add(k);
                }
            }
            for (int col = 0; col < Cols.WIDTH; col++) {
                readsCurrent[col] = cur.get(col).stream().mapToInt(Integer::intValue).toArray();
                readsNext[col] = nxt.get(col).stream().mapToInt(Integer::intValue).toArray();
            }
            for (Interaction x : air.interactions()) {
                if (x.bus() <= Rv32imConstraints.BUS_HALT) {
                    balanced.add(x);
                    if (x.bus() == Rv32imConstraints.BUS_MEM) {
                        mem.add(x);
                    }
                } else if (!x.name().endsWith("table")) {
                    lookups.add(x);
                }
            }
            for (int i = 0; i < n; i++) {
                Expr.BaseRow row = check.row(orig, i);
                for (int j = 0; j < mem.size(); j++) {
                    Interaction x = mem.get(j);
                    if (x.multiplicity().evalBase(row) != 0) {
                        boolean produce = x.name().endsWith("produce");
                        (produce ? producers : consumers).put(key(x, row), new int[] {i, j});
                    }
                }
            }
            for (int page : air.pages().indices()) {
                for (long w = 0; w < GuestMemoryMap.PAGE_WORDS; w++) {
                    listedWords.add((long) page * GuestMemoryMap.PAGE_WORDS + w);
                }
            }
            String[][] zero = {{"rd inverse", "RDI"}, {"s inverse", "ZI"}, {"Y inverse", "BZI"},
                {"t inverse", "WZI"}, {"overflow inverse", "OVI"}};
            int[] inverseCols = {Cols.RDI, Cols.ZI, Cols.BZI, Cols.WZI, Cols.OVI};
            inverses = new int[zero.length][];
            for (int z = 0; z < zero.length; z++) {
                inverses[z] = new int[] {indexOf(zero[z][0]), inverseCols[z]};
            }
        }

        private int indexOf(String name) {
            for (int k = 0; k < constraints.size(); k++) {
                if (constraints.get(k).name().equals(name)) {
                    return k;
                }
            }
            throw new AssertionError(name);
        }

        /** (address, timestamp) of a MEM interaction, canonical. */
        private static long key(Interaction x, Expr.BaseRow row) {
            return (long) BabyBear.fromMont(x.values().get(0).evalBase(row)) << 32
                    | BabyBear.fromMont(x.values().get(1).evalBase(row));
        }

        /** Main columns an expression reads: +(c + 1) current row, −(c + 1) next row. */
        private static void columns(Expr e, Set<Long> out) {
            if (e instanceof Expr.Col col && !col.preprocessed()) {
                out.add(col.next() ? -(col.index() + 1L) : col.index() + 1L);
            } else if (e instanceof Expr.Add a) {
                columns(a.a(), out);
                columns(a.b(), out);
            } else if (e instanceof Expr.Sub a) {
                columns(a.a(), out);
                columns(a.b(), out);
            } else if (e instanceof Expr.Mul a) {
                columns(a.a(), out);
                columns(a.b(), out);
            } else if (e instanceof Expr.Neg a) {
                columns(a.a(), out);
            }
        }

        Set<String> run(List<Integer> rows, int depth) {
            // Breadth first over depth: what a shallower witness isolates needs no deeper search.
            for (int d = 0; d <= depth; d++) {
                for (int r : rows) {
                    for (int col = 0; col < Cols.M16; col++) {
                        int old = t[col][r];
                        for (int v : new int[] {BabyBear.add(old, BabyBear.ONE), BabyBear.sub(old, BabyBear.ONE),
                            BabyBear.add(old, BabyBear.toMont(256)), 0, BabyBear.ONE, BabyBear.toMont(2)}) {
                            if (v == old) {
                                continue;
                            }
                            set(col, r, v, true);
                            dfs(d);
                            undo(0);
                        }
                    }
                    for (int[] sg : SIGNS) {
                        // A sign cell off by ±1/256 keeps 2·x − 256·sign a byte when x ≥ 1 (x ≤ 127).
                        int old = t[sg[1]][r];
                        int step = BabyBear.inv(BabyBear.toMont(256));
                        for (int v : new int[] {BabyBear.add(old, step), BabyBear.sub(old, step)}) {
                            set(sg[1], r, v, true);
                            dfs(d);
                            undo(0);
                        }
                    }
                    regroup(r, Cols.OH, d);
                    regroup(r, Cols.L, d);
                    for (int carry : new int[] {Cols.CA0, Cols.CA1}) {
                        for (int c : new int[] {30720, 30721}) {
                            for (boolean sub : new boolean[] {false, true}) {
                                forgeCarry(r, carry, c, sub, d);
                            }
                        }
                    }
                    if (t[Op.SLL.column()][r] == BabyBear.ONE || t[Op.SLLI.column()][r] == BabyBear.ONE) {
                        for (int cell : new int[] {Cols.TAU, Cols.PW, Cols.MY, Cols.MY + 1, Cols.MY + 2, Cols.MY + 3,
                            Cols.L, Cols.L + 1, Cols.L + 2, Cols.L + 3}) {
                            for (int v : new int[] {0, 1, 2, 3, 4, 8, 16}) {
                                forgeShift(r, cell, v, d);
                            }
                        }
                    }
                    forgeZeroWrite(r, d);
                    forgeMix(r, d);
                    forgeIoPair(r, d);
                    if (r <= 1) {
                        forgeTimeShift(r, d);
                    }
                    if (is(r, Op.ECALL)) {
                        redispatch(r, d);
                    }
                    for (int j = 0; j < 4; j++) {
                        for (int delta : new int[] {-3, -1, 1, 2}) {
                            forgeHostByte(r, j, delta, d);
                        }
                    }
                    if (Op.ECALL.stream().anyMatch(op -> t[op.column()][r] == BabyBear.ONE)
                            || t[Cols.IOB][r] == BabyBear.ONE || t[Cols.IOW][r] == BabyBear.ONE) {
                        for (long word : listedWords) {
                            rerouteX(r, word, d);
                        }
                    }
                    for (Op op : new Op[] {Op.DIV, Op.DIVU, Op.REM, Op.REMU}) {
                        if (t[op.column()][r] == BabyBear.ONE && t[Cols.CHK][r] == BabyBear.ONE) {
                            for (int k : new int[] {-2, -1, 1, 2}) {
                                forgeDivide(r, op, k, d);
                            }
                        }
                    }
                    for (int carry : new int[] {Cols.CB0, Cols.CB1}) {
                        for (int c : new int[] {30720, 30721}) {
                            for (boolean target : new boolean[] {false, true}) {
                                forgeCarry2(r, carry, c, target, d);
                            }
                        }
                    }
                }
            }
            return names();
        }

        /** The HALT bus term of row r of {@code w}: what a HALT claimed in the public values must match. */
        Ext haltTerm(int[][] w, int r) {
            return check.fractions(balanced.stream().filter(x -> x.bus() == Rv32imConstraints.BUS_HALT).toList(),
                    check.row(w, r));
        }

        Set<String> names() {
            Set<String> names = new HashSet<>();
            for (int k : found) {
                names.add(constraints.get(k).name());
            }
            return names;
        }

        /**
         * The row of another run whose fetched word differs from the honest one's (in the same
         * place of the same trace) put under the honest word: every cell but the decode pieces
         * taken from it, then repaired as after a first move.
         */
        void splice(int[][] variant, int depth) {
            if (variant[0].length != n) {
                return;
            }
            int row = -1;
            for (int i = 0; i < n; i++) {
                for (int col = Cols.OPC; col <= Cols.SG; col++) {
                    if (variant[col][i] != orig[col][i]) {
                        if (row >= 0 && row != i) {
                            return;
                        }
                        row = i;
                    }
                }
            }
            if (row < 0) {
                return;
            }
            for (int d = 0; d <= depth; d++) {
                for (int col = 0; col < Cols.M16; col++) {
                    if ((col < Cols.OPC || col > Cols.SG) && variant[col][row] != t[col][row]) {
                        set(col, row, variant[col][row], true);
                    }
                }
                dfs(d);
                undo(0);
            }
        }

        /**
         * The honest witness of a whole other run, checked against this trace's public values:
         * every constraint that reads a cell that differs (the others hold as on the honest
         * rows), the lookups of the rows that differ, and the MEM and HALT sums over them.
         */
        void whole(int[][] variant) {
            whole(variant, Ext.ZERO);
        }

        /**
         * As {@link #whole(int[][])}, with public values that differ from this trace's: their MEM
         * and HALT terms change the trace's sum by {@code publicChange}.
         */
        void whole(int[][] variant, Ext publicChange) {
            if (variant[0].length != n) {
                return;
            }
            // The columns that differ, per row: only constraints that read one of them can fail.
            Map<Integer, List<Integer>> differ = new java.util.TreeMap<>();
            for (int col = 0; col < variant.length; col++) {
                for (int i = 0; i < n; i++) {
                    if (variant[col][i] != orig[col][i]) {
                        differ.computeIfAbsent(i, x -> new ArrayList<>()).add(col);
                    }
                }
            }
            Set<Integer> rows = differ.keySet();
            Set<Integer> ks = new HashSet<>();
            Set<Integer> tested = new java.util.TreeSet<>(rows);
            for (int r : rows) {
                tested.add((r - 1 + n) % n);
            }
            for (int i : tested) {
                Set<Integer> reading = new java.util.TreeSet<>();
                for (int col : differ.getOrDefault(i, List.of())) {
                    for (int k : readsCurrent[col]) {
                        reading.add(k);
                    }
                }
                for (int col : differ.getOrDefault((i + 1) % n, List.of())) {
                    for (int k : readsNext[col]) {
                        reading.add(k);
                    }
                }
                for (int k : reading) {
                    if (violated(constraints.get(k), check.row(variant, i), i)) {
                        ks.add(k);
                    }
                }
                if (ks.size() > 1) {
                    return;
                }
            }
            Ext delta = Ext.ZERO;
            for (int r : rows) {
                if (!lookupsInTables(check.row(variant, r))) {
                    return;
                }
                delta = delta.add(check.fractions(balanced, check.row(variant, r)))
                        .sub(check.fractions(balanced, check.row(orig, r)));
            }
            if (ks.size() == 1 && delta.sub(publicChange).isZero()) {
                int k = ks.iterator().next();
                if (VERIFY) {
                    verify(k, variant, publicChange);
                }
                found.add(k);
            }
        }

        /**
         * The one-hot group of four at {@code at} rewritten with one entry −1 and two entries 1:
         * the sum and the weighted sum Σ j·x_j stay, so only the booleanity of that entry can tell.
         */
        private void regroup(int r, int at, int depth) {
            int w = 0;
            for (int j = 0; j < 4; j++) {
                w += j * BabyBear.fromMont(t[at + j][r]);
            }
            for (int neg = 0; neg < 4; neg++) {
                for (int p = 0; p < 4; p++) {
                    for (int q = p + 1; q < 4; q++) {
                        if (p == neg || q == neg || p + q - neg != w) {
                            continue;
                        }
                        for (int j = 0; j < 4; j++) {
                            int v = j == neg ? BabyBear.neg(BabyBear.ONE) : j == p || j == q ? BabyBear.ONE : 0;
                            if (t[at + j][r] != v) {
                                set(at + j, r, v, true);
                            }
                        }
                        dfs(depth);
                        undo(0);
                    }
                }
            }
        }

        /**
         * Adder 1 with a carry {@code c} that is no bit but keeps its rule: 65536·c is −1 or
         * 65535 modulo p (c = 30720, 30721), so the output S is recomputed for it (the other
         * carry the honest bit for that S), and so is an ADD/ADDI/SUB result.
         */
        private void forgeCarry(int r, int carry, int c, boolean sub, int depth) {
            int[] a = new int[4];
            int[] b = new int[4];
            for (int j = 0; j < 4; j++) {
                a[j] = BabyBear.fromMont(t[Cols.A + j][r]);
                b[j] = BabyBear.fromMont(t[Cols.B + j][r]);
                if (a[j] > 255 || b[j] > 255) {
                    return;
                }
            }
            long aLo = a[0] + 256L * a[1], aHi = a[2] + 256L * a[3];
            long bLo = b[0] + 256L * b[1], bHi = b[2] + 256L * b[3];
            long m = BabyBear.fromMont(BabyBear.mul(BabyBear.toMont(65536), BabyBear.toMont(c)));
            if (m > BabyBear.P / 2) {
                m -= BabyBear.P;
            }
            long lo;
            long hi;
            int ca0;
            int ca1;
            if (carry == Cols.CA0) {
                ca0 = BabyBear.toMont(c);
                lo = sub ? aLo - bLo + m : aLo + bLo - m;
                long raw = sub ? aHi - bHi - c : aHi + bHi + c;
                ca1 = raw < 0 ? 1 : raw >= 65536 ? 1 : 0;
                hi = raw + (sub ? 65536L : -65536L) * ca1;
                ca1 = BabyBear.toMont(ca1);
            } else {
                long raw = sub ? aLo - bLo : aLo + bLo;
                int bit = raw < 0 || raw >= 65536 ? 1 : 0;
                lo = raw + (sub ? 65536L : -65536L) * bit;
                ca0 = BabyBear.toMont(bit);
                ca1 = BabyBear.toMont(c);
                hi = sub ? aHi - bHi - bit + m : aHi + bHi + bit - m;
            }
            if (lo < 0 || lo >= 65536 || hi < 0 || hi >= 65536) {
                return;
            }
            int s0 = (int) (lo & 255);
            int[] cells = new int[Cols.WIDTH];
            java.util.Arrays.fill(cells, -1);
            for (int j = 0; j < 4; j++) {
                cells[Cols.OH + j] = (s0 & 3) == j ? BabyBear.ONE : 0;
            }
            cells[Cols.SQ] = BabyBear.toMont(s0 >> 2);
            cells[Cols.S1] = BabyBear.toMont((int) (lo >> 8));
            cells[Cols.S2] = BabyBear.toMont((int) (hi & 255));
            cells[Cols.S3] = BabyBear.toMont((int) (hi >> 8));
            cells[Cols.CA0] = ca0;
            cells[Cols.CA1] = ca1;
            boolean adds = false;
            for (Op op : new Op[] {Op.ADD, Op.ADDI, Op.SUB}) {
                adds |= t[op.column()][r] == BabyBear.ONE;
            }
            if (adds) {
                int[] sb = {s0, (int) (lo >> 8), (int) (hi & 255), (int) (hi >> 8)};
                for (int j = 0; j < 4; j++) {
                    cells[Cols.C + j] = BabyBear.toMont(sb[j]);
                }
            }
            for (int col = 0; col < Cols.WIDTH; col++) {
                if (cells[col] >= 0 && cells[col] != t[col][r]) {
                    set(col, r, cells[col], true);
                }
            }
            dfs(depth);
            undo(0);
        }

        /**
         * Adder 2 with a carry c = 30720 or 30721 (65536·c is −1 or 65535 modulo p): its output
         * (the jump/branch target T or the result C) solved for it, the other carry a bit.
         */
        private void forgeCarry2(int r, int carry, int c, boolean target, int depth) {
            int lo = indexOf("adder2 lo");
            int hi = indexOf("adder2 hi");
            int[] loCells = target ? new int[] {Cols.T_LO} : new int[] {Cols.C, Cols.C + 1};
            int[] hiCells = target ? new int[] {Cols.T_HI} : new int[] {Cols.C + 2, Cols.C + 3};
            set(carry, r, BabyBear.toMont(c), true);
            if (carry == Cols.CB0 && !solveUnit(lo, r, loCells)) {
                undo(0);
                return;
            }
            for (int bit = 0; bit < 2; bit++) {
                int at = logSize;
                if (carry == Cols.CB0 && t[Cols.CB1][r] != BabyBear.toMont(bit)) {
                    set(Cols.CB1, r, BabyBear.toMont(bit), true);
                }
                if (solveUnit(hi, r, hiCells)) {
                    dfs(depth);
                    break;
                }
                undo(at);
                if (carry != Cols.CB0) {
                    break;
                }
            }
            undo(0);
        }

        /**
         * A left shift with one cell of its 2^sh chain (τ, pw, a byte of Y or of the byte one-hot
         * L) set to {@code v}: what follows it in the chain (pw = τ·(1 + 15·sh2), Y = L·pw) and
         * the product X·Y with its carries and the result recomputed.
         */
        private void forgeShift(int r, int cell, int v, int depth) {
            if (t[cell][r] == BabyBear.toMont(v)) {
                return;
            }
            set(cell, r, BabyBear.toMont(v), true);
            if (cell == Cols.TAU) {
                int pw = BabyBear.mul(t[Cols.TAU][r], BabyBear.add(BabyBear.ONE,
                        BabyBear.mul(BabyBear.toMont(15), t[Cols.SH2][r])));
                if (pw != t[Cols.PW][r]) {
                    set(Cols.PW, r, pw, true);
                }
            }
            if (cell == Cols.TAU || cell == Cols.PW || cell >= Cols.L && cell < Cols.L + 4) {
                for (int j = 0; j < 4; j++) {
                    int y = BabyBear.mul(t[Cols.L + j][r], t[Cols.PW][r]);
                    if (y != t[Cols.MY + j][r]) {
                        set(Cols.MY + j, r, y, true);
                    }
                }
            }
            long[] xs = new long[8];
            long[] ys = new long[8];
            for (int i = 0; i < 4; i++) {
                xs[i] = BabyBear.fromMont(t[Cols.MX + i][r]);
                ys[i] = BabyBear.fromMont(t[Cols.MY + i][r]);
                if (xs[i] > 255 || ys[i] > 255 || t[Cols.MA][r] != 0 || t[Cols.MB][r] != 0) {
                    undo(0);
                    return;
                }
            }
            long carry = 0;
            for (int j = 0; j < 4; j++) {
                long limb = carry + SegmentWitness.productLimb(xs, ys, j);
                int[] cols = {Cols.PR + 2 * j, Cols.PR + 2 * j + 1, Cols.CO + j};
                long[] vals = {limb & 255, (limb >>> 8) & 255, limb >>> 16};
                for (int q = 0; q < 3; q++) {
                    if (t[cols[q]][r] != BabyBear.toMont((int) vals[q])) {
                        set(cols[q], r, BabyBear.toMont((int) vals[q]), true);
                    }
                }
                carry = limb >>> 16;
            }
            for (int j = 0; j < 4; j++) {
                if (t[Cols.C + j][r] != t[Cols.PR + j][r]) {
                    set(Cols.C + j, r, t[Cols.PR + j][r], true);
                }
            }
            dfs(depth);
            undo(0);
        }

        /**
         * An rd = x0 instruction whose result is 0 made to write it (RDW = 1): x0 keeps its value,
         * so only the timestamps move: the write's D slot consumes x0's last access before it and
         * the access that consumed that one now consumes the write, gap limbs recomputed.
         */
        private void forgeZeroWrite(int r, int depth) {
            if (t[Cols.RDZ][r] != BabyBear.ONE || t[Cols.RDW][r] != 0 || t[Cols.PO][r] != 0) {
                return;
            }
            for (int j = 0; j < 4; j++) {
                if (t[Cols.C + j][r] != 0 || t[Cols.PD + j][r] != 0) {
                    return;
                }
            }
            boolean executes = false;
            for (Op op : Op.values()) {
                executes |= t[op.column()][r] == BabyBear.ONE;
            }
            if (!executes || t[Op.E_READ.column()][r] == BabyBear.ONE) {
                return;
            }
            long addr = Rv32imConstraints.RB % BabyBear.P;
            long ts = BabyBear.fromMont(t[Cols.TSB][r]) + 3L;
            long prev = -1;
            for (long k : producers.keySet()) {
                if (k >>> 32 == addr && (k & 0xffff_ffffL) < ts) {
                    prev = Math.max(prev, k & 0xffff_ffffL);
                }
            }
            if (prev < 0) {
                return;
            }
            int[] next = consumers.get(addr << 32 | prev);
            if (next == null || next[0] == r) {
                return;
            }
            int[] s2 = SLOTS["F12DX".indexOf(mem.get(next[1]).name().split(" ")[1])];
            long ts2 = BabyBear.fromMont(t[Cols.TSB][next[0]]) + s2[3];
            if (ts2 <= ts) {
                return;
            }
            set(Cols.RDW, r, BabyBear.ONE, true);
            gap(r, Cols.PTS_D, Cols.DL_D, Cols.DH_D, prev, ts);
            gap(next[0], s2[0], s2[1], s2[2], ts, ts2);
            dfs(depth);
            undo(0);
        }

        /**
         * An ECALL that reads its a1 slot (X) from another word, or a host-write row that writes
         * another word: the X slot takes over that word's chain (the access after its last one,
         * or the page-out row that reads its page-in value, now consumes the row's) and the old
         * word's chain closes over the gap. The values must agree, which the MEM sums check.
         */
        private void rerouteX(int r, long newAddr, int depth) {
            long tsX = BabyBear.fromMont(t[Cols.TSB][r]) + 4L;
            int[] sCols = {Cols.SQ, Cols.S1, Cols.S2, Cols.S3};
            int[] sNew = {(int) (newAddr & 63), (int) (newAddr >> 6 & 255), (int) (newAddr >> 14 & 255), (int) (newAddr >> 22)};
            long oldAddr = 0;
            int differ = 0;
            for (int j = 0; j < 4; j++) {
                int v = BabyBear.fromMont(t[sCols[j]][r]);
                oldAddr += (long) v << new int[] {0, 6, 14, 22}[j];
                differ += v != sNew[j] ? 1 : 0;
            }
            if (differ != 1 || sNew[3] > 255) {
                return;
            }
            long oldPts = BabyBear.fromMont(t[Cols.PTS_X][r]);
            int[] oldNext = consumers.get(oldAddr << 32 | tsX);
            long prev = previous(newAddr, tsX);
            if (oldNext == null) {
                return;
            }
            int[] newNext = consumers.get(newAddr << 32 | prev);
            if (newNext == null || newNext[0] == r || oldNext[0] == r) {
                return;
            }
            for (int j = 0; j < 4; j++) {
                if (t[sCols[j]][r] != BabyBear.toMont(sNew[j])) {
                    set(sCols[j], r, BabyBear.toMont(sNew[j]), true);
                }
            }
            gap(r, Cols.PTS_X, Cols.DL_X, Cols.DH_X, prev, tsX);
            relink(oldNext, oldPts);
            relink(newNext, tsX);
            dfs(depth);
            undo(0);
        }

        /** The consume of mem interaction {row, index} takes its previous timestamp from {@code pts}. */
        private void relink(int[] access, long pts) {
            int[] s = SLOTS["F12DX".indexOf(mem.get(access[1]).name().split(" ")[1])];
            gap(access[0], s[0], s[1], s[2], pts, BabyBear.fromMont(t[Cols.TSB][access[0]]) + s[3]);
        }

        /**
         * Every executing and host-write row from row j on moved 8 timestamps later (the
         * page-out rows keep T_END): each access's previous timestamp follows the access it
         * reads, and the gap limbs are recomputed, so only the rule that ties row j's timestamp
         * to the row before can tell (the first timestamp for j = 0, the step otherwise).
         */
        private void forgeTimeShift(int j, int depth) {
            if (!runs(j)) {
                return;
            }
            int end = j;
            while (end + 1 < n && runs(end + 1)) {
                end++;
            }
            for (int i = j; i <= end; i++) {
                put(Cols.TSB, i, BabyBear.add(orig[Cols.TSB][i], BabyBear.toMont(8)));
            }
            for (int i = j; i <= end; i++) {
                Expr.BaseRow was = check.row(orig, i);
                for (Interaction x : mem) {
                    int[] slot = SLOTS["F12DX".indexOf(x.name().split(" ")[1])];
                    long ts = BabyBear.fromMont(t[Cols.TSB][i]) + slot[3];
                    boolean on = x.multiplicity().evalBase(was) != 0;
                    if (x.name().endsWith("consume")) {
                        int[] p = on ? producers.get(key(x, was)) : null;
                        boolean moved = !on || p != null && p[0] >= j && p[0] <= end;
                        long pts = BabyBear.fromMont(orig[slot[0]][i]) + (moved ? 8 : 0);
                        gap(i, slot[0], slot[1], slot[2], pts, ts);
                    } else if (on) {
                        int[] c = consumers.get(key(x, was));
                        if (c != null && (c[0] < j || c[0] > end)) {
                            relink(c, ts);
                        }
                    }
                }
            }
            dfs(depth);
            undo(0);
        }

        /** Whether honest row i executes or writes host data. */
        private boolean runs(int i) {
            for (int col = Cols.SEL; col < Cols.PO; col++) {
                if (orig[col][i] == BabyBear.ONE) {
                    return true;
                }
            }
            return false;
        }

        private void gap(int row, int pts, int dl, int dh, long from, long to) {
            long g = to - from - 1;
            int[] v = {BabyBear.toMont((int) from), BabyBear.toMont((int) (g & 2047)), BabyBear.toMont((int) (g >> 11))};
            int[] cols = {pts, dl, dh};
            for (int q = 0; q < 3; q++) {
                if (t[cols[q]][row] != v[q]) {
                    set(cols[q], row, v[q], true);
                }
            }
        }

        /**
         * An executing row whose selectors are X + Y − Z for three instructions whose encodings
         * cancel in the decode rules (opcode, funct3, funct7 of the fetched word): only Z's
         * booleanity can tell; the other rules are left to the repair moves.
         */
        private void forgeMix(int r, int depth) {
            Op[] ops = Op.values();
            int honest = -1;
            for (int o = 0; o < ops.length; o++) {
                if (t[ops[o].column()][r] == BabyBear.ONE) {
                    honest = o;
                }
            }
            if (honest < 0) {
                return;
            }
            int opc = BabyBear.fromMont(t[Cols.OPC][r]);
            int f3 = BabyBear.fromMont(t[Cols.F3][r]);
            int f7 = ops[honest].funct7 >= 0 ? ops[honest].funct7 : -1;
            for (int x = 0; x < ops.length; x++) {
                for (int y = x + 1; y < ops.length; y++) {
                    for (int z = 0; z < ops.length; z++) {
                        if (z == x || z == y || ops[x].opcode + ops[y].opcode - ops[z].opcode != opc
                                || f3Term(ops[x], f3) + f3Term(ops[y], f3) - f3Term(ops[z], f3) != 0
                                || f7 < 0 && (ops[x].funct7 >= 0 || ops[y].funct7 >= 0 || ops[z].funct7 >= 0)
                                || f7 >= 0 && f7Term(ops[x], f7) + f7Term(ops[y], f7) - f7Term(ops[z], f7) != 0) {
                            continue;
                        }
                        for (int o = 0; o < ops.length; o++) {
                            int v = o == x || o == y ? BabyBear.ONE : o == z ? BabyBear.neg(BabyBear.ONE) : 0;
                            if (t[ops[o].column()][r] != v) {
                                set(ops[o].column(), r, v, true);
                            }
                        }
                        dfs(depth);
                        undo(0);
                    }
                }
            }
        }

        /**
         * Host-write flags that cancel (IOB + IOW = 0, one of them −1) on an executing row that
         * touches no data word and whose adder output is word-aligned: IO stays 0, so every
         * host-write rule and every slot multiplicity is the honest one, and the IOB and IOW
         * rules only ask w = r2 and pv = r2 (made so, with the load helpers that read pv):
         * only the booleanity of the −1 flag can tell.
         */
        private void forgeIoPair(int r, int depth) {
            boolean executes = false;
            for (Op op : Op.values()) {
                executes |= t[op.column()][r] == BabyBear.ONE;
            }
            if (!executes || t[Cols.OH][r] != BabyBear.ONE) {
                return;
            }
            for (Op op : Op.values()) {
                if ((Op.LD.contains(op) || Op.ST.contains(op) || Op.ECALL.contains(op)) && t[op.column()][r] == BabyBear.ONE) {
                    return;
                }
            }
            for (int[] flags : new int[][] {{Cols.IOB, Cols.IOW}, {Cols.IOW, Cols.IOB}}) {
                set(flags[0], r, BabyBear.neg(BabyBear.ONE), true);
                set(flags[1], r, BabyBear.ONE, true);
                for (int j = 0; j < 4; j++) {
                    for (int col : new int[] {Cols.W + j, Cols.PV + j}) {
                        if (t[col][r] != t[Cols.R2 + j][r]) {
                            set(col, r, t[Cols.R2 + j][r], true);
                        }
                    }
                }
                // The load helpers read pv at the one-hot position (oh0): the byte pv[0], the half's high byte pv[1].
                for (int[] helper : new int[][] {{Cols.LBYTE, Cols.PV}, {Cols.LHALF, Cols.PV + 1}}) {
                    if (t[helper[0]][r] != t[helper[1]][r]) {
                        set(helper[0], r, t[helper[1]][r], true);
                    }
                }
                dfs(depth);
                undo(0);
            }
        }

        /**
         * A host byte changed (the host picks the data of an IOW row: r2, copied to w) and carried
         * on through the registers loaded from it ({@link #carryValues}).
         */
        private void forgeHostByte(int r, int j, int delta, int depth) {
            int b = BabyBear.fromMont(t[Cols.R2 + j][r]) + delta;
            if (t[Cols.IOW][r] != BabyBear.ONE || b < 0 || b > 255) {
                return;
            }
            put(Cols.R2 + j, r, BabyBear.toMont(b));
            put(Cols.W + j, r, BabyBear.toMont(b));
            if (carryValues()) {
                dfs(depth);
                for (int e : new ArrayList<>(changedRows.keySet())) {
                    if (is(e, Op.ECALL) && t[Cols.A][e] != orig[Cols.A][e]) {
                        redispatch(e, depth);
                    }
                    if (is(e, Op.BR)) {
                        skipByBranch(e, depth);
                    }
                }
            }
            undo(0);
        }

        /**
         * A branch whose operands changed so that it now jumps over the next instruction: adder 1
         * (s = a − b), its flags and carries, the decision and the next pc decided again, and the
         * skipped row's accesses taken out of their words' chains (each access after it reads what
         * it read). The freed row becomes padding either in place (an executing row then follows
         * padding: the row order) or after the rows that follow, up to the last executing one,
         * moved up by one row and 8 timestamps (padding then precedes the page-out rows).
         */
        private void skipByBranch(int e, int depth) {
            long a = word(t, Cols.A, e);
            long b = word(t, Cols.B, e);
            long sLo = (a & 0xffff) - (b & 0xffff);
            int ca0 = sLo < 0 ? 1 : 0;
            long sHi = (a >>> 16) - (b >>> 16) - ca0;
            int ca1 = sHi < 0 ? 1 : 0;
            long sv = (sHi & 0xffff) << 16 | sLo & 0xffff;
            int sga = (int) (a >>> 31);
            int sgb = (int) (b >>> 31);
            int lt = ca1 + sga - sgb;
            int z = sv == 0 ? 1 : 0;
            int taken = is(e, Op.BEQ) ? z : is(e, Op.BNE) ? 1 - z : is(e, Op.BLT) ? lt : is(e, Op.BGE) ? 1 - lt
                    : is(e, Op.BLTU) ? ca1 : 1 - ca1;
            int k = e + 1;
            long pc = pcOf(orig, e);
            long target = BabyBear.fromMont(t[Cols.T_LO][e]) | (long) BabyBear.fromMont(t[Cols.T_HI][e]) << 16;
            if (taken != 1 || t[Cols.TAKEN][e] != 0 || target != pc + 8 || pcOf(orig, k) != pc + 4 || !runs(k + 1)) {
                return;
            }
            int mark = logSize;
            long sv0 = sv & 255;
            for (int j = 0; j < 4; j++) {
                put(Cols.OH + j, e, (sv0 & 3) == j ? BabyBear.ONE : 0);
            }
            put(Cols.SQ, e, BabyBear.toMont((int) (sv0 >> 2)));
            put(Cols.S1, e, BabyBear.toMont((int) (sv >> 8 & 255)));
            put(Cols.S2, e, BabyBear.toMont((int) (sv >> 16 & 255)));
            put(Cols.S3, e, BabyBear.toMont((int) (sv >> 24)));
            put(Cols.CA0, e, BabyBear.toMont(ca0));
            put(Cols.CA1, e, BabyBear.toMont(ca1));
            put(Cols.Z, e, BabyBear.toMont(z));
            put(Cols.TAKEN, e, BabyBear.ONE);
            put(Cols.NP_LO, e, BabyBear.toMont((int) (target & 0xffff)));
            put(Cols.NP_HI, e, BabyBear.toMont((int) (target >>> 16)));
            if (!leaveChains(k)) {
                undo(mark);
                return;
            }
            int base = logSize;
            padding(k, target);
            if (carryValues()) {
                dfs(depth);
            }
            undo(base);
            // Or the freed row runs the ECALL-opcode word at the target, which falls through to
            // the same ECALL the honest path reaches next: it does what that one does.
            int word = codeWord(target);
            if ((word & 127) == 0x73 && is(k + 1, Op.ECALL) && pcOf(orig, k + 1) == target + 4) {
                for (int col = 0; col < Cols.M16; col++) {
                    if (col != Cols.TSB) {
                        put(col, k, orig[col][k + 1]);
                    }
                }
                decode(k, word);
                padding(k, target);
                for (Op op : Op.ECALL) {
                    put(op.column(), k, orig[op.column()][k + 1]);
                }
                put(Cols.RDW, k, orig[Cols.RDW][k + 1]);
                put(Cols.NP_LO, k, BabyBear.toMont((int) (target + 4 & 0xffff)));
                put(Cols.NP_HI, k, BabyBear.toMont((int) (target + 4 >>> 16)));
                joinChains(k);
                if (carryValues()) {
                    dfs(depth);
                }
                undo(base);
            }
            // The rows after the skipped one moved up, the last executing row freed.
            int end = k + 1;
            while (runs(end + 1)) {
                end++;
            }
            for (int i = k; i < end; i++) {
                for (int col = 0; col < Cols.M16; col++) {
                    if (col != Cols.TSB) {
                        put(col, i, orig[col][i + 1]);
                    }
                }
            }
            for (int i = k; i < end; i++) {
                Expr.BaseRow was = check.row(orig, i + 1);
                for (Interaction x : mem) {
                    int[] slot = SLOTS["F12DX".indexOf(x.name().split(" ")[1])];
                    long ts = BabyBear.fromMont(orig[Cols.TSB][i]) + slot[3];
                    boolean on = x.multiplicity().evalBase(was) != 0;
                    if (x.name().endsWith("consume")) {
                        int[] p = on ? producers.get(key(x, was)) : null;
                        long pts = BabyBear.fromMont(orig[slot[0]][i + 1]);
                        if (!on || p != null && p[0] > k && p[0] <= end) {
                            pts -= 8;
                        } else if (p != null && p[0] == k) {
                            pts = BabyBear.fromMont(orig[slot[0]][k]);
                        }
                        gap(i, slot[0], slot[1], slot[2], pts, ts);
                    } else if (on) {
                        int[] c = consumers.get(key(x, was));
                        if (c != null && (c[0] <= k || c[0] > end)) {
                            relink(c, ts);
                        }
                    }
                }
            }
            int moved = logSize;
            padding(end, pcOf(orig, end + 1));
            if (carryValues()) {
                dfs(depth);
            }
            undo(moved);
            // Or the freed row executes the jump to itself that follows HALT in the code: the pc
            // stays where HALT left it, so only the rule that nothing runs after HALT can tell.
            selfJump(end, pcOf(orig, end + 1));
            if (carryValues()) {
                dfs(depth);
            }
            undo(mark);
        }

        /**
         * Row r made the row of {@code jal x0, 0} at pc (cells from the honest JAL row to x0, with
         * the decode pieces, pc, target, link and carries of this one): it fetches its word and
         * reads x0 twice, each access put into its word's chain.
         */
        private void selfJump(int r, long pc) {
            int template = -1;
            for (int i = 0; i < n && template < 0; i++) {
                if (orig[Op.JAL.column()][i] == BabyBear.ONE && orig[Cols.RDZ][i] == BabyBear.ONE) {
                    template = i;
                }
            }
            for (int col = 0; col < Cols.M16; col++) {
                if (col != Cols.TSB) {
                    put(col, r, orig[col][template]);
                }
            }
            decode(r, jal(0, 0));
            padding(r, pc);
            put(Op.JAL.column(), r, BabyBear.ONE);
            put(Cols.T_LO, r, BabyBear.toMont((int) (pc & 0xffff)));
            put(Cols.T_HI, r, BabyBear.toMont((int) (pc >>> 16)));
            put(Cols.WZ, r, 0);
            put(Cols.WZI, r, BabyBear.inv(BabyBear.add(t[Cols.T_LO][r], t[Cols.T_HI][r])));
            long link = pc + 4;
            for (int j = 0; j < 4; j++) {
                put(Cols.C + j, r, BabyBear.toMont((int) (link >>> (8 * j) & 255)));
            }
            put(Cols.CB0, r, 0);
            put(Cols.CB1, r, 0);
            joinChains(r);
        }

        /** The decode pieces of instruction word {@code insn} on row r, with rd's zero test. */
        private void decode(int r, int insn) {
            int[][] pieces = {{Cols.OPC, 0, 127}, {Cols.RD0, 7, 1}, {Cols.RDH, 8, 15}, {Cols.F3, 12, 7}, {Cols.R1L, 15, 1},
                {Cols.R1H, 16, 15}, {Cols.R2A, 20, 1}, {Cols.R2M, 21, 7}, {Cols.R2B, 24, 1}, {Cols.F7L, 25, 7},
                {Cols.F7M, 28, 7}, {Cols.SG, 31, 1}};
            for (int[] piece : pieces) {
                put(piece[0], r, BabyBear.toMont(insn >>> piece[1] & piece[2]));
            }
            int rd = insn >>> 7 & 31;
            put(Cols.RDZ, r, rd == 0 ? BabyBear.ONE : 0);
            put(Cols.RDI, r, rd == 0 ? 0 : BabyBear.inv(BabyBear.toMont(rd)));
        }

        /** The word of the program image at byte address {@code pc}. */
        private int codeWord(long pc) {
            long word = pc >>> 2;
            int at = air.pages().position((int) (word / GuestMemoryMap.PAGE_WORDS));
            return at < 0 ? 0 : air.pages().before()[at][(int) (word % GuestMemoryMap.PAGE_WORDS)];
        }

        /** Row r's accesses put into their words' chains, each before the next access of its word. */
        private void joinChains(int r) {
            long ts = BabyBear.fromMont(t[Cols.TSB][r]);
            for (int slot = 0; slot < 5; slot++) {
                Expr.BaseRow now = check.row(t, r);
                if (mem.get(2 * slot).multiplicity().evalBase(now) == 0) {
                    continue;
                }
                long word = BabyBear.fromMont(mem.get(2 * slot).values().get(0).evalBase(now));
                int[] next = nextAccess(word, ts + slot, r);
                int[] at = SLOTS["F12DX".indexOf(mem.get(next[1]).name().split(" ")[1])];
                gap(r, SLOTS[slot][0], SLOTS[slot][1], SLOTS[slot][2], BabyBear.fromMont(t[at[0]][next[0]]), ts + slot);
                relink(next, ts + slot);
            }
        }

        /** The first access of {@code word} after timestamp ts in the changed trace, off row r: {row, index in mem}. */
        private int[] nextAccess(long word, long ts, int r) {
            int[] best = null;
            long bestTs = Long.MAX_VALUE;
            for (Map.Entry<Long, int[]> e : consumers.entrySet()) {
                int[] c = e.getValue();
                if (e.getKey() >>> 32 != word || c[0] == r) {
                    continue;
                }
                Expr.BaseRow row = check.row(t, c[0]);
                Interaction x = mem.get(c[1]);
                if (x.multiplicity().evalBase(row) == 0 || BabyBear.fromMont(x.values().get(0).evalBase(row)) != word) {
                    continue;
                }
                long at = BabyBear.fromMont(t[Cols.TSB][c[0]]) + SLOTS["F12DX".indexOf(x.name().split(" ")[1])][3];
                if (at > ts && at < bestTs) {
                    best = c;
                    bestTs = at;
                }
            }
            return best;
        }

        /** Row k's honest accesses taken out of their words' chains: each access after one reads what it read. */
        private boolean leaveChains(int k) {
            Expr.BaseRow skipped = check.row(orig, k);
            for (Interaction x : mem) {
                if (!x.name().endsWith("produce") || x.multiplicity().evalBase(skipped) == 0) {
                    continue;
                }
                int[] c = consumers.get(key(x, skipped));
                if (c[0] == k) {
                    continue;
                }
                // What the skipped row read first at this address (slot 2 may read what slot 1 did).
                int first = "F12DX".indexOf(x.name().split(" ")[1]);
                long tsK = BabyBear.fromMont(orig[Cols.TSB][k]);
                while (BabyBear.fromMont(orig[SLOTS[first][0]][k]) >= tsK) {
                    first = (int) (BabyBear.fromMont(orig[SLOTS[first][0]][k]) - tsK);
                }
                int[] slot = SLOTS[first];
                Interaction in = mem.get(2 * first);
                Interaction y = mem.get(c[1]);
                for (int i = 2; i < y.values().size(); i++) {
                    int v = in.values().get(i).evalBase(check.row(t, k));
                    if (y.values().get(i).evalBase(check.row(t, c[0])) != v) {
                        if (t[Cols.PO][c[0]] != 0 || !(y.values().get(i) instanceof Expr.Col col)) {
                            return false;
                        }
                        put(col.index(), c[0], v);
                    }
                }
                relink(c, BabyBear.fromMont(orig[slot[0]][k]));
            }
            return true;
        }

        /** Row r made a padding row at pc {@code pc}: no selector, no write, every slot idle. */
        private void padding(int r, long pc) {
            for (Op op : Op.values()) {
                put(op.column(), r, 0);
            }
            put(Cols.RDW, r, 0);
            put(Cols.PC0Q, r, BabyBear.toMont((int) (pc & 255) >>> 2));
            put(Cols.PC1, r, BabyBear.toMont((int) (pc >>> 8 & 255)));
            put(Cols.PC2, r, BabyBear.toMont((int) (pc >>> 16 & 255)));
            put(Cols.PC3, r, BabyBear.toMont((int) (pc >>> 24)));
            put(Cols.E4, r, (pc & 0xffff) + 4 >= 65536 ? BabyBear.ONE : 0);
            put(Cols.NP_LO, r, BabyBear.toMont((int) (pc & 0xffff)));
            put(Cols.NP_HI, r, BabyBear.toMont((int) (pc >>> 16)));
            long ts = BabyBear.fromMont(t[Cols.TSB][r]);
            for (int[] slot : SLOTS) {
                gap(r, slot[0], slot[1], slot[2], ts + slot[3] - 1, ts + slot[3]);
            }
        }

        private static long pcOf(int[][] t, int r) {
            return 4L * BabyBear.fromMont(t[Cols.PC0Q][r]) + 256L * BabyBear.fromMont(t[Cols.PC1][r])
                    + 65536L * BabyBear.fromMont(t[Cols.PC2][r]) + 16777216L * BabyBear.fromMont(t[Cols.PC3][r]);
        }

        /**
         * ECALL selectors made to agree with a7 again: the one call a7 names, or X + Y − Z for
         * three calls whose numbers cancel in the dispatch rule (only Z's booleanity can tell).
         * Where the READ selector comes or goes, so does the write of a0 (the count): a new
         * one writes a0's own value (slot D takes over the chain after slot 2's read, as the
         * idle slot's cells already say), a removed one hands a0's next access the value
         * before it; the READ's bound follows.
         */
        private void redispatch(int r, int depth) {
            Op[] calls = {Op.E_HALT, Op.E_READ, Op.E_COMMIT, Op.E_LOG};
            int a7 = BabyBear.fromMont(t[Cols.A][r]);
            List<int[]> choices = new ArrayList<>();
            for (int x = 0; x < 4; x++) {
                if (x == a7) {
                    choices.add(new int[] {x == 0 ? 1 : 0, x == 1 ? 1 : 0, x == 2 ? 1 : 0, x == 3 ? 1 : 0});
                }
                for (int y = x + 1; y < 4; y++) {
                    for (int z = 0; z < 4; z++) {
                        if (z != x && z != y && x + y - z == a7) {
                            int[] c = new int[4];
                            c[x] = 1;
                            c[y] = 1;
                            c[z] = -1;
                            choices.add(c);
                        }
                    }
                }
            }
            long tsD = BabyBear.fromMont(t[Cols.TSB][r]) + 3L;
            long a0 = Rv32imConstraints.RB + 10;
            for (int[] c : choices) {
                int read = c[1];
                int wasRead = t[Op.E_READ.column()][r] == BabyBear.ONE ? 1 : 0;
                boolean same = true;
                for (int q = 0; q < 4; q++) {
                    same &= t[calls[q].column()][r] == BabyBear.toMont(Math.floorMod(c[q], BabyBear.P));
                }
                if (same || read < 0) {
                    continue;
                }
                int mark = logSize;
                for (int q = 0; q < 4; q++) {
                    put(calls[q].column(), r, c[q] < 0 ? BabyBear.neg(BabyBear.ONE) : BabyBear.toMont(c[q]));
                }
                put(Cols.RDW, r, BabyBear.toMont(read));
                int[] next = consumers.get(a0 << 32 | (read > wasRead ? tsD - 1 : tsD));
                boolean ok = next != null;
                if (ok && read > wasRead) {
                    for (int j = 0; j < 4; j++) {
                        put(Cols.C + j, r, t[Cols.R2 + j][r]);
                        put(Cols.PD + j, r, t[Cols.R2 + j][r]);
                    }
                    relink(next, tsD);
                } else if (ok && read < wasRead) {
                    Interaction y = mem.get(next[1]);
                    for (int j = 0; j < 4; j++) {
                        put(((Expr.Col) y.values().get(2 + j)).index(), next[0], t[Cols.R2 + j][r]);
                    }
                    relink(next, tsD - 1);
                }
                if (read > 0) {
                    readBound(r);
                } else {
                    put(Cols.CB0, r, 0);
                    put(Cols.CB1, r, 0);
                }
                if (ok && carryValues()) {
                    dfs(depth);
                }
                undo(mark);
            }
        }

        /** The word index s addresses on row r (slot X's address). */
        private long wordOfS(int r) {
            return BabyBear.fromMont(t[Cols.SQ][r]) + ((long) BabyBear.fromMont(t[Cols.S1][r]) << 6)
                    + ((long) BabyBear.fromMont(t[Cols.S2][r]) << 14) + ((long) BabyBear.fromMont(t[Cols.S3][r]) << 22);
        }

        /** The timestamp of the last honest access to {@code word} before {@code ts}: 0 (page-in) if none. */
        private long previous(long word, long ts) {
            long prev = 0;
            for (long k : producers.keySet()) {
                if (k >>> 32 == word && (k & 0xffff_ffffL) < ts) {
                    prev = Math.max(prev, k & 0xffff_ffffL);
                }
            }
            return prev;
        }

        /**
         * Carries changed memory values on as the machine would: a produce on a changed row whose
         * values are not the honest ones hands them to the access that consumed the honest tuple.
         * A read passes them on (slots F, 1 and 2 produce what they consume; a load's or an
         * ECALL's data slot writes back w = pv, and a load's result follows pv), a write takes
         * them (slot D's pd, a store's pv). A load or store whose base register changed gets its
         * address recomputed, and a READ its bound. False where a page-out row would have to take
         * a changed value (the final memory is public) or a load or store would move to another
         * word.
         */
        private boolean carryValues() {
            for (int round = 0; round < 64; round++) {
                boolean moved = false;
                for (int r : new ArrayList<>(changedRows.keySet())) {
                    Expr.BaseRow now = check.row(t, r);
                    Expr.BaseRow was = check.row(orig, r);
                    for (Interaction x : mem) {
                        int m = x.multiplicity().evalBase(now);
                        if (!x.name().endsWith("produce") || m == 0 || m != x.multiplicity().evalBase(was)
                                || key(x, now) != key(x, was)) {
                            continue;
                        }
                        boolean same = true;
                        for (int i = 2; i < x.values().size(); i++) {
                            same &= x.values().get(i).evalBase(now) == x.values().get(i).evalBase(was);
                        }
                        if (same) {
                            continue;
                        }
                        int[] partner = consumers.get(key(x, was));
                        if (partner == null) {
                            return false;
                        }
                        Interaction y = mem.get(partner[1]);
                        boolean changed = false;
                        for (int i = 2; i < y.values().size(); i++) {
                            int v = x.values().get(i).evalBase(now);
                            if (!(y.values().get(i) instanceof Expr.Col col) || col.next()) {
                                return false;
                            }
                            if (t[col.index()][partner[0]] != v) {
                                if (t[Cols.PO][partner[0]] != 0) {
                                    return false;
                                }
                                put(col.index(), partner[0], v);
                                changed = true;
                            }
                        }
                        if (changed) {
                            moved = true;
                            if (!follow(partner[0], y.name().split(" ")[1])) {
                                return false;
                            }
                        }
                    }
                }
                if (!moved) {
                    return true;
                }
            }
            return false;
        }

        /** What row r computes from a value its slot just read. */
        private boolean follow(int r, String slot) {
            boolean load = is(r, Op.LD);
            boolean store = is(r, Op.ST);
            if (slot.equals("X") && (load || is(r, Op.ECALL))) {
                for (int j = 0; j < 4; j++) {
                    put(Cols.W + j, r, t[Cols.PV + j][r]);
                }
            }
            if (slot.equals("1") && (load || store)) {
                long word = wordOfS(r);
                long s = word(t, Cols.A, r) + word(t, Cols.B, r);
                long aLo = word(t, Cols.A, r) & 0xffff;
                long bLo = word(t, Cols.B, r) & 0xffff;
                int ca0 = aLo + bLo >= 65536 ? 1 : 0;
                int ca1 = (word(t, Cols.A, r) >>> 16) + (word(t, Cols.B, r) >>> 16) + ca0 >= 65536 ? 1 : 0;
                s &= 0xffff_ffffL;
                if (s >>> 2 != word) {
                    return false;
                }
                for (int j = 0; j < 4; j++) {
                    put(Cols.OH + j, r, (s & 3) == j ? BabyBear.ONE : 0);
                }
                put(Cols.CA0, r, BabyBear.toMont(ca0));
                put(Cols.CA1, r, BabyBear.toMont(ca1));
            }
            loadHelpers(r);
            if (load) {
                int lb = BabyBear.fromMont(t[Cols.LBYTE][r]);
                int lh = BabyBear.fromMont(t[Cols.LHALF][r]);
                int[] c = is(r, Op.LW) ? new int[] {BabyBear.fromMont(t[Cols.PV][r]), BabyBear.fromMont(t[Cols.PV + 1][r]),
                    BabyBear.fromMont(t[Cols.PV + 2][r]), BabyBear.fromMont(t[Cols.PV + 3][r])}
                    : is(r, Op.LB) ? new int[] {lb, 255 * (lb >> 7), 255 * (lb >> 7), 255 * (lb >> 7)}
                    : is(r, Op.LBU) ? new int[] {lb, 0, 0, 0}
                    : is(r, Op.LH) ? new int[] {lb, lh, 255 * (lh >> 7), 255 * (lh >> 7)}
                    : new int[] {lb, lh, 0, 0};
                for (int j = 0; j < 4; j++) {
                    put(Cols.C + j, r, BabyBear.toMont(c[j]));
                }
            }
            if (is(r, Op.E_READ)) {
                readBound(r);
            }
            return true;
        }

        /** A READ's rm = a1 − count and adder 2's carries for it (cb1 = 1 where the count exceeds a1). */
        private void readBound(int r) {
            long a1 = word(t, Cols.PV, r);
            long count = word(t, Cols.C, r);
            long rest = a1 - count & 0xffff_ffffL;
            long cb0 = ((count & 0xffff) + (rest & 0xffff) - (a1 & 0xffff)) >> 16;
            long cb1 = ((count >>> 16) + (rest >>> 16) - (a1 >>> 16) + cb0) >> 16;
            for (int j = 0; j < 4; j++) {
                put(Cols.RM + j, r, BabyBear.toMont((int) (rest >>> (8 * j) & 255)));
            }
            put(Cols.CB0, r, BabyBear.toMont((int) cb0));
            put(Cols.CB1, r, BabyBear.toMont((int) cb1));
        }

        /** The load byte and half that pv and the address one-hot determine (rules on every row). */
        private void loadHelpers(int r) {
            int oh = 0;
            for (int j = 0; j < 4; j++) {
                oh += j * BabyBear.fromMont(t[Cols.OH + j][r]);
            }
            put(Cols.LBYTE, r, t[Cols.PV + oh][r]);
            put(Cols.LHALF, r, oh == 0 ? t[Cols.PV + 1][r] : oh == 2 ? t[Cols.PV + 3][r] : 0);
        }

        private boolean is(int r, Set<Op> ops) {
            for (Op op : ops) {
                if (t[op.column()][r] == BabyBear.ONE) {
                    return true;
                }
            }
            return false;
        }

        private boolean is(int r, Op op) {
            return t[op.column()][r] == BabyBear.ONE;
        }

        /** Sets a cell the forge chose, if it differs. */
        private void put(int col, int row, int v) {
            if (t[col][row] != v) {
                set(col, row, v, true);
            }
        }

        private static int f3Term(Op op, int f3) {
            return op.funct3 < 0 ? 0 : f3 - op.funct3;
        }

        private static int f7Term(Op op, int f7) {
            return op.funct7 < 0 ? 0 : f7 - op.funct7;
        }

        private static long word(int[][] t, int col, int r) {
            long w = 0;
            for (int j = 3; j >= 0; j--) {
                w = w << 8 | BabyBear.fromMont(t[col + j][r]);
            }
            return w;
        }

        /**
         * A division with quotient q + k and remainder r − k·y (the same dividend, the remainder
         * out of its honest sign or bound): the signs, the product with its carries, the
         * remainder bound T on adder 2 (carries tried as bits), its zero test and the result
         * recomputed.
         */
        private void forgeDivide(int r, Op op, int k, int depth) {
            boolean signed = op == Op.DIV || op == Op.REM;
            long q = word(t, Cols.MX, r);
            long rem = word(t, Cols.RM, r);
            long y = word(t, Cols.MY, r);
            if (signed) {
                q = (int) q;
                rem = (int) rem;
                y = (int) y;
            }
            long q2 = q + k;
            long r2 = rem - k * y;
            long lo = signed ? Integer.MIN_VALUE : 0;
            long hi = signed ? Integer.MAX_VALUE : 0xffff_ffffL;
            if (q2 < lo || q2 > hi || r2 < lo || r2 > hi) {
                return;
            }
            int[] cells = new int[Cols.WIDTH];
            java.util.Arrays.fill(cells, -1);
            boolean ma = signed && q2 < 0;
            boolean mr = signed && r2 < 0;
            boolean mb = t[Cols.MB][r] == BabyBear.ONE;
            for (int j = 0; j < 4; j++) {
                cells[Cols.MX + j] = BabyBear.toMont((int) (q2 >>> (8 * j) & 255));
                cells[Cols.RM + j] = BabyBear.toMont((int) (r2 >>> (8 * j) & 255));
            }
            cells[Cols.SMX] = BabyBear.toMont((int) (q2 >>> 31 & 1));
            cells[Cols.SR] = BabyBear.toMont((int) (r2 >>> 31 & 1));
            cells[Cols.MA] = ma ? BabyBear.ONE : 0;
            cells[Cols.MR] = mr ? BabyBear.ONE : 0;
            cells[Cols.M] = mr ^ mb ? BabyBear.ONE : 0;
            long[] xs = new long[8];
            long[] ys = new long[8];
            long[] rs = new long[8];
            for (int i = 0; i < 8; i++) {
                xs[i] = i < 4 ? q2 >>> (8 * i) & 255 : ma ? 255 : 0;
                ys[i] = i < 4 ? BabyBear.fromMont(t[Cols.MY + i][r]) : mb ? 255 : 0;
                rs[i] = i < 4 ? r2 >>> (8 * i) & 255 : mr ? 255 : 0;
            }
            long carry = 0;
            for (int j = 0; j < 4; j++) {
                long limb = carry + rs[2 * j] + 256 * rs[2 * j + 1];
                limb += SegmentWitness.productLimb(xs, ys, j);
                cells[Cols.PR + 2 * j] = BabyBear.toMont((int) (limb & 255));
                cells[Cols.PR + 2 * j + 1] = BabyBear.toMont((int) (limb >>> 8 & 255));
                carry = limb >>> 16;
                cells[Cols.CO + j] = BabyBear.toMont((int) carry);
            }
            long result = op == Op.DIV || op == Op.DIVU ? q2 : r2;
            for (int j = 0; j < 4; j++) {
                cells[Cols.C + j] = BabyBear.toMont((int) (result >>> (8 * j) & 255));
            }
            for (int col = 0; col < Cols.WIDTH; col++) {
                if (cells[col] >= 0 && cells[col] != t[col][r]) {
                    set(col, r, cells[col], true);
                }
            }
            int base = logSize;
            for (int cb0 = 0; cb0 < 2; cb0++) {
                for (int cb1 = 0; cb1 < 2; cb1++) {
                    if (t[Cols.CB0][r] != BabyBear.toMont(cb0)) {
                        set(Cols.CB0, r, BabyBear.toMont(cb0), true);
                    }
                    if (t[Cols.CB1][r] != BabyBear.toMont(cb1)) {
                        set(Cols.CB1, r, BabyBear.toMont(cb1), true);
                    }
                    if (solveUnit(indexOf("adder2 lo"), r, new int[] {Cols.T_LO})
                            && solveUnit(indexOf("adder2 hi"), r, new int[] {Cols.T_HI})) {
                        int wz = BabyBear.add(t[Cols.T_LO][r], t[Cols.T_HI][r]) == 0 ? BabyBear.ONE : 0;
                        if (t[Cols.WZ][r] != wz) {
                            set(Cols.WZ, r, wz, true);
                        }
                        dfs(depth);
                    }
                    undo(base);
                }
            }
            undo(0);
        }

        /** Sets a 16-bit unit (one cell, or two bytes low first) so that constraint k holds on row r. */
        private boolean solveUnit(int k, int r, int[] unit) {
            Expr e = constraints.get(k).expr();
            Expr.BaseRow at = check.row(t, r);
            int[] old = new int[unit.length];
            for (int j = 0; j < unit.length; j++) {
                old[j] = t[unit[j]][r];
                t[unit[j]][r] = 0;
            }
            int a = e.evalBase(at);
            t[unit[0]][r] = BabyBear.ONE;
            int b = e.evalBase(at);
            for (int j = 0; j < unit.length; j++) {
                t[unit[j]][r] = old[j];
            }
            if (a == b) {
                return false;
            }
            int v = BabyBear.fromMont(BabyBear.mul(a, BabyBear.inv(BabyBear.sub(a, b))));
            if (v >= 65536) {
                return false;
            }
            int[] vals = unit.length == 1 ? new int[] {v} : new int[] {v & 255, v >> 8};
            for (int j = 0; j < unit.length; j++) {
                if (t[unit[j]][r] != BabyBear.toMont(vals[j])) {
                    set(unit[j], r, BabyBear.toMont(vals[j]), true);
                }
            }
            return e.evalBase(check.row(t, r)) == 0;
        }

        long nodes() {
            return nodes;
        }

        private void dfs(int depth) {
            nodes++;
            int mark = logSize;
            fixHelpers();
            List<int[]> violated = violations();
            Set<Integer> ks = new HashSet<>();
            for (int[] v : violated) {
                ks.add(v[0]);
            }
            if (ks.size() == 1 && found.containsAll(ks) || ks.size() > 2 || ks.size() == 2 && found.containsAll(ks)) {
                undo(mark);
                return;
            }
            boolean inTables = lookupsInTables();
            if (ks.size() <= 1 && inTables) {
                if (busBalanced()) {
                    if (VERIFY && ks.size() == 1) {
                        verify(ks.iterator().next());
                    }
                    found.addAll(ks);
                } else if (depth > 0) {
                    carry(depth - 1);
                }
            } else if (depth > 0 && ks.size() <= 2) {
                for (int[] v : violated) {
                    for (long cell : cells[v[0]]) {
                        int col = (int) Math.abs(cell) - 1;
                        int row = v[1] + (cell < 0 ? 1 : 0);
                        if (col >= Cols.M16 || row >= n || chosen.containsKey(cellKey(col, row))) {
                            continue;
                        }
                        int at = logSize;
                        if (solve(v[0], v[1], col, row)) {
                            dfs(depth - 1);
                            undo(at);
                        }
                    }
                }
            }
            undo(mark);
        }

        /** The witness in full: tables recounted, every constraint on the changed rows, every LogUp sum. */
        private void verify(int k) {
            verify(k, t, Ext.ZERO);
        }

        private void verify(int k, int[][] witness, Ext publicChange) {
            int[][] w = AirCheck.copy(witness);
            SegmentWitness.countLookups(w, air);
            for (String v : check.violations(w, publicChange)) {
                if (!v.startsWith(constraints.get(k).name() + " @")) {
                    throw new AssertionError(constraints.get(k).name() + " isolated, but the witness also has " + v);
                }
            }
            verified++;
        }

        /** Gives the honest partner of the first changed MEM access the changed values. */
        private void carry(int depth) {
            for (int r : new ArrayList<>(changedRows.keySet())) {
                Expr.BaseRow now = check.row(t, r);
                Expr.BaseRow was = check.row(orig, r);
                for (Interaction x : mem) {
                    if (x.multiplicity().evalBase(now) != x.multiplicity().evalBase(was)) {
                        return;
                    }
                    if (x.multiplicity().evalBase(now) == 0) {
                        continue;
                    }
                    boolean same = true;
                    for (int i = 0; i < x.values().size(); i++) {
                        if (x.values().get(i).evalBase(now) != x.values().get(i).evalBase(was)) {
                            if (i < 2) {
                                return;
                            }
                            same = false;
                        }
                    }
                    if (same) {
                        continue;
                    }
                    int[] partner = (x.name().endsWith("produce") ? consumers : producers).get(key(x, was));
                    if (partner == null) {
                        return;
                    }
                    Interaction y = mem.get(partner[1]);
                    int at = logSize;
                    for (int i = 2; i < y.values().size(); i++) {
                        if (!(y.values().get(i) instanceof Expr.Col col) || col.next() || col.preprocessed()) {
                            undo(at);
                            return;
                        }
                        set(col.index(), partner[0], x.values().get(i).evalBase(now), true);
                    }
                    dfs(depth);
                    undo(at);
                    return;
                }
            }
        }

        /** Sets the cell so that constraint k holds on row i, if k is linear in it. */
        private boolean solve(int k, int i, int col, int row) {
            int old = t[col][row];
            Expr e = constraints.get(k).expr();
            Expr.BaseRow at = check.row(t, i);
            t[col][row] = 0;
            int a = e.evalBase(at);
            t[col][row] = BabyBear.ONE;
            int b = e.evalBase(at);
            t[col][row] = old;
            if (a == b) {
                return false;
            }
            int v = BabyBear.mul(a, BabyBear.inv(BabyBear.sub(a, b)));
            if (v == old) {
                return false;
            }
            t[col][row] = v;
            boolean holds = e.evalBase(at) == 0;
            t[col][row] = old;
            if (holds) {
                set(col, row, v, true);
            }
            return holds;
        }

        /** Sign bits and xor bytes the lookups force, and zero-test inverses, on the changed rows. */
        private void fixHelpers() {
            for (int r : new ArrayList<>(changedRows.keySet())) {
                for (int[] sg : SIGNS) {
                    int x = BabyBear.fromMont(t[sg[0]][r]);
                    if (x < 256) {
                        helper(sg[1], r, BabyBear.toMont(x >>> 7));
                    }
                }
                for (int j = 0; j < 4; j++) {
                    int a = BabyBear.fromMont(t[Cols.A + j][r]);
                    int b = BabyBear.fromMont(t[Cols.B + j][r]);
                    if (a < 256 && b < 256) {
                        helper(Cols.X + j, r, BabyBear.toMont(a ^ b));
                    }
                }
                for (int[] z : inverses) {
                    if (!chosen.containsKey(cellKey(z[1], r)) && constraints.get(z[0]).expr().evalBase(check.row(t, r)) != 0) {
                        solve(z[0], r, z[1], r);
                    }
                }
            }
        }

        private void helper(int col, int row, int v) {
            if (t[col][row] != v && !chosen.containsKey(cellKey(col, row))) {
                set(col, row, v, false);
            }
        }

        private static long cellKey(int col, int row) {
            return (long) col << 32 | row;
        }

        private void set(int col, int row, int v, boolean choose) {
            if (logSize == logCol.length) {
                logCol = java.util.Arrays.copyOf(logCol, logSize * 2);
                logRow = java.util.Arrays.copyOf(logRow, logSize * 2);
                logOld = java.util.Arrays.copyOf(logOld, logSize * 2);
            }
            logCol[logSize] = col;
            logRow[logSize] = row;
            logOld[logSize] = t[col][row] | (choose ? Integer.MIN_VALUE : 0);
            logSize++;
            t[col][row] = v;
            changedRows.merge(row, 1, Integer::sum);
            if (choose) {
                chosen.merge(cellKey(col, row), 1, Integer::sum);
            }
        }

        private void undo(int mark) {
            while (logSize > mark) {
                logSize--;
                int col = logCol[logSize];
                int row = logRow[logSize];
                t[col][row] = logOld[logSize] & Integer.MAX_VALUE;
                changedRows.merge(row, -1, (a, b) -> a + b == 0 ? null : a + b);
                if (logOld[logSize] < 0) {
                    chosen.merge(cellKey(col, row), -1, (a, b) -> a + b == 0 ? null : a + b);
                }
            }
        }

        /** {constraint, row} of every violation that reads a changed cell. */
        private List<int[]> violations() {
            List<int[]> out = new ArrayList<>();
            Set<Long> seen = new HashSet<>();
            for (int e = 0; e < logSize; e++) {
                int col = logCol[e];
                int row = logRow[e];
                for (int k : readsCurrent[col]) {
                    test(k, row, seen, out);
                }
                if (row > 0) {
                    for (int k : readsNext[col]) {
                        test(k, row - 1, seen, out);
                    }
                }
            }
            return out;
        }

        private void test(int k, int i, Set<Long> seen, List<int[]> out) {
            if (seen.add((long) k << 32 | i) && violated(constraints.get(k), i)) {
                out.add(new int[] {k, i});
            }
        }

        private boolean violated(Constraint c, int i) {
            return violated(c, check.row(t, i), i);
        }

        private boolean violated(Constraint c, Expr.BaseRow row, int i) {
            boolean applies = switch (c.kind()) {
                case FIRST -> i == 0;
                case LAST -> i == n - 1;
                case TRANSITION -> i != n - 1;
                case ALL -> true;
            };
            return applies && c.expr().evalBase(row) != 0;
        }

        private boolean lookupsInTables() {
            for (int r : changedRows.keySet()) {
                if (!lookupsInTables(r)) {
                    return false;
                }
            }
            return true;
        }

        private boolean lookupsInTables(int r) {
            return lookupsInTables(check.row(t, r));
        }

        private boolean lookupsInTables(Expr.BaseRow row) {
            for (Interaction x : lookups) {
                int m = BabyBear.fromMont(x.multiplicity().evalBase(row));
                if (m == 0) {
                    continue;
                }
                if (m != 1) {
                    return false;
                }
                int[] v = new int[x.values().size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = BabyBear.fromMont(x.values().get(i).evalBase(row));
                }
                boolean ok = switch (x.bus()) {
                    case Rv32imConstraints.BUS_R16 -> v[0] < 1 << 16;
                    case Rv32imConstraints.BUS_B2 -> v[0] < 256 && v[1] < 256;
                    case Rv32imConstraints.BUS_XOR -> v[0] < 256 && v[1] < 256 && v[2] == (v[0] ^ v[1]);
                    case Rv32imConstraints.BUS_DLO -> v[0] < 128 && v[1] < 2 && v[2] < 16 && v[3] < 8 && v[4] < 2;
                    default -> v[0] < 16 && v[1] < 2 && v[2] < 8 && v[3] < 2 && v[4] < 8 && v[5] < 8 && v[6] < 2;
                };
                if (!ok) {
                    return false;
                }
            }
            return true;
        }

        /** Σ m/(α − fp) of the memory and halt buses over the changed rows, against the honest trace. */
        private boolean busBalanced() {
            Ext delta = Ext.ZERO;
            for (int r : changedRows.keySet()) {
                delta = delta.add(check.fractions(balanced, check.row(t, r)))
                        .sub(check.fractions(balanced, check.row(orig, r)));
            }
            return delta.isZero();
        }
    }
}
