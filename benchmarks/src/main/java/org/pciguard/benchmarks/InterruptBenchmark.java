package org.pciguard.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.api.irq.DeviceRoutes;
import org.pciguard.api.irq.GuestInterruptController;
import org.pciguard.api.irq.PendingListener;
import org.pciguard.api.irq.dto.RouteDTO;
import org.pciguard.backend.sim.SimulatedBackend;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.irq.InterruptRouterImpl;

/**
 * Interrupt delivery: a device raises an interrupt, the router decides and hands it to a no-op
 * {@link GuestInterruptController}. Targets: an unmasked MSI-X entry delivered in at most 50 ns, at
 * least 10 M deliveries/s on one core ({@code -bm thrpt -tu s}), no allocation ({@code -prof gc});
 * the same with two threads raising on two devices of one router.
 * <p>
 * Setup proves each benchmark takes the path it names, from the router's counters: one call counts
 * one delivery (delivered paths) or one held interrupt (the masked path).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InterruptBenchmark {

    static final long MSI_ADDRESS = 0xfee0_0000L;
    /** The shipped device of {@link #throughSimBackend}: an 82576 with a 10-entry MSI-X table. */
    static final String DEVICE = "8086-10c9-82576-gbe-sriov";
    static final int ENTRIES = 10;
    static final int UNMASKED = 0;
    static final int MASKED = 1;
    static final int VECTORS = 4;
    static final int VECTOR = 3;

    /** Injects nothing: the router's cost alone. */
    static final class NoOpController implements GuestInterruptController {
        @Override
        public void deliverMsi(PciAddress source, InterruptKind kind, long address, int data) {
        }

        @Override
        public void setIntxLevel(PciAddress source, boolean asserted) {
        }
    }

    /** Nothing to reflect: no capability handler behind the router here. */
    static final PendingListener NO_REGISTERS = (kind, index, pending) -> { };

    /** One router shared by every thread. */
    @State(Scope.Benchmark)
    public static class Router {
        final InterruptRouterImpl router = new InterruptRouterImpl(new NoOpController());
    }

    /** A device per thread, attached to the shared router: MSI-X on, entry 0 unmasked, entry 1 masked. */
    @State(Scope.Thread)
    public static class Device {
        PciAddress address;
        DeviceRoutes routes;

        @Setup
        public void attach(Router shared, ThreadParams thread) {
            address = new PciAddress(0, 1 + thread.getThreadIndex(), 0, 0);
            routes = shared.router.attach(address, NO_REGISTERS);
            program(routes, address);
            expect("msixDelivered", routes, () -> msixDelivered(this), "msix", UNMASKED, 1, 0);
            expect("msixMaskedHeld", routes, () -> msixMaskedHeld(this), "msix", MASKED, 0, 1);
        }

        @TearDown
        public void detach() {
            routes.detach();
        }
    }

    /** A device with MSI on ({@link #VECTORS} vectors, none masked) and MSI-X off. */
    @State(Scope.Thread)
    public static class MsiDevice {
        final PciAddress address = new PciAddress(0, 0x20, 0, 0);
        DeviceRoutes routes;

        @Setup
        public void attach(Router shared) {
            routes = shared.router.attach(address, NO_REGISTERS);
            routes.msi(true, MSI_ADDRESS, 0x4060, VECTORS, 0);
            expect("msiDelivered", routes, () -> msiDelivered(this), "msi", VECTOR, 1, 0);
        }

        @TearDown
        public void detach() {
            routes.detach();
        }
    }

    /** The shipped 82576 raising through the simulated backend into its routes (one thread). */
    @State(Scope.Thread)
    public static class Sim {
        SimulatedDevice device;
        DeviceRoutes routes;

        @Setup
        public void open(Router shared) {
            SimulatedBackend backend = SimulatedBackend.shipped();
            DeviceDTO dto = backend.devices().stream().filter(d -> d.source.startsWith(DEVICE)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no shipped device " + DEVICE));
            device = backend.open(PciAddress.parse(dto.address));
            routes = shared.router.attach(device.address(), NO_REGISTERS);
            program(routes, device.address());
            device.setInterruptListener(routes);
            expect("throughSimBackend", routes, () -> throughSimBackend(this), "msix", UNMASKED, 1, 0);
        }

        @TearDown
        public void close() {
            device.setInterruptListener(null);
            routes.detach();
            device.close();
        }
    }

    /** MSI-X on, entry {@link #UNMASKED} routed, entry {@link #MASKED} masked with its pending bit set. */
    static void program(DeviceRoutes routes, PciAddress address) {
        routes.msix(true, false, ENTRIES);
        routes.msixEntry(UNMASKED, MSI_ADDRESS, 0x4041, false);
        routes.msixEntry(MASKED, MSI_ADDRESS, 0x4042, true);
        routes.interrupt(address, InterruptKind.MSIX, MASKED);
    }

    /** Runs {@code call} once and checks the route's counters moved as the benchmark's name says. */
    static void expect(String name, DeviceRoutes routes, Runnable call, String source, int index, long delivered,
            long held) {
        RouteDTO before = route(routes, source, index);
        call.run();
        RouteDTO after = route(routes, source, index);
        if (after.delivered - before.delivered != delivered || after.held - before.held != held) {
            throw new IllegalStateException(name + " does not take its path: delivered " + before.delivered + " -> "
                    + after.delivered + ", held " + before.held + " -> " + after.held);
        }
    }

    private static RouteDTO route(DeviceRoutes routes, String source, int index) {
        for (RouteDTO r : routes.snapshot()) {
            if (r.source.equals(source) && r.index == index) {
                return r;
            }
        }
        throw new IllegalStateException("no " + source + " route " + index);
    }

    /** An unmasked MSI-X entry delivered to the controller. */
    @Benchmark
    public static void msixDelivered(Device d) {
        d.routes.interrupt(d.address, InterruptKind.MSIX, UNMASKED);
    }

    /** The same on two threads, each raising on its own device of the shared router. */
    @Benchmark
    @Threads(2)
    public static void msixDeliveredTwoThreads(Device d) {
        d.routes.interrupt(d.address, InterruptKind.MSIX, UNMASKED);
    }

    /** A masked MSI-X entry whose pending bit is already set: held and counted. */
    @Benchmark
    public static void msixMaskedHeld(Device d) {
        d.routes.interrupt(d.address, InterruptKind.MSIX, MASKED);
    }

    /** An MSI vector (data with the vector in its low bits). */
    @Benchmark
    public static void msiDelivered(MsiDevice d) {
        d.routes.interrupt(d.address, InterruptKind.MSI, VECTOR);
    }

    /** The simulated function raises an unmasked MSI-X entry: the backend's checks, then the router. */
    @Benchmark
    public static void throughSimBackend(Sim s) {
        s.device.raiseInterrupt(InterruptKind.MSIX, UNMASKED);
    }
}
