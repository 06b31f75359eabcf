package org.pciguard.security.advisory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Msi;

/**
 * XSA-128 (QEMU CVE-2015-4103), "Potential unintended writes to host MSI message data field via
 * qemu": QEMU kept guests off certain host fields, but a guest write spanning several fields could
 * write the host's MSI message data; and where QEMU wrote back what it had read, the host might have
 * changed the register in between. pciguard (SECURITY.md R8): MSI address and data are virtual; no
 * guest write, whatever fields it spans, writes them on the device, and a value the host changed
 * behind the guest is never overwritten with a stale copy.
 */
class Xsa128Test {

    /** Intel 82576: a 64-bit MSI capability. */
    private static final String DEVICE = "8086-10c9-82576-gbe-sriov.lspci";

    @Test
    void xsa128_guestWritesSpanningMsiFieldsNeverWriteTheHostsMessageData() {
        Scenario s = new Scenario(DEVICE);
        Capability msi = s.capability(CapabilitySpace.STANDARD, CapId.MSI);
        boolean wide = (s.phys.readConfig(msi.offset() + Msi.FLAGS, 2) & Msi.FLAGS_64BIT) != 0;
        int data = msi.offset() + (wide ? Msi.DATA_64 : Msi.DATA_32);
        // The host programs its own message data (the hardware changed behind the guest).
        s.phys.writeConfig(data, 2, 0x4321);
        s.reached.clear();
        for (int off = msi.offset(); off < msi.end(); off++) {
            for (int width : new int[] {1, 2, 4}) {
                if (off % width == 0 && off + width <= s.guest.configSize()) {
                    s.guest.write(off, width, -1);
                    s.guest.write(off, width, 0x5a5a5a5a);
                }
            }
        }
        assertEquals(0x4321, s.phys.readConfig(data, 2), "the host's message data survives");
        for (int b = msi.offset() + Msi.ADDRESS_LO; b < msi.end(); b++) {
            assertTrue(s.configWritesTouching(b).isEmpty(), "a guest write reached MSI byte 0x" + Integer.toHexString(b));
        }
    }
}
