package org.pciguard.security.advisory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.COMMAND;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.irq.dto.RouteDTO;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.irq.recording.RecordingInterruptController.Delivery;
import org.pciguard.security.Fixtures;
import org.pciguard.security.MsixAt;

/**
 * XSA-237 (CVE-2017-15590), "multiple MSI mapping issues on x86": Xen let a guest disable MSI or
 * MSI-X on devices it did not own, and failure paths of MSI setup tore down part of the interrupts
 * already set up, leaving an inconsistent state (host crash, possibly privilege escalation).
 * pciguard (SECURITY.md R11): one router serves every device, each device's routes are its own, and
 * after every step of any guest's MSI and MSI-X programming (enables in any order, reprogramming,
 * refused accesses in the middle, resets) the router holds exactly what that guest's view says:
 * Enables, entries, masks, pending bits. Another device's routes never change.
 */
class Xsa237Test {

    /** Intel 82576: 64-bit maskable MSI with one vector, a 10-entry MSI-X table in BAR 3. */
    private static final String DEVICE = "8086-10c9-82576-gbe-sriov.lspci";
    /** Realtek RTL8111: another guest's function on the same router. */
    private static final String OTHER = "10ec-8168-rtl8111-gbe.lspci";
    private static final int STEPS = 3000;
    private static final long OTHER_ADDRESS = 0xfee0_9000L;
    private static final int OTHER_DATA = 0x4099;

    @Test
    void xsa237_afterEveryStepOfAnyProgrammingSequenceTheRouterHoldsWhatTheGuestSeesAndNoOtherDevicesRoutes() {
        Scenario s = new Scenario(DEVICE);
        int msi = s.capability(CapabilitySpace.STANDARD, CapId.MSI).offset();
        MsixAt msix = s.msix();
        // Another guest's function, opened in the same runtime, routed through the same router.
        SimulatedDevice otherPhys = Fixtures.freshAt(OTHER, 0x20);
        VirtualDevice other = s.runtime.open(otherPhys);
        MsixAt otherMsix = MsixAt.of(Fixtures.named(OTHER));
        other.write(COMMAND, 2, Command.MEMORY | Command.MASTER);
        other.barWrite(otherMsix.tableBar(), otherMsix.entry(0, Msix.ENTRY_LOWER_ADDR), 8, OTHER_ADDRESS);
        other.barWrite(otherMsix.tableBar(), otherMsix.entry(0, Msix.ENTRY_DATA), 4, OTHER_DATA);
        other.barWrite(otherMsix.tableBar(), otherMsix.entry(0, Msix.ENTRY_VECTOR_CTRL), 4, 0);
        other.write(otherMsix.control(), 2, Msix.FLAGS_ENABLE);
        List<String> otherRoutes = routesOf(s, otherPhys);

        s.guest.write(COMMAND, 2, Command.MEMORY | Command.MASTER);
        Random random = new Random(237);
        int refused = 0;
        for (int step = 0; step < STEPS; step++) {
            String what = step(s, msi, msix, random);
            refused += what.startsWith("refused") ? 1 : 0;
            assertRouterHoldsTheGuestsView(s, msi, msix, "step " + step + " (" + what + ")");
        }
        assertTrue(refused > STEPS / 20, "the sequence had refused accesses in the middle: " + refused);

        assertEquals(otherRoutes, routesOf(s, otherPhys), "the other device's routes never changed");
        s.delivered();
        otherPhys.raiseInterrupt(InterruptKind.MSIX, 0);
        assertEquals(List.of(new Delivery(otherPhys.address(), InterruptKind.MSIX, OTHER_ADDRESS, OTHER_DATA, true)),
                s.controller.deliveries(), "the other device still delivers its own message");
    }

    /** One random step of a guest driver, a confused one or a hostile one; returns what it did. */
    private static String step(Scenario s, int msi, MsixAt msix, Random random) {
        int e = random.nextInt(msix.entries());
        switch (random.nextInt(10)) {
            case 0:
                // Enable and Multiple Message Enable, any value (above Capable too), by word or by dword.
                if (random.nextBoolean()) {
                    s.guest.write(msi + Msi.FLAGS, 2, random.nextInt(0x10000));
                } else {
                    s.guest.write(msi, 4, random.nextInt());
                }
                return "MSI control";
            case 1:
                int field = new int[] {Msi.ADDRESS_LO, Msi.ADDRESS_HI, Msi.DATA_64, Msi.MASK_64}[random.nextInt(4)];
                s.guest.write(msi + field, field == Msi.DATA_64 ? 2 : 4, random.nextInt());
                return "MSI field +" + field;
            case 2:
                s.guest.write(msix.control(), 2, random.nextInt(0x10000));
                return "MSI-X control";
            case 3:
                s.programEntry(msix, e, 0xfee0_0000L | random.nextInt(0x10000) << 4, random.nextInt(), random.nextBoolean());
                return "entry " + e;
            case 4:
                s.guest.barWrite(msix.tableBar(), msix.entry(e, Msix.ENTRY_VECTOR_CTRL), 4, random.nextInt(2));
                return "vector control " + e;
            case 5:
                return refusedTableAccess(s, msix, e, random);
            case 6:
                s.phys.raiseInterrupt(InterruptKind.MSIX, e);
                s.phys.raiseInterrupt(InterruptKind.MSI, 0);
                return "raised";
            case 7:
                if (random.nextInt(10) == 0) {
                    s.guest.reset(ResetKind.FLR);
                    s.guest.write(COMMAND, 2, Command.MEMORY | Command.MASTER);
                    return "reset";
                }
                return "nothing";
            default:
                // Function Mask and Enable together with the rest of the capability's first dword.
                s.guest.write(msix.control() - Msix.FLAGS, 4, random.nextInt());
                return "MSI-X dword";
        }
    }

    /** An access the table refuses: narrow, past the table into the next entry's edge, or a PBA write. */
    private static String refusedTableAccess(Scenario s, MsixAt msix, int e, Random random) {
        long at = msix.entry(e, 4 * random.nextInt(4));
        Runnable access = switch (random.nextInt(4)) {
            case 0 -> () -> s.guest.barWrite(msix.tableBar(), at + random.nextInt(2), 1, random.nextInt());
            case 1 -> () -> s.guest.barWrite(msix.tableBar(), at, 2, random.nextInt());
            case 2 -> () -> s.guest.barWrite(msix.tableBar(), msix.tableEnd() - 4, 8, random.nextLong());
            default -> () -> s.guest.barWrite(msix.pbaBar(), msix.pbaOffset(), 8, -1L);
        };
        assertThrows(PciAccessException.class, access::run);
        return "refused";
    }

    /** The router's MSI and MSI-X routes are what the guest reads back from its capability, table and PBA. */
    private static void assertRouterHoldsTheGuestsView(Scenario s, int msi, MsixAt msix, String step) {
        Map<String, RouteDTO> routes = new HashMap<>();
        for (RouteDTO r : s.routes()) {
            routes.put(r.source + r.index, r);
        }
        int msixControl = s.guest.read(msix.control(), 2);
        boolean msixOn = (msixControl & Msix.FLAGS_ENABLE) != 0;
        boolean functionMask = (msixControl & Msix.FLAGS_MASKALL) != 0;
        long pba = s.guest.barRead(msix.pbaBar(), msix.pbaOffset(), 8);
        for (int e = 0; e < msix.entries(); e++) {
            RouteDTO r = routes.get("msix" + e);
            assertNotNull(r, step + ": no route of entry " + e);
            long address = s.guest.barRead(msix.tableBar(), msix.entry(e, Msix.ENTRY_LOWER_ADDR), 8);
            long data = s.guest.barRead(msix.tableBar(), msix.entry(e, Msix.ENTRY_DATA), 4);
            boolean masked = (s.guest.barRead(msix.tableBar(), msix.entry(e, Msix.ENTRY_VECTOR_CTRL), 4)
                    & Msix.ENTRY_CTRL_MASKBIT) != 0;
            String at = step + ": MSI-X entry " + e;
            assertEquals(address, r.address, at);
            assertEquals((int) data, r.data, at);
            assertEquals(msixOn, r.enabled, at);
            assertEquals(masked || functionMask, r.masked, at);
            assertEquals((pba >>> e & 1) != 0, r.pending, at + " pending bit in the PBA");
        }
        assertTrue(!routes.containsKey("msix" + msix.entries()), step + ": a route past the table");

        int control = s.guest.read(msi + Msi.FLAGS, 2);
        int vectors = 1 << ((control & Msi.FLAGS_QSIZE) >>> Integer.numberOfTrailingZeros(Msi.FLAGS_QSIZE));
        int capable = 1 << ((control & Msi.FLAGS_QMASK) >>> Integer.numberOfTrailingZeros(Msi.FLAGS_QMASK));
        assertTrue(vectors <= capable, step + ": Multiple Message Enable above Capable in the guest's view");
        long address = Integer.toUnsignedLong(s.guest.read(msi + Msi.ADDRESS_LO, 4))
                | (long) s.guest.read(msi + Msi.ADDRESS_HI, 4) << Integer.SIZE;
        int data = s.guest.read(msi + Msi.DATA_64, 2);
        int mask = s.guest.read(msi + Msi.MASK_64, 4);
        int pending = s.guest.read(msi + Msi.PENDING_64, 4);
        for (int v = 0; v < vectors; v++) {
            RouteDTO r = routes.get("msi" + v);
            String at = step + ": MSI vector " + v;
            assertNotNull(r, at);
            assertEquals((control & Msi.FLAGS_ENABLE) != 0 && !msixOn, r.enabled, at);
            assertEquals(address, r.address, at);
            assertEquals(data & -vectors | v, r.data, at);
            assertEquals((mask >>> v & 1) != 0, r.masked, at);
            assertEquals((pending >>> v & 1) != 0, r.pending, at + " pending bit");
        }
        assertTrue(routes.values().stream().noneMatch(r -> r.source.equals("msi") && r.index >= vectors && r.enabled),
                step + ": an MSI vector past the enabled count is routed");
    }

    private static List<String> routesOf(Scenario s, SimulatedDevice phys) {
        return Arrays.stream(s.router.snapshot()).filter(r -> r.device.equals(phys.address().toString()))
                .map(Scenario::render).toList();
    }
}
