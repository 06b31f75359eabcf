package org.pciguard.security.advisory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pciguard.api.regs.PciRegs.COMMAND;

import org.junit.jupiter.api.Test;
import org.pciguard.api.regs.PciRegs.Command;

/**
 * XSA-126 (CVE-2015-2756), "Unmediated PCI command register access in qemu": QEMU's Xen passthrough
 * let HVM guests change the memory and I/O decode bits of a passed-through device; besides the guest
 * turning decode off, pciback handed devices over with those bits off, so the guest's accesses hit a
 * non-decoding device (Unsupported Requests). pciguard: decode is virtual, the guest view starts with
 * it off and no guest BAR access reaches the device until the guest turns it on; the device keeps the
 * host's decode throughout (SECURITY.md R2, R3).
 */
class Xsa126Test {

    private static final String DEVICE = "10de-24a0-ga104-rtx3070ti.lspci";
    private static final int DECODE = Command.MEMORY | Command.IO;

    @Test
    void xsa126_guestCommandWritesOfEveryShapeNeverReachTheDevicesDecode() {
        Scenario s = new Scenario(DEVICE);
        int host = s.phys.readConfig(COMMAND, 2) & DECODE;
        // A dword spanning Command and Status, a word, a byte, and the high byte alone.
        s.guest.write(COMMAND, 4, 0xffff0000);
        s.guest.write(COMMAND, 2, Command.MASTER);
        s.guest.write(COMMAND, 1, 0);
        s.guest.write(COMMAND + 1, 1, 0xff);
        assertEquals(host, s.phys.readConfig(COMMAND, 2) & DECODE);
        for (Scenario.Access a : s.configWritesTouching(COMMAND)) {
            assertEquals(host, (int) a.value() & DECODE, "every write that reached Command kept the host's decode: " + a);
        }
    }

    @Test
    void xsa126_noGuestBarAccessReachesTheDeviceBeforeTheGuestTurnsDecodeOn() {
        Scenario s = new Scenario(DEVICE);
        assertEquals(0, s.guest.read(COMMAND, 2) & DECODE, "the guest starts with decode off, as after reset");
        assertEquals(-1L >>> 32, s.guest.barRead(0, 0, 4), "refused: all ones");
        s.guest.barWrite(0, 0, 4, 0x1234);
        assertEquals(0, s.barAccesses(), "nothing reached the device");
        s.guest.write(COMMAND, 2, Command.MEMORY);
        s.guest.barRead(0, 0, 4);
        assertEquals(1, s.barAccesses(), "with decode on, the access reaches the device");
    }
}
