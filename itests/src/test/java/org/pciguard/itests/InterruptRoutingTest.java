package org.pciguard.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.Hashtable;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PciBackend;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.api.irq.GuestInterruptController;
import org.pciguard.api.irq.InterruptRouter;
import org.pciguard.api.irq.dto.RouteDTO;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.VirtualizationRuntime;
import org.pciguard.api.virt.dto.VirtualDeviceDTO;

/**
 * The interrupt router in Felix: the runtime routes an open device through it, it delivers to the
 * {@link GuestInterruptController} service of highest rank, rebinding greedily as controllers come and
 * go, and the host's EOI reaches it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class InterruptRoutingTest extends FrameworkTest {

    /** Intel 82576: INTx on pin A. */
    private static final int I82576 = 0x10c9;

    /** A controller whose calls can be awaited. */
    static final class Queue implements GuestInterruptController {
        final BlockingQueue<String> calls = new LinkedBlockingQueue<>();

        @Override
        public void deliverMsi(PciAddress source, InterruptKind kind, long address, int data) {
            calls.add(kind + " " + source);
        }

        @Override
        public void setIntxLevel(PciAddress source, boolean asserted) {
            calls.add((asserted ? "assert " : "deassert ") + source);
        }

        String next() throws InterruptedException {
            return calls.poll(PciguardOptions.TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    private ServiceRegistration<GuestInterruptController> register(Queue controller, int ranking) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(Constants.SERVICE_RANKING, ranking);
        return context.registerService(GuestInterruptController.class, controller, p);
    }

    @Test
    public void anOpenDeviceIsRoutedToTheControllerOfHighestRank() throws Exception {
        InterruptRouter router = services.await(InterruptRouter.class).getService();
        VirtualizationRuntime runtime = services.await(VirtualizationRuntime.class).getService();
        PciBackend sim = services.await(PciBackend.class, SIM).getService();
        DeviceDTO dto = sim.devices().stream().filter(d -> d.deviceId == I82576).findFirst().orElseThrow();
        PciAddress address = PciAddress.parse(dto.address);
        Queue low = new Queue();
        Queue high = new Queue();
        ServiceRegistration<GuestInterruptController> lowRegistration = register(low, 0);
        try (PhysicalDevice device = sim.open(address)) {
            VirtualDevice guest = runtime.open(device);
            try {
                device.raiseInterrupt(InterruptKind.INTX, 0);
                assertEquals("assert " + address, low.next());
                router.eoi(address);
                assertEquals("deassert " + address, low.next());

                ServiceRegistration<GuestInterruptController> highRegistration = register(high, 10);
                device.raiseInterrupt(InterruptKind.INTX, 0);
                assertEquals("the higher rank takes over", "assert " + address, high.next());
                router.eoi(address);
                assertEquals("deassert " + address, high.next());
                highRegistration.unregister();
                device.raiseInterrupt(InterruptKind.INTX, 0);
                assertEquals("back to the one left", "assert " + address, low.next());
                assertNull(high.calls.poll());

                RouteDTO intx = intx(runtime, address);
                assertEquals(3, intx.delivered);
                assertTrue("awaiting EOI", intx.masked);
            } finally {
                guest.close();
            }
            assertEquals("close deasserts the line", "deassert " + address, low.next());
            assertEquals(0, router.snapshot().length);
        } finally {
            lowRegistration.unregister();
        }
    }

    private static RouteDTO intx(VirtualizationRuntime runtime, PciAddress address) {
        for (VirtualDeviceDTO d : runtime.snapshot().devices) {
            for (RouteDTO r : d.address.equals(address.toString()) ? d.interrupts : new RouteDTO[0]) {
                if (r.source.equals("intx")) {
                    return r;
                }
            }
        }
        throw new AssertionError("no INTx route of " + address + " in the runtime's snapshot");
    }
}
