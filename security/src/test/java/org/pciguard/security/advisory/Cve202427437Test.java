package org.pciguard.security.advisory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pciguard.api.regs.PciRegs.COMMAND;

import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.irq.recording.RecordingInterruptController.Delivery;
import org.pciguard.security.Concurrently;

/**
 * Linux CVE-2024-27437, "vfio/pci: Disable auto-enable of exclusive INTx IRQ": for a function without
 * DisINTx support vfio masked INTx at the irqchip; request_irq enabled the line and vfio disabled it
 * right after to match its masked state, and an interrupt in between disabled it a second time. The
 * disable depth then never returned to zero: INTx was lost for good. pciguard (SECURITY.md R10):
 * masking INTx is a state, not a depth: however many times the guest sets INTx Disable, and whatever
 * the function raises meanwhile or while the line awaits the host's EOI, one assertion is held; one
 * clear of INTx Disable and the host's EOIs always bring delivery back.
 */
class Cve202427437Test {

    /** Intel 82576: INTx pin A. */
    private static final String DEVICE = "8086-10c9-82576-gbe-sriov.lspci";
    private static final Delivery ASSERT = new Delivery(null, InterruptKind.INTX, 0, 0, true);
    private static final Delivery DEASSERT = new Delivery(null, InterruptKind.INTX, 0, 0, false);
    private static final int DECODE = Command.MEMORY | Command.MASTER;
    private static final int ROUNDS = 200;
    private static final long BOUND_SECONDS = 60;

    @Test
    void cve2024_27437_maskingIntxAnyNumberOfTimesNeverLosesIt() {
        Scenario s = new Scenario(DEVICE);
        // Masked again and again, three different ways, with interrupts raised in between: one held.
        for (int k = 0; k < 10; k++) {
            s.guest.write(COMMAND + 1, 1, Command.INTX_DISABLE >>> 8);
            s.phys.raiseInterrupt(InterruptKind.INTX, 0);
            s.guest.write(COMMAND, 2, DECODE | Command.INTX_DISABLE);
            s.guest.write(COMMAND, 4, DECODE | Command.INTX_DISABLE);
        }
        assertEquals(List.of(), s.delivered(), "masked");
        s.guest.write(COMMAND, 2, DECODE);
        assertEquals(List.of(ASSERT), s.delivered(), "one clear delivers the held assertion");

        // Raised again and again while the line awaits EOI: one held.
        for (int k = 0; k < 5; k++) {
            s.phys.raiseInterrupt(InterruptKind.INTX, 0);
        }
        assertEquals(List.of(), s.delivered());
        s.router.eoi(s.phys.address());
        assertEquals(List.of(DEASSERT, ASSERT), s.delivered(), "the held assertion at EOI");
        s.router.eoi(s.phys.address());
        assertEquals(List.of(DEASSERT), s.delivered());
        s.phys.raiseInterrupt(InterruptKind.INTX, 0);
        assertEquals(List.of(ASSERT), s.delivered(), "delivery is back");
    }

    @Test
    void cve2024_27437_racingMasksRaisesAndEoisNeverLeaveIntxStuck() throws Exception {
        Scenario s = new Scenario(DEVICE);
        for (int round = 0; round < ROUNDS; round++) {
            AtomicBoolean stop = new AtomicBoolean();
            int seed = round;
            Runnable masker = () -> {
                Random random = new Random(seed);
                for (int k = 0; k < 50; k++) {
                    s.guest.write(COMMAND, 2, DECODE | (random.nextInt(3) == 0 ? 0 : Command.INTX_DISABLE));
                }
                stop.set(true);
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
            Concurrently.run(BOUND_SECONDS, masker, device, host);
            // Settle: unmask once, acknowledge what is asserted (twice: a held assertion is delivered at the first).
            s.guest.write(COMMAND, 2, DECODE);
            s.router.eoi(s.phys.address());
            s.router.eoi(s.phys.address());
            s.delivered();
            s.phys.raiseInterrupt(InterruptKind.INTX, 0);
            assertEquals(List.of(ASSERT), s.delivered(), "round " + round + ": INTx is delivered");
            s.router.eoi(s.phys.address());
            assertEquals(List.of(DEASSERT), s.delivered(), "round " + round);
        }
    }
}
