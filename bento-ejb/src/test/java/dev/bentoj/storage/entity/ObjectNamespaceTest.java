package dev.bentoj.storage.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class ObjectNamespaceTest {

    static final String IMAGE_ID = "0123456789abcdef".repeat(4);
    static final String UUID_TEXT = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

    @Test
    void keysFollowTheArchitecture() {
        assertEquals("elfs/" + IMAGE_ID, ObjectNamespace.ELF.key(IMAGE_ID));
        assertEquals("inputs/" + UUID_TEXT, ObjectNamespace.INPUT.key(UUID_TEXT));
        assertEquals("receipts/stark/" + UUID_TEXT, ObjectNamespace.STARK_RECEIPT.key(UUID_TEXT));
        assertEquals("receipts/snark/" + UUID_TEXT, ObjectNamespace.SNARK_RECEIPT.key(UUID_TEXT));
        assertEquals("journals/" + UUID_TEXT, ObjectNamespace.JOURNAL.key(UUID_TEXT));
        assertEquals("logs/" + UUID_TEXT,
                ObjectNamespace.LOG.key(UUID.fromString(UUID_TEXT)));
    }

    @Test
    void idsAreValidatedStrictly() {
        for (String bad : new String[] {"../../etc/passwd", UUID_TEXT.toUpperCase(), "", " " + UUID_TEXT,
                UUID_TEXT + "/x", IMAGE_ID}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ObjectNamespace.INPUT.key(bad));
            assertTrue(e.getMessage().contains("inputs/"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ObjectNamespace.ELF.key(UUID_TEXT));
        assertThrows(IllegalArgumentException.class, () -> ObjectNamespace.ELF.key(IMAGE_ID.toUpperCase()));
        assertThrows(IllegalArgumentException.class, () -> ObjectNamespace.ELF.key(UUID.randomUUID()));
        assertThrows(IllegalArgumentException.class, () -> ObjectNamespace.ELF.key((String) null));
    }
}
