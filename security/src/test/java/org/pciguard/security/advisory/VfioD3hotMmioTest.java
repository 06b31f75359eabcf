package org.pciguard.security.advisory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_0;
import static org.pciguard.api.regs.PciRegs.COMMAND;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.BarKind;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.api.regs.PciRegs.Pm;
import org.pciguard.security.MsixAt;
import org.pciguard.testing.ConfigBytes;

/**
 * Linux vfio's D3hot MMIO blocking (commit 2b2c651baf1c, "vfio/pci: Invalidate mmaps and block the
 * access in D3hot power state", 5.19): a function in D3hot answers memory accesses with Unsupported
 * Requests (which a platform may escalate to a fatal error), and on D3hot to D0 a function without
 * No_Soft_Reset comes back reset, its BARs cleared. vfio zaps the user's mappings and blocks access
 * while the function is in D3hot. pciguard (SECURITY.md R3, R5): while the guest has put the function
 * in D3hot, every guest BAR access is refused (reads all ones, writes dropped), the emulated MSI-X
 * table included, and none reaches the device; back in D0 the device holds the host's BARs and decode
 * again, whether it soft-reset or not, the guest's MSI-X programming is kept, and access resumes.
 */
class VfioD3hotMmioTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "8086-10c9-82576-gbe-sriov.lspci", // No_Soft_Reset clear: D3hot to D0 resets the function
        "1033-0194-upd720200-xhci.lspci"}) // No_Soft_Reset set
    void vfioD3hot_noGuestBarAccessReachesTheDeviceInD3hotAndTheHostsBarsAreBackInD0(String dump) {
        Scenario s = new Scenario(dump);
        int pmcsr = s.capability(CapabilitySpace.STANDARD, CapId.PM).offset() + Pm.CTRL;
        MsixAt m = s.msix();
        int[] hostBars = new int[6];
        for (int k = 0; k < hostBars.length; k++) {
            hostBars[k] = ConfigBytes.get(s.image.config(), BASE_ADDRESS_0 + 4 * k, 4);
        }
        int hostCommand = s.phys.readConfig(COMMAND, 2);
        s.guest.write(COMMAND, 2, Command.MEMORY | Command.IO | Command.MASTER);
        s.programEntry(m, 0, 0xfee0_1000L, 0x4011, false);
        long[] msix = s.msixView(m);

        s.guest.write(pmcsr, 2, Pm.STATE_D3HOT);
        assertEquals(Pm.STATE_D3HOT, s.phys.readConfig(pmcsr, 2) & Pm.CTRL_STATE_MASK, "the function is in D3hot");
        assertEquals(Pm.STATE_D3HOT, s.guest.read(pmcsr, 2) & Pm.CTRL_STATE_MASK, "and the guest sees it there");
        s.reached.clear();
        long refusedBefore = s.runtime.snapshot().devices[0].refusedAccesses;
        int accesses = 0;
        for (BarInfo b : s.phys.bars()) {
            if (b.index() < BarInfo.ROM_INDEX) {
                int width = b.kind() == BarKind.IO ? 4 : 8;
                assertEquals(width == 8 ? -1L : 0xffff_ffffL, s.guest.barRead(b.index(), 0, width), "BAR " + b.index());
                s.guest.barWrite(b.index(), 0, width, 0);
                accesses += 2;
            }
        }
        assertEquals(-1L, s.guest.barRead(m.tableBar(), m.entry(0, Msix.ENTRY_LOWER_ADDR), 8), "the emulated table too");
        s.guest.barWrite(m.tableBar(), m.entry(0, Msix.ENTRY_DATA), 4, 0);
        accesses += 2;
        assertEquals(0, s.barAccesses(), "no guest BAR access reached the function in D3hot");
        assertEquals(refusedBefore + accesses, s.runtime.snapshot().devices[0].refusedAccesses, "each one counted");

        s.guest.write(pmcsr, 2, Pm.STATE_D0);
        assertEquals(Pm.STATE_D0, s.phys.readConfig(pmcsr, 2) & Pm.CTRL_STATE_MASK);
        for (int k = 0; k < hostBars.length; k++) {
            assertEquals(hostBars[k], s.phys.readConfig(BASE_ADDRESS_0 + 4 * k, 4), "the host's BAR " + k + " in D0");
        }
        int decode = Command.MEMORY | Command.IO;
        assertEquals(hostCommand & decode, s.phys.readConfig(COMMAND, 2) & decode, "the host's decode in D0");
        assertArrayEquals(msix, s.msixView(m), "the guest's MSI-X table is kept");
        s.reached.clear();
        s.guest.barRead(0, 0, 4);
        assertEquals(m.touches(0, 0, 4) ? 0 : 1, s.barAccesses(), "access resumes in D0");
    }
}
