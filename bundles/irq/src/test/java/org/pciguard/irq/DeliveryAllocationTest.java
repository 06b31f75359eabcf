package org.pciguard.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.irq.DeviceRoutes;
import org.pciguard.api.irq.GuestInterruptController;

/** Delivery allocates nothing: unmasked MSI-X and MSI, masked (pending) raises, INTx with its EOI. */
class DeliveryAllocationTest {

    private static final int ROUNDS = 100_000;
    /** Far below one small object per delivery (6 calls a round); room for the measurement's own noise. */
    private static final long BUDGET_BYTES = 64 * 1024;

    /** Counts what it is given, allocating nothing. */
    static final class Counting implements GuestInterruptController {
        long messages;
        long levels;

        @Override
        public void deliverMsi(PciAddress source, InterruptKind kind, long address, int data) {
            messages += data;
        }

        @Override
        public void setIntxLevel(PciAddress source, boolean asserted) {
            levels++;
        }
    }

    @Test
    void deliveringAllocatesNothing() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "this JVM cannot measure a thread's allocations");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "thread allocation accounting is off in this JVM");
        Counting controller = new Counting();
        InterruptRouterImpl router = new InterruptRouterImpl(controller);
        DeviceRoutes routes = router.attach(RouterFixture.DEVICE, (kind, index, pending) -> { });
        routes.intx(true);
        routes.msix(true, false, 4);
        routes.msixEntry(0, RouterFixture.ADDRESS, 1, false);
        routes.msixEntry(1, RouterFixture.ADDRESS, 1, true);

        run(routes);   // warm up: class loading, JIT
        long before = threads.getCurrentThreadAllocatedBytes();
        run(routes);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < BUDGET_BYTES, ROUNDS * 6 + " calls allocated " + allocated + " bytes");
        assertEquals(2L * ROUNDS, controller.messages);
        assertEquals(2L * ROUNDS * 2, controller.levels, "MSI-X off for INTx: asserted and deasserted each round");
    }

    private static void run(DeviceRoutes routes) {
        PciAddress d = RouterFixture.DEVICE;
        for (int i = 0; i < ROUNDS; i++) {
            routes.interrupt(d, InterruptKind.MSIX, 0);   // delivered
            routes.interrupt(d, InterruptKind.MSIX, 1);   // masked: pending once, then held
            routes.msix(false, false, 4);
            routes.interrupt(d, InterruptKind.INTX, 0);   // asserted
            routes.eoi();                                 // deasserted
            routes.msix(true, false, 4);
        }
    }
}
