package org.pciguard.security.advisory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.security.Fixtures;
import org.pciguard.testing.Shipped;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * XSA-129 (QEMU CVE-2015-4104), "PCI MSI mask bits inadvertently exposed to Xen HVM guests": QEMU let
 * the guest write the per-vector MSI mask bits the hypervisor uses for its own interrupt flow
 * control, so a guest could mask or unmask the host's interrupts (unexpected interrupts, host crash).
 * The fix emulated the bits. pciguard (SECURITY.md R8, DESIGN.md difference 2): the mask and pending
 * bits are virtual; the guest reads back what it wrote, the device's mask register never changes.
 */
class Xsa129Test {

    @Test
    void xsa129_guestMsiMaskBitsNeverReachTheDevice() {
        DeviceImage maskable = Shipped.type0().filter(Xsa129Test::maskableMsi).findFirst()
                .orElseThrow(() -> new AssertionError("no shipped type-0 function with per-vector MSI masking"));
        Scenario s = new Scenario(maskable);
        Capability msi = s.capability(CapabilitySpace.STANDARD, CapId.MSI);
        boolean wide = (s.phys.readConfig(msi.offset() + Msi.FLAGS, 2) & Msi.FLAGS_64BIT) != 0;
        int mask = msi.offset() + (wide ? Msi.MASK_64 : Msi.MASK_32);
        int hostMask = s.phys.readConfig(mask, 4);
        s.guest.write(mask, 4, -1);
        int guestView = s.guest.read(mask, 4);
        assertEquals(hostMask, s.phys.readConfig(mask, 4), "the device's mask is the host's");
        s.guest.write(mask, 4, 0);
        s.guest.write(mask, 1, 1);
        assertEquals(hostMask, s.phys.readConfig(mask, 4));
        assertEquals(1, s.guest.read(mask, 4) & 1, "the guest sees the mask it wrote");
        assertEquals(1, guestView & 1, "the guest masked vector 0 in its view");
        assertEquals(0, s.configWritesTouching(mask).size(), "no write reached the mask register");
    }

    private static boolean maskableMsi(DeviceImage image) {
        return new DefaultCapabilityWalker().walk(image.config()).find(CapabilitySpace.STANDARD, CapId.MSI)
                .map(c -> (image.config()[c.offset() + Msi.FLAGS + 1] & (Msi.FLAGS_MASKBIT >>> 8)) != 0).orElse(false);
    }
}
