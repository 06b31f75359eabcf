package org.pciguard.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.pciguard.host.Host;

/**
 * The embedded OSGi host: boot to ready, a capability handler bundle hot-installed under many open
 * devices (install to takeover), and the heap that many open simulated devices retain. Each is a
 * single shot: the numbers a host sees once, not a loop's steady state.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class HostBenchmark {

    /** The handler bundle held back and hot-installed: Power Management, which the generated functions have. */
    static final String HANDLER = "cap-pm.jar";

    /**
     * A fresh JVM boots the host (Felix, SCR, Config Admin, Metatype, Gogo, every pciguard bundle) until
     * every bundle is active and the services are up, and lists the shipped devices: what
     * {@code ./pciguard} does before its command. One shot per fork, so each is a cold JVM.
     */
    @Benchmark
    @Fork(5)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public String bootAndListShippedDevices() throws Exception {
        try (Host host = Host.boot(SimulatedHost.home(), Set.of(), false)) {
            return SimulatedHost.run(host, "pci:list");
        }
    }

    /** A host with {@link #devices} generated functions open, the PM handler held back. */
    @State(Scope.Benchmark)
    public static class OpenDevices {

        @Param("1000")
        public int devices;

        SimulatedHost host;
        Path handler;
        Bundle installed;

        @Setup(Level.Trial)
        public void boot() throws Exception {
            host = SimulatedHost.boot(devices, Set.of(HANDLER));
            host.openAll();
            handler = SimulatedHost.home().resolve(Host.BUNDLES).resolve(HANDLER);
        }

        /** Checks the takeover (every open function's PM served by the bundle), then removes it again. */
        @TearDown(Level.Iteration)
        public void uninstall() throws Exception {
            String handlers = SimulatedHost.run(host.host, "pci:handlers");
            long served = handlers.lines().filter(l -> l.contains(" PM served by org.pciguard.cap.pm ")).count();
            if (served != devices) {
                throw new IllegalStateException("PM served by the installed bundle on " + served + " of " + devices
                        + " open functions");
            }
            installed.uninstall();
        }

        @TearDown(Level.Trial)
        public void close() {
            host.close();
        }
    }

    /**
     * Installs and starts the PM handler bundle while {@code devices} functions are open; returns once
     * it serves all of them (DS binds it to the core, which swaps every open device's tables, before
     * the bundle's start returns; the iteration's tear-down checks it in the runtime DTO).
     */
    @Benchmark
    @Fork(1)
    @Warmup(iterations = 3)
    @Measurement(iterations = 10)
    public Bundle hotInstallUnderOpenDevices(OpenDevices s) throws BundleException {
        s.installed = s.host.host.install(s.handler);
        return s.installed;
    }

    /** A host whose simulated backend offers {@link #devices} functions, none open yet. */
    @State(Scope.Benchmark)
    public static class ManyDevices {

        @Param("10000")
        public int devices;

        SimulatedHost host;
        long heapBefore;

        @Setup(Level.Trial)
        public void boot() throws Exception {
            host = SimulatedHost.boot(devices, Set.of());
            heapBefore = usedHeapAfterGc();
        }

        @TearDown(Level.Trial)
        public void close() {
            host.close();
        }
    }

    /** The heap retained per open function, reported beside the time to open them all. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Retained {
        /** Bytes of heap retained per open simulated function (backend model, virtual device, shell entry). */
        public long bytesPerDevice;
        /** MiB of heap retained by all of them. */
        public long totalMiB;
    }

    /** Opens {@code devices} simulated functions for guests; the retained heap goes to {@link Retained}. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-Xmx2g")
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public void openManyDevices(ManyDevices s, Retained retained) throws Exception {
        s.host.openAll();
        long bytes = usedHeapAfterGc() - s.heapBefore;
        retained.bytesPerDevice = bytes / s.devices;
        retained.totalMiB = bytes >> 20;
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
