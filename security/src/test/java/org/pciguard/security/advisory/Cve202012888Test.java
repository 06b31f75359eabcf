package org.pciguard.security.advisory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pciguard.api.regs.PciRegs.COMMAND;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.BarKind;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.security.MsixAt;

/**
 * Linux CVE-2020-12888, vfio "access to disabled MMIO space of some devices may lead to DoS": a user
 * could clear Memory decode in Command and keep accessing the BARs it had mapped; some devices
 * answer such accesses with a fatal error that crashes the host. vfio's fix zaps the mappings and
 * blocks access while memory is disabled. pciguard (SECURITY.md R3): while the guest's decode for a
 * BAR is off, every guest access to it is refused (reads all ones, writes dropped) and none reaches
 * the device, the emulated MSI-X table included; turning decode back on restores access.
 */
class Cve202012888Test {

    /** Intel 82576: memory BARs and an I/O BAR. */
    private static final String DEVICE = "8086-10c9-82576-gbe-sriov.lspci";

    @Test
    void cve2020_12888_noGuestBarAccessReachesTheDeviceWhileTheGuestsDecodeIsOff() {
        Scenario s = new Scenario(DEVICE);
        MsixAt msix = s.msix();
        s.guest.write(COMMAND, 2, Command.MEMORY | Command.IO);
        long passedThrough = 0;
        for (BarInfo b : s.phys.bars()) {
            if (b.index() < BarInfo.ROM_INDEX) {
                s.guest.barRead(b.index(), 0, 4);
                // The MSI-X table at offset 0 of BAR 3 is emulated: that read is served without the device.
                passedThrough += msix.touches(b.index(), 0, 4) ? 0 : 1;
            }
        }
        long decoded = s.barAccesses();
        assertEquals(passedThrough, decoded, "with decode on, every read outside the emulated MSI-X table reached the device");
        assertEquals(3, msix.tableBar(), "the 82576 holds its MSI-X table at the start of BAR 3");

        s.guest.write(COMMAND, 2, 0);
        for (BarInfo b : s.phys.bars()) {
            if (b.index() < BarInfo.ROM_INDEX) {
                int width = b.kind() == BarKind.IO ? 4 : 8;
                assertEquals(width == 8 ? -1L : 0xffffffffL, s.guest.barRead(b.index(), 0, width),
                        "BAR " + b.index() + " reads all ones");
                s.guest.barWrite(b.index(), 0, width, 0);
            }
        }
        assertEquals(decoded, s.barAccesses(), "no access reached the device while decode was off");
        assertEquals(s.phys.readConfig(COMMAND, 2) & Command.MEMORY, Command.MEMORY, "the host still decodes");

        s.guest.write(COMMAND, 2, Command.MEMORY);
        s.guest.barRead(0, 0, 4);
        assertEquals(decoded + 1, s.barAccesses());
    }
}
