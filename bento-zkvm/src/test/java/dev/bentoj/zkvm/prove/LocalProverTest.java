package dev.bentoj.zkvm.prove;

import dev.bentoj.zkvm.exec.Asm;
import dev.bentoj.zkvm.exec.ExecutorOptions;
import dev.bentoj.zkvm.exec.GuestFault;
import dev.bentoj.zkvm.exec.TestPrograms;
import dev.bentoj.zkvm.image.MemoryImage;
import dev.bentoj.zkvm.rv32im.SegmentProver;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What the local prover decides before any proof; proving itself: {@code ProvenReceiptTest}. */
class LocalProverTest {
    @Test
    void aFaultingGuestHasNoReceipt() {
        MemoryImage spin = MemoryImage.of(TestPrograms.program(new TestPrograms.Code().add(Asm.jal(0, 0))));
        LocalProver prover = new LocalProver(SegmentProver.insecureForTests(),
                ExecutorOptions.defaults().withPo2(16).withCycleLimit(1000));
        GuestFault fault = assertThrows(GuestFault.class, () -> prover.prove(spin, new byte[0]));
        assertEquals("cycle limit of 1000 cycles exceeded", fault.reason());
    }

    @Test
    void aSegmentSizeTheAirCannotProveIsRefusedBeforeExecuting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LocalProver(SegmentProver.insecureForTests(), ExecutorOptions.defaults().withPo2(14)));
        assertEquals("segment po2 14 cannot be proven: the RV32IM AIR proves po2 16 to 24", e.getMessage());
    }
}
