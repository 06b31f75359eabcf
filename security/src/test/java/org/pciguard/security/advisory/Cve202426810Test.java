package org.pciguard.security.advisory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.COMMAND;

import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.irq.recording.RecordingInterruptController.Delivery;
import org.pciguard.security.Concurrently;
import org.pciguard.security.MsixAt;

/**
 * Linux CVE-2024-26810, "vfio/pci: Lock external INTx masking ops": a user's write of DisINTx through
 * config space masked or unmasked INTx without the lock under which the interrupt configuration (INTx,
 * MSI, MSI-X) changed through ioctls, so the two could race into an inconsistent interrupt state.
 * pciguard (SECURITY.md R10, R14): INTx Disable is a virtual bit the router acts on, and each of the
 * router's INTx changes is serialized with its call to the controller. With vCPUs racing INTx Disable
 * against MSI and MSI-X Enable while the function raises INTx and the host acknowledges it, the guest's
 * INTx line only ever alternates assert and deassert, the device's INTx Disable stays the host's, and
 * once the guest settles, INTx works exactly once per assertion.
 */
class Cve202426810Test {

    /** Intel 82576: INTx pin A, MSI, MSI-X; the host runs it with INTx Disable set. */
    private static final String DEVICE = "8086-10c9-82576-gbe-sriov.lspci";
    private static final int ROUNDS = 20_000;
    /** INTx calls (assertions and deassertions) the race must have produced. */
    private static final int RACED = 100;
    private static final long BOUND_SECONDS = 60;

    @Test
    void cve2024_26810_intxDisableRacingInterruptConfigurationLeavesTheLineConsistent() throws Exception {
        Scenario s = new Scenario(DEVICE);
        int msi = s.capability(CapabilitySpace.STANDARD, CapId.MSI).offset();
        MsixAt m = s.msix();
        int hostIntxDisable = s.phys.readConfig(COMMAND, 2) & Command.INTX_DISABLE;
        int decode = Command.MEMORY | Command.MASTER;
        s.guest.write(COMMAND, 2, decode);
        AtomicBoolean stop = new AtomicBoolean();
        Runnable disIntx = () -> {
            Random random = new Random(1);
            // At least ROUNDS writes, and on until INTx has been delivered under the race (bounded).
            for (int k = 0; k < ROUNDS || k < 50 * ROUNDS && (k % 1000 != 0 || s.controller.deliveries().size() < RACED);
                    k++) {
                int command = decode | (random.nextBoolean() ? Command.INTX_DISABLE : 0);
                if (random.nextBoolean()) {
                    s.guest.write(COMMAND, 2, command);
                } else {
                    // A dword write spanning Command and Status, as some drivers do it.
                    s.guest.write(COMMAND, 4, command);
                }
            }
            stop.set(true);
        };
        Runnable configuration = () -> {
            Random random = new Random(2);
            while (!stop.get()) {
                // Each on a quarter of the time, so that INTx has its turns too.
                s.guest.write(msi + Msi.FLAGS, 2, random.nextInt(4) == 0 ? Msi.FLAGS_ENABLE : 0);
                s.guest.write(m.control(), 2, random.nextInt(4) == 0 ? Msix.FLAGS_ENABLE : 0);
            }
        };
        Runnable device = () -> {
            while (!stop.get()) {
                s.phys.raiseInterrupt(InterruptKind.INTX, 0);
            }
        };
        Runnable host = () -> {
            while (!stop.get()) {
                s.router.eoi(s.phys.address());
            }
        };
        Concurrently.run(BOUND_SECONDS, disIntx, configuration, device, host);

        List<Delivery> intx = s.controller.deliveries().stream().filter(d -> d.kind() == InterruptKind.INTX).toList();
        assertTrue(intx.size() >= RACED, "INTx was delivered under the race: " + intx.size());
        for (int k = 0; k < intx.size(); k++) {
            assertEquals(k % 2 == 0, intx.get(k).asserted(), "the guest's INTx line alternates; call " + k);
        }
        assertEquals(hostIntxDisable, s.phys.readConfig(COMMAND, 2) & Command.INTX_DISABLE, "the device's INTx Disable");
        for (Scenario.Access a : s.configWritesTouching(COMMAND + 1)) {
            assertEquals(hostIntxDisable, (int) (a.value() << 8 * (a.offset() - COMMAND)) & Command.INTX_DISABLE,
                    "every write that reached Command kept the host's INTx Disable: " + a);
        }

        // The guest settles on INTx: MSI and MSI-X off, INTx Disable clear; the host acknowledges what is asserted.
        s.guest.write(msi + Msi.FLAGS, 2, 0);
        s.guest.write(m.control(), 2, 0);
        s.guest.write(COMMAND, 2, decode);
        s.router.eoi(s.phys.address());
        s.router.eoi(s.phys.address());
        s.delivered();
        s.phys.raiseInterrupt(InterruptKind.INTX, 0);
        s.phys.raiseInterrupt(InterruptKind.INTX, 0);
        assertEquals(List.of(new Delivery(null, InterruptKind.INTX, 0, 0, true)), s.delivered(), "one assertion");
        s.router.eoi(s.phys.address());
        assertEquals(List.of(new Delivery(null, InterruptKind.INTX, 0, 0, false),
                new Delivery(null, InterruptKind.INTX, 0, 0, true)), s.delivered(), "the held one at EOI");
    }
}
