package org.pciguard.security.advisory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.virt.DeviceOptions;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.dto.VirtualCapabilityDTO;
import org.pciguard.api.virt.dto.VirtualDeviceDTO;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;
import org.pciguard.security.Fixtures;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * XSA-124, "Non-standard PCI device functionality may render pass-through insecure": devices have
 * undocumented registers (often in config space outside every capability, or in capabilities the
 * virtualizer does not know) through which a guest may control parts of the host. pciguard cannot
 * know them, so unknown means read-only (SECURITY.md R6): bytes outside every capability and bytes of
 * hidden capabilities read through but are never written by a guest, unless the device is
 * configured {@code permissive}; each such write is counted.
 */
class Xsa124Test {

    /** Micron 3400 NVMe: hidden extended capabilities (Secondary PCIe, Data Link, 16 GT/s...) and gaps. */
    private static final String DEVICE = "1344-5407-micron3400-nvme.lspci";

    @Test
    void xsa124_guestWritesOutsideEveryKnownCapabilityNeverReachTheDevice() {
        Scenario s = new Scenario(DEVICE);
        CapabilityMap map = new DefaultCapabilityWalker().walk(s.image.config());
        VirtualDeviceDTO dto = s.runtime.snapshot().devices[0];
        int gaps = 0;
        int hidden = 0;
        for (int off = 0x40; off < s.guest.configSize(); off += 4) {
            Capability owner = map.ownerOf(off).orElse(null);
            boolean isHidden = owner != null && isHidden(dto, owner);
            if (owner == null || isHidden) {
                byte[] before = s.device();
                s.guest.write(off, 4, -1);
                s.guest.write(off, 4, 0);
                assertArrayEquals(before, s.device(), "guest write at 0x" + Integer.toHexString(off) + " reached the device");
                gaps += owner == null ? 1 : 0;
                hidden += isHidden ? 1 : 0;
            }
        }
        assertTrue(gaps > 0 && hidden > 0, "the dump has gaps (" + gaps + ") and hidden capabilities (" + hidden + ")");
        assertEquals(2L * (gaps + hidden), s.runtime.snapshot().devices[0].deniedWrites, "every dropped write is counted");
    }

    @Test
    void xsa124_permissiveIsTheOnlyWayToGiveThoseBytesToTheGuest() {
        SimulatedDevice phys = Fixtures.fresh(DEVICE);
        CoreRuntime rt = Fixtures.runtime();
        VirtualDevice v = rt.open(phys, new DeviceOptions(true, Set.of(), Set.of()));
        CapabilityMap map = new DefaultCapabilityWalker().walk(Fixtures.named(DEVICE).config());
        int gap = -1;
        for (int off = 0x40; off < v.configSize() && gap < 0; off += 4) {
            if (map.ownerOf(off).isEmpty()) {
                gap = off;
            }
        }
        int before = phys.readConfig(gap, 4);
        int at = gap;
        java.util.concurrent.atomic.AtomicInteger reached = new java.util.concurrent.atomic.AtomicInteger();
        phys.addAccessListener(new org.pciguard.api.access.AccessListener() {
            @Override
            public void configAccess(org.pciguard.api.access.PciAddress d, boolean write, int offset, int size, int value) {
                if (write && offset == at) {
                    reached.incrementAndGet();
                }
            }

            @Override
            public void barAccess(org.pciguard.api.access.PciAddress d, boolean write, int bar, long offset, int size,
                    long value) {
            }
        });
        v.write(gap, 4, ~before);
        assertEquals(1, reached.get(), "the write reached the device");
        assertEquals(1, rt.snapshot().devices.length);
        assertTrue(rt.snapshot().devices[0].permissive);
        assertEquals(0, rt.snapshot().devices[0].deniedWrites, "a permissive device passes the write on");
    }

    private static boolean isHidden(VirtualDeviceDTO dto, Capability c) {
        for (VirtualCapabilityDTO v : dto.capabilities) {
            if (v.offset == c.offset() && v.space.equals(c.space().property())) {
                return v.hidden;
            }
        }
        return false;
    }
}
