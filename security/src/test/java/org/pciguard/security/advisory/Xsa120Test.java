package org.pciguard.security.advisory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.pciguard.api.regs.PciRegs.COMMAND;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pciguard.api.regs.PciRegs.Command;

/**
 * XSA-120 (CVE-2015-2150), "Non-maskable interrupts triggerable by guests": Linux pciback let a guest
 * write every writable bit of the Command register, so it could turn off the device's memory and I/O
 * decode; the host's next access to those ranges then got an Unsupported Request, which a platform
 * may raise as a fatal NMI. pciguard keeps decode virtual (SECURITY.md R2): the device keeps the
 * host's decode whatever the guest writes, at any width.
 */
class Xsa120Test {

    /** Intel 82576: the dump holds Memory, I/O decode and Bus Master on, as a host leaves them. */
    private static final String DEVICE = "8086-10c9-82576-gbe-sriov.lspci";
    private static final int DECODE = Command.MEMORY | Command.IO;

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void xsa120_guestCannotTurnOffTheDevicesDecode(int width) {
        Scenario s = new Scenario(DEVICE);
        int host = s.phys.readConfig(COMMAND, 2) & DECODE;
        assertNotEquals(0, host, "the host decodes");
        s.guest.write(COMMAND, 2, DECODE);
        s.guest.write(COMMAND, width, 0);
        assertEquals(0, s.guest.read(COMMAND, 2) & DECODE, "the guest sees its own decode off");
        assertEquals(host, s.phys.readConfig(COMMAND, 2) & DECODE, "the device still decodes for the host");
        s.guest.write(COMMAND, width, ~DECODE);
        assertEquals(host, s.phys.readConfig(COMMAND, 2) & DECODE);
    }
}
