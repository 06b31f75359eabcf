package org.pciguard.security.advisory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.COMMAND;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.irq.dto.RouteDTO;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.core.CoreRuntime;
import org.pciguard.irq.InterruptRouterImpl;
import org.pciguard.irq.recording.RecordingInterruptController;
import org.pciguard.irq.recording.RecordingInterruptController.Delivery;
import org.pciguard.security.FaultyDevice;
import org.pciguard.security.Fixtures;
import org.pciguard.security.MsixAt;
import org.pciguard.testing.RecordingLogger;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * cloud-hypervisor #8138, "virtio-devices: Check MSI-X vector bounds before table access": a guest
 * could set a virtio queue's MSI-X vector past the table, and when the device later signalled that
 * vector the VMM indexed its table with it and panicked. pciguard (SECURITY.md R9, R11): which source
 * a function raises is the device's business (a guest can make a device raise anything it has been
 * told to), so the router bounds every index: an MSI-X entry past the table, an MSI vector past the
 * enabled count, a negative index or INTx with an index raise nothing, throw nothing on the
 * interrupt path and change no route; the guest cannot grow the table (Table Size is the device's);
 * the function goes on delivering its real sources.
 */
class CloudHypervisor8138Test {

    /** Intel 82576: 10 MSI-X entries, one MSI vector. */
    private static final String DEVICE = "8086-10c9-82576-gbe-sriov.lspci";
    private static final long ADDRESS = 0xfee0_8000L;
    private static final int DATA = 0x4080;

    @Test
    void ch8138_sourcesPastTheTableOrTheEnabledVectorsRaiseNothingAndChangeNoRoute() {
        RecordingInterruptController controller = new RecordingInterruptController();
        RecordingLogger log = new RecordingLogger();
        InterruptRouterImpl router = new InterruptRouterImpl(controller);
        CoreRuntime rt = Fixtures.runtime(log, router);
        FaultyDevice phys = new FaultyDevice(Fixtures.fresh(DEVICE));
        VirtualDevice guest = rt.open(phys);
        MsixAt m = MsixAt.of(Fixtures.named(DEVICE));
        guest.write(COMMAND, 2, Command.MEMORY | Command.MASTER);
        for (int e = 0; e < m.entries(); e++) {
            guest.barWrite(m.tableBar(), m.entry(e, Msix.ENTRY_LOWER_ADDR), 8, ADDRESS + 16 * e);
            guest.barWrite(m.tableBar(), m.entry(e, Msix.ENTRY_DATA), 4, DATA + e);
            guest.barWrite(m.tableBar(), m.entry(e, Msix.ENTRY_VECTOR_CTRL), 4, 0);
        }
        // The guest tries to grow the table: Table Size is the device's, read-only.
        guest.write(m.control(), 2, Msix.FLAGS_ENABLE | Msix.FLAGS_QSIZE);
        guest.write(m.control() - Msix.FLAGS, 4, -1);
        guest.write(m.control(), 2, Msix.FLAGS_ENABLE);
        assertEquals(m.entries() - 1, guest.read(m.control(), 2) & Msix.FLAGS_QSIZE, "Table Size as the device has it");
        List<String> routes = render(router, phys);
        assertEquals(m.entries(), routes.stream().filter(r -> r.contains(" msix ")).count(), "one route per entry: " + routes);

        for (int e : new int[] {m.entries(), m.entries() + 1, Msix.MAX_ENTRIES - 1, Msix.MAX_ENTRIES, 4096,
            Integer.MAX_VALUE, -1, Integer.MIN_VALUE}) {
            phys.raiseUnchecked(InterruptKind.MSIX, e);
        }
        assertEquals(List.of(), controller.deliveries(), "no MSI-X entry past the table delivered");
        assertEquals(routes, render(router, phys), "no route changed, none added");

        // MSI: one vector enabled; vectors past it, past 32 or negative.
        guest.write(m.control(), 2, 0);
        int msi = new DefaultCapabilityWalker().walk(Fixtures.named(DEVICE).config()).find(CapabilitySpace.STANDARD,
                CapId.MSI).orElseThrow().offset();
        guest.write(msi + Msi.ADDRESS_LO, 4, (int) ADDRESS);
        guest.write(msi + Msi.FLAGS, 2, Msi.FLAGS_ENABLE);
        for (int v : new int[] {1, 2, Msi.MAX_VECTORS - 1, Msi.MAX_VECTORS, -1, Integer.MIN_VALUE}) {
            phys.raiseUnchecked(InterruptKind.MSI, v);
        }
        for (int index : new int[] {1, -1, Integer.MAX_VALUE}) {
            phys.raiseUnchecked(InterruptKind.INTX, index);
        }
        assertEquals(List.of(), controller.deliveries(), "no vector past the enabled one, no INTx with an index");
        for (RouteDTO r : router.snapshot()) {
            assertTrue(!r.enabled || r.source.equals("msi") && r.index == 0, "only MSI vector 0 is routed: " + r);
        }

        phys.raiseUnchecked(InterruptKind.MSI, 0);
        assertEquals(List.of(new Delivery(phys.address(), InterruptKind.MSI, ADDRESS, 0, true)), controller.deliveries(),
                "the function goes on delivering");
        assertEquals(List.of(), log.messages, "nothing logged");
    }

    private static List<String> render(InterruptRouterImpl router, FaultyDevice phys) {
        return Arrays.stream(router.snapshot()).filter(r -> r.device.equals(phys.address().toString())).map(Scenario::render)
                .toList();
    }
}
