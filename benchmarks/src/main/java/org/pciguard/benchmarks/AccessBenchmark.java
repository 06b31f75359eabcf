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
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Exp;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.SimulatedBackend;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * The guest access path of the core over a simulated 4 KiB PCI Express function, 4-byte accesses,
 * one vCPU thread. Targets: a virtual or constant read at most 25 ns; a passthrough read at most
 * 50 ns above {@link #backendRead} (the same register read directly from the simulated function);
 * a write at most 60 ns; no allocation on any of these paths ({@code -prof gc}).
 * {@code naiveRead*} is the 2010 VFIO byte-wise path ({@link ByteWiseVirtualizer}) on the same
 * device and tables.
 * <p>
 * Setup proves each benchmark takes the path it names: it counts the device accesses of one call
 * (none for virtual and constant registers, one read for a passthrough read, one read and one write
 * for a passthrough write, one 1-byte read per byte for the naive passthrough read) and checks that
 * the naive and the core read the same values.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AccessBenchmark {

    /** The shipped device: an 82576 SR-IOV NIC, 4 KiB, PM, MSI, MSI-X, PCIe, AER, DSN, ARI, SR-IOV. */
    static final String DEVICE = "8086-10c9-82576-gbe-sriov";
    /** BAR0: every bit virtual in the header table (guest BARs are emulated, difference 4). */
    static final int VIRTUAL = PciRegs.BASE_ADDRESS_0;
    /**
     * Revision ID and Class Code: every bit constant in the header table, served from the open-time
     * snapshot. (Vendor and Device ID at 0x00 are virtual in that table, so they would measure the
     * virtual path again.)
     */
    static final int CONSTANT = PciRegs.REVISION_ID;
    /** Command (with Status above it): Bus Master is a device bit the guest may write. */
    static final int COMMAND = PciRegs.COMMAND;
    private static final int DWORD = Integer.BYTES;

    private SimulatedDevice device;
    private CoreRuntime runtime;
    private VirtualDevice guest;
    private ByteWiseVirtualizer naive;
    /** PCI Express Device Control and Device Status: no handler, so read-only passthrough for the guest. */
    private int passthrough;
    /** The guest's Command dword, toggled between writes. */
    private int command;
    /** The guest's BAR0 value, toggled between all-ones (sizing) and 0. */
    private int bar;

    /** Opens {@link #DEVICE} for a guest and checks every benchmark's path. */
    @Setup
    public void open() {
        SimulatedBackend backend = SimulatedBackend.shipped();
        DeviceDTO dto = backend.devices().stream().filter(d -> d.source.startsWith(DEVICE)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no shipped device " + DEVICE));
        device = backend.open(PciAddress.parse(dto.address));
        runtime = CoreSetup.runtime();
        guest = runtime.open(device);

        byte[] snapshot = CoreSetup.config(device);
        CapabilityMap map = new DefaultCapabilityWalker().walk(snapshot);
        Capability express = map.find(CapabilitySpace.STANDARD, CapId.EXP)
                .orElseThrow(() -> new IllegalStateException(DEVICE + " has no PCI Express capability"));
        passthrough = express.offset() + Exp.DEVCTL;
        naive = CoreSetup.byteWise(device, snapshot, map, guest);
        command = guest.read(COMMAND, DWORD) & 0xffff;
        bar = guest.read(VIRTUAL, DWORD);
        checkPaths();
    }

    private void checkPaths() {
        AccessCounter counter = AccessCounter.counting();
        device.addAccessListener(counter);
        try {
            counter.expect("readVirtual", device, VIRTUAL, DWORD, 0, 0, this::readVirtual);
            counter.expect("readConstant", device, CONSTANT, DWORD, 0, 0, this::readConstant);
            counter.expect("readPassthrough", device, passthrough, DWORD, 1, 0, this::readPassthrough);
            counter.expect("backendRead", device, passthrough, DWORD, 1, 0, this::backendRead);
            counter.expect("naiveReadVirtual", device, VIRTUAL, DWORD, 0, 0, this::naiveReadVirtual);
            counter.expect("naiveReadPassthrough", device, passthrough + DWORD - 1, 1, DWORD, 0,
                    this::naiveReadPassthrough);
            for (int round = 0; round < 2; round++) { // twice: back to the state at open
                counter.expect("writePassthrough", device, COMMAND, DWORD, 1, 1, this::writePassthrough);
                counter.expect("writeVirtual", device, VIRTUAL, DWORD, 0, 0, this::writeVirtual);
            }
        } finally {
            device.removeAccessListener(counter);
        }
        sameValue("virtual", VIRTUAL);
        sameValue("passthrough", passthrough);
    }

    private void sameValue(String what, int offset) {
        int ours = guest.read(offset, DWORD);
        int theirs = naive.read(offset, DWORD);
        if (ours != theirs) {
            throw new IllegalStateException("the byte-wise baseline reads " + what + " register 0x"
                    + Integer.toHexString(offset) + " as 0x" + Integer.toHexString(theirs) + ", the core as 0x"
                    + Integer.toHexString(ours));
        }
    }

    /** Closes the guest view and the device. */
    @TearDown
    public void close() {
        guest.close();
        device.close();
        runtime.close();
    }

    /** Guest read of BAR0, all bits virtual: one load of the shadow, no device access. */
    @Benchmark
    public int readVirtual() {
        return guest.read(VIRTUAL, DWORD);
    }

    /** Guest read of Revision ID and Class Code, all bits constant: served from the snapshot. */
    @Benchmark
    public int readConstant() {
        return guest.read(CONSTANT, DWORD);
    }

    /** Guest read of PCIe Device Control/Status: one 4-byte device read under the device lock. */
    @Benchmark
    public int readPassthrough() {
        return guest.read(passthrough, DWORD);
    }

    /** The same register read directly from the simulated function: the floor of {@link #readPassthrough}. */
    @Benchmark
    public int backendRead() {
        return device.readConfig(passthrough, DWORD);
    }

    /** Guest write of Command with Bus Master toggled: one device read-modify-write at 4 bytes. */
    @Benchmark
    public void writePassthrough() {
        command ^= Command.MASTER;
        guest.write(COMMAND, DWORD, command);
    }

    /** Guest write of BAR0, all-ones (sizing) and 0 in turn: shadow only. */
    @Benchmark
    public void writeVirtual() {
        bar = ~bar;
        guest.write(VIRTUAL, DWORD, bar);
    }

    /** The 2010 byte-wise path reading PCIe Device Control/Status: four 1-byte device reads. */
    @Benchmark
    public int naiveReadPassthrough() {
        return naive.read(passthrough, DWORD);
    }

    /** The 2010 byte-wise path reading BAR0 from its shadow. */
    @Benchmark
    public int naiveReadVirtual() {
        return naive.read(VIRTUAL, DWORD);
    }
}
