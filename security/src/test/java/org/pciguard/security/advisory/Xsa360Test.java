package org.pciguard.security.advisory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.COMMAND;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.irq.dto.RouteDTO;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.security.MsixAt;

/**
 * XSA-360 (CVE-2021-3308), "IRQ vector leak on x86": an HVM guest with a passed-through device could
 * exhaust the host's interrupt vectors by rebooting with MSI or MSI-X enabled and entries set up; each
 * reboot left the previous boot's vectors allocated (even a well-behaved guest could). pciguard
 * (SECURITY.md R12): the host turns a guest's reboot into a function reset or a reopen, and both
 * release every route of the device: after any number of reboots with MSI or MSI-X live, the router
 * holds no enabled message route and no more routes than after the first boot, raises deliver
 * nothing until the guest programs again, and a closed device holds no route at all.
 */
class Xsa360Test {

    /** Intel 82576: 64-bit MSI, a 10-entry MSI-X table, FLR. */
    private static final String DEVICE = "8086-10c9-82576-gbe-sriov.lspci";
    private static final int REBOOTS = 500;

    @Test
    void xsa360_rebootsByResetWithMsiOrMsixLiveLeaveNoRouteBehind() {
        Scenario s = new Scenario(DEVICE);
        int msi = s.capability(CapabilitySpace.STANDARD, CapId.MSI).offset();
        MsixAt m = s.msix();
        int routesAfterFirstBoot = -1;
        for (int boot = 0; boot < REBOOTS; boot++) {
            boolean useMsix = boot % 2 == 0;
            boot(s.guest, msi, m, useMsix);
            assertEquals(Set.of(useMsix ? "msix" : "msi"), s.enabledKinds(), "boot " + boot);
            // The guest reboots: the host resets the function.
            s.guest.reset(ResetKind.FLR);
            assertNothingLive(s.routes(), "after reboot " + boot);
            raiseEverything(s, m);
            assertEquals(List.of(), s.delivered(), "nothing delivered before the guest programs again (reboot " + boot + ")");
            if (routesAfterFirstBoot < 0) {
                routesAfterFirstBoot = s.routes().size();
            }
            assertEquals(routesAfterFirstBoot, s.routes().size(), "the routes do not grow with reboots");
        }
    }

    @Test
    void xsa360_rebootsByReopenReleaseEveryRouteAtClose() {
        Scenario s = new Scenario(DEVICE);
        int msi = s.capability(CapabilitySpace.STANDARD, CapId.MSI).offset();
        MsixAt m = s.msix();
        VirtualDevice guest = s.guest;
        for (int boot = 0; boot < REBOOTS; boot++) {
            boot(guest, msi, m, boot % 2 == 0);
            guest.close();
            assertEquals(0, s.router.snapshot().length, "a closed device holds no route (boot " + boot + ")");
            raiseEverything(s, m);
            assertEquals(List.of(), s.delivered(), "nothing reaches the guest of a closed device");
            guest = s.runtime.open(s.phys);
            assertNothingLive(s.routes(), "after reopen " + boot);
        }
    }

    /** What a guest driver does at boot: decode on, MSI or every MSI-X entry programmed unmasked, enabled. */
    private static void boot(VirtualDevice guest, int msi, MsixAt m, boolean useMsix) {
        guest.write(COMMAND, 2, Command.MEMORY | Command.MASTER | Command.INTX_DISABLE);
        if (useMsix) {
            for (int e = 0; e < m.entries(); e++) {
                guest.barWrite(m.tableBar(), m.entry(e, Msix.ENTRY_LOWER_ADDR), 8, 0xfee0_0000L | e << 12);
                guest.barWrite(m.tableBar(), m.entry(e, Msix.ENTRY_DATA), 4, 0x4000 + e);
                guest.barWrite(m.tableBar(), m.entry(e, Msix.ENTRY_VECTOR_CTRL), 4, 0);
            }
            guest.write(m.control(), 2, Msix.FLAGS_ENABLE);
        } else {
            guest.write(msi + Msi.ADDRESS_LO, 4, 0xfee0_f000);
            guest.write(msi + Msi.DATA_64, 2, 0x40f0);
            guest.write(msi + Msi.FLAGS, 2, Msi.FLAGS_ENABLE);
        }
    }

    private static void assertNothingLive(List<RouteDTO> routes, String when) {
        for (RouteDTO r : routes) {
            assertTrue(r.source.equals("intx") || !r.enabled && !r.pending && r.address == 0 && r.data == 0,
                    when + ": " + Scenario.render(r));
        }
    }

    private static void raiseEverything(Scenario s, MsixAt m) {
        s.phys.raiseInterrupt(InterruptKind.MSI, 0);
        for (int e = 0; e < m.entries(); e++) {
            s.phys.raiseInterrupt(InterruptKind.MSIX, e);
        }
    }
}
