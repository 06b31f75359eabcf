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
import org.openjdk.jmh.annotations.Warmup;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sysfs.SysfsBackend;
import org.pciguard.core.CoreRuntime;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * Reads of a real PCI function of this machine through the sysfs backend, <b>read-only</b>, and the
 * same registers through the core on top of it: the core's overhead as a fraction of a real config
 * read; and the capability dword through the 2010 byte-wise baseline ({@link ByteWiseVirtualizer}),
 * whose cost on real hardware is its one device access per byte. Only reads are measured; the backend is opened read-only, so no write can reach the device.
 * <p>
 * The function is the first one sysfs lists that the core can open (type-0 header, 256 or 4096
 * readable bytes, which needs root) and that has a standard capability. Setup watches the device
 * while the core opens it and aborts when the core writes to it, and checks that the guest's
 * capability read reaches the device once and the guest's Vendor ID read (virtual) not at all. On a
 * machine without such a function, setup fails and says why.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SysfsReadBenchmark {

    /** Vendor ID and Device ID. */
    static final int IDS = PciRegs.VENDOR_ID;
    private static final int DWORD = Integer.BYTES;

    private PhysicalDevice device;
    private CoreRuntime runtime;
    private VirtualDevice guest;
    private ByteWiseVirtualizer naive;
    /** The first dword of the function's first standard capability (its id and next pointer). */
    private int capability;

    /** Opens the function read-only, then for a guest, proving the core never writes to it. */
    @Setup
    public void open() {
        SysfsBackend backend = new SysfsBackend(SysfsBackend.DEFAULT_ROOT, false);
        CapabilityMap map = null;
        byte[] snapshot = null;
        for (DeviceDTO d : backend.devices()) {
            if (d.headerType != PciRegs.HEADER_TYPE_NORMAL
                    || d.configSize != PciRegs.CFG_SPACE_SIZE && d.configSize != PciRegs.CFG_SPACE_EXP_SIZE) {
                continue;
            }
            PhysicalDevice candidate = backend.open(PciAddress.parse(d.address));
            byte[] config = CoreSetup.config(candidate);
            CapabilityMap m = new DefaultCapabilityWalker().walk(config);
            if (!m.standard().isEmpty()) {
                device = candidate;
                map = m;
                snapshot = config;
                break;
            }
            candidate.close();
        }
        if (device == null) {
            throw new IllegalStateException("no function under " + SysfsBackend.DEFAULT_ROOT
                    + " with a type-0 header, a full readable config space (run as root) and a capability");
        }
        capability = map.standard().get(0).offset();
        if (device.writable()) {
            throw new IllegalStateException(device.address() + ": the sysfs backend must be read-only here");
        }
        AccessCounter guard = AccessCounter.refusingWrites();
        device.addAccessListener(guard);
        try {
            runtime = CoreSetup.runtime();
            try {
                guest = runtime.open(device);
            } catch (RuntimeException e) {
                throw new IllegalStateException(device.address() + ": opening for a guest failed"
                        + (guard.writes() > 0 ? " after the core WROTE to the device (" + guard.writes() + " writes)" : ""), e);
            }
            if (guard.writes() > 0) {
                throw new IllegalStateException(device.address() + ": the core wrote to the device on open ("
                        + guard.writes() + " writes): aborting");
            }
            guard.expect("guestReadCapability", device, capability, DWORD, 1, 0, this::guestReadCapability);
            guard.expect("guestReadIds", device, IDS, DWORD, 0, 0, this::guestReadIds);
            guard.expect("sysfsReadCapability", device, capability, DWORD, 1, 0, this::sysfsReadCapability);
            naive = CoreSetup.byteWise(device, snapshot, map, guest);
            guard.expect("naiveReadCapability", device, capability + DWORD - 1, 1, DWORD, 0, this::naiveReadCapability);
            if (naive.read(capability, DWORD) != guest.read(capability, DWORD)) {
                throw new IllegalStateException(device.address() + ": the byte-wise baseline and the core read the"
                        + " capability dword at 0x" + Integer.toHexString(capability) + " differently");
            }
        } finally {
            device.removeAccessListener(guard);
        }
        // The function is chosen at run time: name it in the run's log, beside the numbers.
        System.out.println("SysfsReadBenchmark: " + device.describe().description + ", capability "
                + map.standard().get(0).label() + ", opened read-only; the core did not write on open");
    }

    /** Closes the guest view and the device. */
    @TearDown
    public void close() {
        if (guest != null) {
            guest.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (device != null) {
            device.close();
        }
    }

    /** Vendor and Device ID read from sysfs: one {@code pread} of 4 bytes. */
    @Benchmark
    public int sysfsReadIds() {
        return device.readConfig(IDS, DWORD);
    }

    /** The first capability's first dword read from sysfs. */
    @Benchmark
    public int sysfsReadCapability() {
        return device.readConfig(capability, DWORD);
    }

    /** Vendor and Device ID read by the guest: virtual in the header table, no sysfs access. */
    @Benchmark
    public int guestReadIds() {
        return guest.read(IDS, DWORD);
    }

    /** The capability dword read by the guest: the core on top of one sysfs read. */
    @Benchmark
    public int guestReadCapability() {
        return guest.read(capability, DWORD);
    }

    /** The capability dword read by the 2010 byte-wise baseline: four 1-byte sysfs reads. */
    @Benchmark
    public int naiveReadCapability() {
        return naive.read(capability, DWORD);
    }
}
