package org.pciguard.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pciguard.testing.ConfigBytes.dwords;
import static org.pciguard.testing.ConfigBytes.hex;
import static org.pciguard.testing.ConfigBytes.ones;
import static org.pciguard.testing.Shipped.fresh;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Pm;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.cap.pm.PmHandler;
import org.pciguard.core.CoreRuntime;
import org.pciguard.testing.HandlerProperties;

/**
 * The PM handler in the real core on every shipped function that shows PM to its guest: every write
 * at every width and offset, all-ones and zeros, against reference 2.2 and 3.6 with DESIGN.md's
 * differences, on the device writes, on the whole device against a twin written directly as the
 * reference says (the default write, then the power state the PCI core would set), and on the
 * guest's view.
 */
class PmConformanceTest {

    static Stream<Arguments> showingPm() {
        return Functions.showing(CapabilitySpace.STANDARD, CapId.PM);
    }

    /** Reference 2.2, line by line, then the hardware's RW1C bit and pciguard's choices. */
    static CapabilityReference reference() {
        return new CapabilityReference(Pm.SIZEOF)
                .vfio(1, 1, 0xff, 0)
                .vfio(Pm.PMC, 2, Pm.CAP_PME_MASK, 0)
                .vfio(Pm.CTRL, 4, Pm.CTRL_PME_ENABLE | Pm.CTRL_PME_STATUS, ~(Pm.CTRL_PME_ENABLE | Pm.CTRL_PME_STATUS
                        | Pm.CTRL_STATE_MASK))
                // pciguard's choice: of PMCSR, bridge extensions and Data only Data_Select is writable on
                // the hardware; the rest is read-only (unknown means read-only).
                .vfio(Pm.CTRL, 4, Pm.CTRL_PME_ENABLE | Pm.CTRL_PME_STATUS, Pm.CTRL_DATA_SEL_MASK)
                // Difference 1: the device write carries 0 on PME_Status, which the guest may not clear.
                .hardwareRw1c(Pm.CTRL, 2, Pm.CTRL_PME_STATUS);
    }

    /**
     * The state Linux's {@code pci_set_power_state} moves a function to, or -1 when it stays: D1 and
     * D2 only where offered, deeper states only, or D0.
     */
    private static int pciCoreState(int pmc, int from, int requested) {
        boolean supported = requested == Pm.STATE_D0 || requested == Pm.STATE_D3HOT
                || requested == Pm.STATE_D1 && (pmc & Pm.CAP_D1) != 0 || requested == Pm.STATE_D2 && (pmc & Pm.CAP_D2) != 0;
        boolean deeperOrD0 = requested == Pm.STATE_D0 || requested > from;
        return requested != from && supported && deeperOrD0 ? requested : -1;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("showingPm")
    void everyWriteFollowsTheReference(DeviceImage image, Capability cap) {
        CapabilityReference ref = reference();
        try (CoreRuntime runtime = Functions.runtime()) {
            runtime.addHandler(new PmHandler(), HandlerProperties.of(CapabilitySpace.STANDARD, CapId.PM));
            CapabilityFlip.forEachWrite(Pm.SIZEOF, (rel, size, value) -> one(runtime, image, cap, ref, rel, size, value));
        }
    }

    private static void one(CoreRuntime runtime, DeviceImage image, Capability cap, CapabilityReference ref, int rel,
            int size, int value) {
        SimulatedDevice device = fresh(image);
        SimulatedDevice twin = fresh(image);
        VirtualDevice guest = runtime.open(device);
        try {
            int offset = cap.offset() + rel;
            int pmcsr = cap.offset() + Pm.CTRL;
            String where = image.source() + ": " + size + "-byte write of " + hex(value) + " at " + hex(offset);
            int from = device.readConfig(pmcsr, 2) & Pm.CTRL_STATE_MASK; // as the dump caught it
            byte[] before = CapabilityFlip.capabilityBytes(guest, cap, Pm.SIZEOF);
            int hw = device.readConfig(offset, size);
            ConfigWrites writes = new ConfigWrites();
            device.addAccessListener(writes);
            guest.write(offset, size, value);
            device.removeAccessListener(writes);

            // The default write: one read-modify-write of the device-writable bits.
            List<ConfigWrites.Write> expectedWrites = new ArrayList<>();
            int toDevice = ref.deviceWritable(rel, size);
            int rw1c = ref.rw1c(rel, size);
            if (toDevice != 0) {
                expectedWrites.add(new ConfigWrites.Write(offset, size, hw & ~(toDevice | rw1c) | value & toDevice));
                twin.writeConfig(offset, size, twin.readConfig(offset, size) & ~(toDevice | rw1c) | value & toDevice);
            }
            // Then, for a write starting at PMCSR, the power state the PCI core sets (reference 3.6).
            int pmc = device.readConfig(cap.offset() + Pm.PMC, 2);
            int state = rel == Pm.CTRL ? pciCoreState(pmc, from, value & Pm.CTRL_STATE_MASK) : -1;
            if (state >= 0) {
                int pm = twin.readConfig(pmcsr, 2) & ~(Pm.CTRL_STATE_MASK | Pm.CTRL_PME_STATUS) | state;
                expectedWrites.add(new ConfigWrites.Write(pmcsr, 2, pm));
                twin.writeConfig(pmcsr, 2, pm);
            }
            assertEquals(expectedWrites, writes.seen, where + ": the device writes");
            byte[] deviceAfter = dwords(device::readConfig, 0, device.configSize());
            assertArrayEquals(dwords(twin::readConfig, 0, twin.configSize()), deviceAfter, where + ": the device");
            assertEquals(state >= 0 ? state : from, deviceAfter[pmcsr] & Pm.CTRL_STATE_MASK, where + ": the state");

            byte[] expected = new byte[Pm.SIZEOF];
            for (int b = 0; b < Pm.SIZEOF; b++) {
                int at = b - rel;
                int written = at >= 0 && at < size ? value >>> 8 * at & 0xff : -1;
                expected[b] = (byte) ref.expected(b, before[b] & 0xff, written, deviceAfter[cap.offset() + b] & 0xff);
            }
            assertArrayEquals(expected, CapabilityFlip.capabilityBytes(guest, cap, Pm.SIZEOF), where + ": the guest view");
        } finally {
            guest.close();
        }
    }
}
