package org.pciguard.security.advisory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.COMMAND;

import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.irq.dto.RouteDTO;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.irq.InterruptRouterImpl;
import org.pciguard.irq.recording.RecordingInterruptController;
import org.pciguard.irq.recording.RecordingInterruptController.Delivery;
import org.pciguard.security.Concurrently;
import org.pciguard.security.MsixAt;

/**
 * Linux CVE-2024-26812, "vfio/pci: Create persistent INTx handler": the INTx handler was registered
 * and unregistered with the user's eventfd, so deconfiguring INTx while an interrupt or an irqfd
 * callback was in flight could signal through a freed, NULL context (a host crash). pciguard
 * (SECURITY.md R10, R12, R16): the function's interrupt thread raises INTx, MSI and MSI-X without
 * pause while the host resets the function, closes and reopens it, takes the guest's controller away
 * and gives it back, and moves the device to another router and back, and a vCPU reprograms INTx
 * Disable and MSI-X: nothing but a named refusal of a closed device escapes any thread, nothing
 * stays attached to the router the device left, the core logs no error, and at the end INTx works.
 */
class Cve202426812Test {

    /** Intel 82576: INTx pin A, MSI, a 10-entry MSI-X table, FLR. */
    private static final String DEVICE = "8086-10c9-82576-gbe-sriov.lspci";
    private static final int HOST_STEPS = 2_000;
    private static final long BOUND_SECONDS = 60;

    @Test
    void cve2024_26812_deconfiguringWhileInterruptsAreInFlightNeverBreaksAnything() throws Exception {
        Scenario s = new Scenario(DEVICE);
        MsixAt m = s.msix();
        InterruptRouterImpl elsewhere = new InterruptRouterImpl(new RecordingInterruptController());
        AtomicReference<VirtualDevice> open = new AtomicReference<>(s.guest);
        AtomicBoolean stop = new AtomicBoolean();
        int decode = Command.MEMORY | Command.MASTER;

        Runnable device = () -> {
            Random random = new Random(1);
            while (!stop.get()) {
                s.phys.raiseInterrupt(InterruptKind.INTX, 0);
                s.phys.raiseInterrupt(InterruptKind.MSI, 0);
                s.phys.raiseInterrupt(InterruptKind.MSIX, random.nextInt(m.entries()));
            }
        };
        Runnable vcpu = () -> {
            Random random = new Random(2);
            while (!stop.get()) {
                VirtualDevice v = open.get();
                try {
                    v.write(COMMAND, 2, decode | (random.nextBoolean() ? Command.INTX_DISABLE : 0));
                    Scenario.programEntry(v, m, random.nextInt(m.entries()), 0xfee0_0000L, 0x4000, random.nextBoolean());
                    v.write(m.control(), 2, random.nextBoolean() ? Msix.FLAGS_ENABLE : 0);
                } catch (PciAccessException e) {
                    // The host closed this device under the vCPU: a named refusal, nothing else.
                    assertTrue(e.getMessage().startsWith(v.address().toString()), e.getMessage());
                }
            }
        };
        Runnable host = () -> {
            Random random = new Random(3);
            for (int k = 0; k < HOST_STEPS; k++) {
                switch (random.nextInt(4)) {
                    case 0 -> open.get().reset(ResetKind.FLR);
                    case 1 -> {
                        open.get().close();
                        open.set(s.runtime.open(s.phys));
                    }
                    case 2 -> {
                        s.router.setController(null);
                        s.router.setController(s.controller);
                    }
                    default -> {
                        s.runtime.setInterruptRouter(elsewhere);
                        s.runtime.setInterruptRouter(s.router);
                    }
                }
                s.router.eoi(s.phys.address());
            }
            stop.set(true);
        };
        Concurrently.run(BOUND_SECONDS, device, vcpu, host);

        assertEquals(0, elsewhere.snapshot().length, "nothing stays attached to the router the device left");
        for (RouteDTO r : s.router.snapshot()) {
            assertEquals(s.phys.address().toString(), r.device);
        }
        assertTrue(s.log.messages.stream().noneMatch(l -> l.startsWith("ERROR")), s.log.messages.toString());

        // The guest's driver sets INTx up again: MSI-X off, INTx Disable set and cleared. (A router bound under an
        // open device learns the guest's programming as the guest writes it, or at the next reset: after the move
        // back, INTx Disable must change for the router to hear of it.)
        VirtualDevice v = open.get();
        v.write(m.control(), 2, 0);
        v.write(COMMAND, 2, decode | Command.INTX_DISABLE);
        v.write(COMMAND, 2, decode);
        s.router.eoi(s.phys.address());
        s.router.eoi(s.phys.address());
        s.delivered();
        s.phys.raiseInterrupt(InterruptKind.INTX, 0);
        assertEquals(List.of(new Delivery(null, InterruptKind.INTX, 0, 0, true)), s.delivered(), "INTx works");
        v.close();
        s.phys.raiseInterrupt(InterruptKind.INTX, 0);
        s.phys.raiseInterrupt(InterruptKind.MSIX, 0);
        assertEquals(List.of(new Delivery(null, InterruptKind.INTX, 0, 0, false)), s.delivered(),
                "closing deasserts the line, and nothing reaches the guest of a closed device");
    }
}
