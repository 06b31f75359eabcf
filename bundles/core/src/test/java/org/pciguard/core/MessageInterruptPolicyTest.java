package org.pciguard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.COMMAND;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.AccessListener;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.dto.VirtualCapabilityDTO;
import org.pciguard.backend.sim.SimulatedDevice;

/**
 * MSI and MSI-X without a handler (DESIGN.md differences 2 and 3): the capabilities are hidden,
 * and no guest BAR access ever reaches the device's own MSI-X table or PBA.
 * The Intel 82576 has MSI at 0x50 and MSI-X at 0x70 with 10 entries at BAR 3 offset 0, PBA at 0x2000.
 */
class MessageInterruptPolicyTest {

    private static final int MSIX_BAR = 3;
    private static final long PBA = 0x2000;

    private static VirtualDevice opened(SimulatedDevice phys) {
        VirtualDevice guest = SimDevicesTest.runtime().open(phys);
        guest.write(COMMAND, 2, Command.MEMORY);
        return guest;
    }

    @Test
    void withoutAHandlerMsiAndMsixAreHiddenFromTheGuest() throws Exception {
        CoreRuntime rt = SimDevicesTest.runtime();
        rt.open(SimDevicesTest.sim(SimDevicesTest.I82576));
        List<VirtualCapabilityDTO> caps = List.of(rt.snapshot().devices[0].capabilities);
        for (VirtualCapabilityDTO c : caps) {
            if (c.space.equals("standard") && (c.id == CapId.MSI || c.id == CapId.MSIX)) {
                assertTrue(c.hidden, c.name + " is shown without a handler");
                assertTrue(c.hiddenReason.startsWith("no handler"), c.hiddenReason);
            }
        }
    }

    @Test
    void noGuestAccessReachesTheDevicesMsixTableOrPbaWithoutAHandler() throws Exception {
        SimulatedDevice phys = SimDevicesTest.sim(SimDevicesTest.I82576);
        List<String> reached = new ArrayList<>();
        phys.addAccessListener(new AccessListener() {
            @Override
            public void configAccess(PciAddress d, boolean write, int offset, int size, int value) {
            }

            @Override
            public void barAccess(PciAddress d, boolean write, int bar, long offset, int size, long value) {
                reached.add(bar + "@" + offset);
            }
        });
        VirtualDevice guest = opened(phys);
        long tableEntry0 = phys.readBar(MSIX_BAR, 0, 4);
        reached.clear();
        for (long off : new long[] {0, 8, 0x98, PBA}) {
            for (int size : new int[] {4, 8}) {
                PciAccessException r = assertThrows(PciAccessException.class, () -> guest.barRead(MSIX_BAR, off, size));
                assertTrue(r.getMessage().contains("MSI-X"), r.getMessage());
                assertThrows(PciAccessException.class, () -> guest.barWrite(MSIX_BAR, off, size, -1L));
            }
        }
        assertEquals(List.of(), reached, "nothing reached the device");
        assertEquals(tableEntry0, phys.readBar(MSIX_BAR, 0, 4), "the host's table entry is unchanged");
    }

    @Test
    void theRestOfTheMsixBarStillReachesTheDevice() throws Exception {
        SimulatedDevice phys = SimDevicesTest.sim(SimDevicesTest.I82576);
        VirtualDevice guest = opened(phys);
        guest.barWrite(MSIX_BAR, 0x1000, 4, 0x12345678);
        assertEquals(0x12345678, phys.readBar(MSIX_BAR, 0x1000, 4));
        assertEquals(0x12345678, guest.barRead(MSIX_BAR, 0x1000, 4));
        assertFalse(guest.barRead(MSIX_BAR, 0x1000, 4) == -1L);
    }
}
