package org.pciguard.security.advisory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.PciAccessException;

/**
 * XSA-130 (QEMU CVE-2015-4105), "Guest triggerable qemu MSI-X pass-through error messages": every
 * guest access QEMU disliked logged a message, so a guest could fill the host's disk with logs. (The
 * same flood, of WARN messages, is part of XSA-157.) pciguard (SECURITY.md R15): denied writes and
 * refused accesses are counted, never logged one by one; a guest hammering read-only, hidden and
 * out-of-range registers leaves the host's log as it found it.
 */
class Xsa130Test {

    private static final String DEVICE = "10ec-8168-rtl8111-gbe.lspci";
    private static final int ACCESSES = 20_000;

    @Test
    void xsa130_aGuestHammeringDeniedAndRefusedAccessesDoesNotFloodTheHostLog() {
        Scenario s = new Scenario(DEVICE);
        Logger root = Logger.getLogger("");
        int[] published = new int[1];
        Handler counter = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    published[0]++;
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        root.addHandler(counter);
        try {
            Random random = new Random(130);
            int refused = 0;
            for (int k = 0; k < ACCESSES; k++) {
                // Read-only header registers, hidden and unowned bytes, and accesses outside config space.
                int off = random.nextBoolean() ? random.nextInt(0x10) & ~3 : 0x40 + 4 * random.nextInt(0xf0);
                s.guest.write(off, 4, random.nextInt());
                try {
                    s.guest.read(s.guest.configSize() + 4 * random.nextInt(64), 4);
                } catch (PciAccessException expected) {
                    refused++;
                }
            }
            assertEquals(ACCESSES, refused);
            assertTrue(s.runtime.snapshot().devices[0].deniedWrites > ACCESSES / 2, "the denied writes are counted");
            assertEquals(ACCESSES, s.runtime.snapshot().devices[0].refusedAccesses, "the refusals are counted");
        } finally {
            root.removeHandler(counter);
        }
        assertEquals(0, s.log.messages.size(), "the core logged nothing: " + s.log.messages.stream().limit(3).toList());
        assertEquals(0, published[0], "no handler logged a warning per guest access");
    }
}
