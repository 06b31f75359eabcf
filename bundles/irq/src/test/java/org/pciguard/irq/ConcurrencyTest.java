package org.pciguard.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.irq.DeviceRoutes;
import org.pciguard.api.irq.GuestInterruptController;
import org.pciguard.api.irq.PendingListener;
import org.pciguard.api.irq.dto.RouteDTO;

/** Raises on backend threads racing a guest that masks and unmasks: nothing lost, nothing counted twice. */
class ConcurrencyTest {

    private static final int RAISES = 200_000;
    private static final int TOGGLES = 20_000;

    @Test
    void raisesRacingMaskChangesAreEachDeliveredOrHeldAndThePendingBitEndsRight() throws Exception {
        AtomicLong calls = new AtomicLong();
        GuestInterruptController controller = new GuestInterruptController() {
            @Override
            public void deliverMsi(PciAddress source, InterruptKind kind, long address, int data) {
                calls.incrementAndGet();
            }

            @Override
            public void setIntxLevel(PciAddress source, boolean asserted) {
            }
        };
        InterruptRouterImpl router = new InterruptRouterImpl(controller);
        boolean[] pba = new boolean[1];
        DeviceRoutes[] routes = new DeviceRoutes[1];
        // As the core does: the listener serializes on its own lock and reads the current bit there.
        PendingListener listener = (kind, index, pending) -> {
            synchronized (pba) {
                pba[0] = routes[0].pending(kind, index);
            }
        };
        routes[0] = router.attach(RouterFixture.DEVICE, listener);
        DeviceRoutes r = routes[0];
        r.msix(true, false, 1);
        r.msixEntry(0, RouterFixture.ADDRESS, 1, false);

        ExecutorService pool = Executors.newFixedThreadPool(3);
        CyclicBarrier start = new CyclicBarrier(3);
        try {
            Future<?> a = pool.submit(() -> raise(r, start));
            Future<?> b = pool.submit(() -> raise(r, start));
            Future<?> guest = pool.submit(() -> {
                await(start);
                for (int i = 0; i < TOGGLES; i++) {
                    r.msixEntry(0, RouterFixture.ADDRESS, 1, (i & 1) == 0);
                }
                return null;
            });
            a.get(60, TimeUnit.SECONDS);
            b.get(60, TimeUnit.SECONDS);
            guest.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        RouteDTO route = r.snapshot()[0];
        assertFalse(route.masked, "the guest's last write unmasked the entry");
        assertFalse(route.pending, "an unmasked entry delivered what was pending");
        synchronized (pba) {
            assertFalse(pba[0], "the listener's view ends as the router's");
        }
        assertEquals(calls.get(), route.delivered, "every delivery counted once");
        assertTrue(route.delivered + route.held >= 2L * RAISES, "every raise delivered or held");
        assertTrue(route.delivered <= 2L * RAISES, "never more deliveries than raises");
    }

    private static Void raise(DeviceRoutes r, CyclicBarrier start) {
        await(start);
        for (int i = 0; i < RAISES; i++) {
            r.interrupt(RouterFixture.DEVICE, InterruptKind.MSIX, 0);
        }
        return null;
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
