package dev.bentoj.zkvm.stark;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The figures of stark-protocol.md §5.3 for its reference shape at n = 2^20 (156 + 44 columns, q = 3, c = 500, I = 22, W = 5). */
class SecurityTest {
    @Test
    void provenBoundsMatchTheSpecsTableForP96B4() {
        StarkParameters p = new StarkParameters(2, 3, 8, 44, 2, 0, 0, 12);
        Security.Proven proven = Security.proven(p, 20, 500, 4, 412, 22, 5);
        assertEquals(50.6, proven.listDecoding(), 0.1);
        assertEquals(41.8, proven.uniqueDecoding(), 0.1);
    }
}
