package org.pciguard.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pciguard.api.regs.PciRegs.Err.CAP;
import static org.pciguard.api.regs.PciRegs.Err.COR_MASK;
import static org.pciguard.api.regs.PciRegs.Err.COR_STATUS;
import static org.pciguard.api.regs.PciRegs.Err.ROOT_STATUS;
import static org.pciguard.api.regs.PciRegs.Err.UNCOR_MASK;
import static org.pciguard.api.regs.PciRegs.Err.UNCOR_SEVER;
import static org.pciguard.api.regs.PciRegs.Err.UNCOR_STATUS;
import static org.pciguard.conformance.Functions.capability;
import static org.pciguard.testing.ConfigBytes.get;
import static org.pciguard.testing.ConfigBytes.put;
import static org.pciguard.testing.Shipped.fresh;
import static org.pciguard.testing.Shipped.image;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs.Err;
import org.pciguard.api.regs.PciRegs.ExtCapId;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;

/**
 * The AER handler in the real core on every shipped function that shows AER to its guest: every
 * write against reference 2.12 with DESIGN.md's differences, then the RW1C rules by name.
 */
class AerConformanceTest {

    /** Reference 2.12's write mask of the uncorrectable registers, as vfio spells it. */
    private static final int VFIO_UNCOR = 0x03fff031;
    /** Reference 2.12's write mask of the correctable registers. */
    private static final int VFIO_COR = 0x0000f1c1;
    /** Reference 2.12's write mask of Advanced Error Capabilities and Control: the ECRC enables. */
    private static final int VFIO_CAP = 0x00000140;
    /** The newer uncorrectable errors (poisoned TLP egress blocked and above): RW1C in hardware, outside vfio's mask. */
    private static final int NEWER = Err.UNC_POISON_BLK | Err.UNC_DMWR_BLK | Err.UNC_IDE_CHECK | Err.UNC_MISR_IDE
            | Err.UNC_PCRC_CHECK | Err.UNC_XLAT_BLK;
    /** A NIC with AER at 0x100. */
    private static final String NIC = "8086-10c9-82576-gbe-sriov.lspci";

    private final CoreRuntime runtime = Functions.runtime();
    private final List<VirtualDevice> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(VirtualDevice::close);
        runtime.close();
    }

    static Stream<Arguments> showingAer() {
        return Functions.showing(CapabilitySpace.EXTENDED, ExtCapId.ERR);
    }

    /** Reference 2.12, line by line, then the RW1C bits of the hardware (PCIe 6.0, 7.8.4). */
    static CapabilityReference reference(Capability cap) {
        return new CapabilityReference(cap.length())
                .vfio(0, 4, -1, 0)
                .vfio(UNCOR_STATUS, 4, 0, VFIO_UNCOR)
                .vfio(UNCOR_MASK, 4, 0, VFIO_UNCOR)
                .vfio(UNCOR_SEVER, 4, 0, VFIO_UNCOR)
                .vfio(COR_STATUS, 4, 0, VFIO_COR)
                .vfio(COR_MASK, 4, 0, VFIO_COR)
                .vfio(CAP, 4, 0, VFIO_CAP)
                // Bytes past vfio's 44 (root registers, TLP Prefix Log) are read-only here (vfio: raw).
                .hardwareRw1c(UNCOR_STATUS, 4, Err.UNC_DEFINED)
                .hardwareRw1c(COR_STATUS, 4, Err.COR_DEFINED)
                .hardwareRw1c(ROOT_STATUS, 4, Err.ROOT_STATUS_RW1C);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("showingAer")
    void everyWriteOfTheCapabilityFollowsTheReference(DeviceImage image, Capability cap) {
        CapabilityFlip.everyWrite(runtime, image, cap, reference(cap));
    }

    /** The same with every error bit set, so that a status bit cleared by mistake shows. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("showingAer")
    void everyWriteFollowsTheReferenceWithEveryErrorSet(DeviceImage image, Capability cap) {
        CapabilityFlip.everyWrite(runtime, withAllErrors(image), cap, reference(cap));
    }

    /** The function with every defined uncorrectable and correctable error bit set in its status registers. */
    private static DeviceImage withAllErrors(DeviceImage plain) {
        int aer = capability(plain, CapabilitySpace.EXTENDED, ExtCapId.ERR).offset();
        byte[] config = plain.config();
        put(config, aer + UNCOR_STATUS, 4, Err.UNC_DEFINED);
        put(config, aer + COR_STATUS, 4, Err.COR_DEFINED);
        return Functions.with(plain, "with every error set", config);
    }

    private VirtualDevice open(SimulatedDevice device) {
        VirtualDevice guest = runtime.open(device);
        opened.add(guest);
        return guest;
    }

    /**
     * RW1C: writing all-ones clears the reference's errors; the newer ones stay set, on the device
     * and in the guest's view (vfio writes back what it read there, which clears them).
     */
    @Test
    void theGuestClearsTheReferencesUncorrectableErrorsButNeverTheNewerOnes() {
        DeviceImage image = withAllErrors(image(NIC));
        int at = capability(image, CapabilitySpace.EXTENDED, ExtCapId.ERR).offset() + UNCOR_STATUS;
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = open(device);
        assertEquals(Err.UNC_DEFINED, device.readConfig(at, 4));

        guest.write(at, 4, -1);

        assertEquals(NEWER, device.readConfig(at, 4));
        assertEquals(NEWER, guest.read(at, 4));
    }

    /** Difference 1 inside one register: a byte write clearing two errors leaves the newer ones of that byte set. */
    @Test
    void aByteWriteClearsOnlyTheErrorsItTargets() {
        DeviceImage image = withAllErrors(image(NIC));
        int at = capability(image, CapabilitySpace.EXTENDED, ExtCapId.ERR).offset() + UNCOR_STATUS;
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = open(device);
        int top = 3;

        guest.write(at + top, 1, (Err.UNC_ATOMEG | Err.UNC_TLPPRE) >>> 8 * top);

        assertEquals(Err.UNC_DEFINED & ~(Err.UNC_ATOMEG | Err.UNC_TLPPRE), device.readConfig(at, 4));
    }

    @Test
    void writingZerosClearsNothingAndOnesClearOnlyTheirBits() {
        DeviceImage image = withAllErrors(image(NIC));
        int aer = capability(image, CapabilitySpace.EXTENDED, ExtCapId.ERR).offset();
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = open(device);

        guest.write(aer + UNCOR_STATUS, 4, 0);
        guest.write(aer + COR_STATUS, 4, 0);
        assertEquals(Err.UNC_DEFINED, device.readConfig(aer + UNCOR_STATUS, 4));
        assertEquals(Err.COR_DEFINED, device.readConfig(aer + COR_STATUS, 4));

        guest.write(aer + COR_STATUS, 4, Err.COR_RCVR | Err.COR_BAD_TLP);
        assertEquals(Err.COR_DEFINED & ~(Err.COR_RCVR | Err.COR_BAD_TLP), device.readConfig(aer + COR_STATUS, 4));
        assertEquals(Err.COR_DEFINED & ~(Err.COR_RCVR | Err.COR_BAD_TLP), guest.read(aer + COR_STATUS, 4));
    }

    /** Masks and severities reach the device on the reference's bits only; the newer ones keep the device's values. */
    @Test
    void masksAndSeveritiesReachTheDeviceOnTheReferencesBits() {
        DeviceImage image = image(NIC);
        int aer = capability(image, CapabilitySpace.EXTENDED, ExtCapId.ERR).offset();
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = open(device);
        for (int reg : new int[] {UNCOR_MASK, UNCOR_SEVER}) {
            int host = device.readConfig(aer + reg, 4);
            int changed = VFIO_UNCOR & Err.UNC_DEFINED; // bit 0 (undefined) is read-only in this hardware
            guest.write(aer + reg, 4, ~host);
            assertEquals(host & ~changed | ~host & changed, device.readConfig(aer + reg, 4), "register +" + reg);
        }
        int corHost = device.readConfig(aer + COR_MASK, 4);
        guest.write(aer + COR_MASK, 4, ~corHost);
        assertEquals(~corHost & Err.COR_DEFINED, device.readConfig(aer + COR_MASK, 4));
        assertEquals(0, get(image.config(), aer + CAP, 4) & VFIO_CAP, "ECRC off at power-on");
    }
}
