package org.pciguard.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.pciguard.api.regs.PciRegs.Pwr.CAP;
import static org.pciguard.api.regs.PciRegs.Pwr.DATA;
import static org.pciguard.api.regs.PciRegs.Pwr.DSR;
import static org.pciguard.conformance.Functions.capability;
import static org.pciguard.testing.Shipped.fresh;
import static org.pciguard.testing.Shipped.image;

import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs.ExtCapId;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;

/**
 * The Power Budgeting handler in the real core on every shipped function that shows it: every
 * write against reference 2.13 with the deliberate difference (Data Select writable, the Data
 * register read-only), then the difference by name.
 */
class PwrConformanceTest {

    /** A Thunderbolt controller whose Power Budgeting reports an entry at Data Select 0. */
    private static final String NHI = "8086-15bf-jhl6240-tbt3-nhi.lspci";

    private final CoreRuntime runtime = Functions.runtime();

    @AfterEach
    void close() {
        runtime.close();
    }

    static Stream<Arguments> showingPwr() {
        return Functions.showing(CapabilitySpace.EXTENDED, ExtCapId.PWR);
    }

    /** Reference 2.13 line by line, then pciguard's deliberate difference. */
    static CapabilityReference reference(Capability cap) {
        return new CapabilityReference(cap.length())
                .vfio(0, 4, -1, 0)
                .vfio(DSR, 4, 0, 0)
                .vfio(DATA, 1, 0, 0xff)
                // The difference: the Data Select byte is writable, the Data register read-only.
                .vfio(DSR, 1, 0, 0xff)
                .vfio(DATA, 1, 0, 0);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("showingPwr")
    void everyWriteOfTheCapabilityFollowsTheReferenceWithTheDifference(DeviceImage image, Capability cap) {
        CapabilityFlip.everyWrite(runtime, image, cap, reference(cap));
    }

    /** The guest selects a budget entry and reads what the device reports for it (unknown entries read 0). */
    @Test
    void theGuestSelectsAnEntryAndReadsItFromData() {
        DeviceImage image = image(NHI);
        int pwr = capability(image, CapabilitySpace.EXTENDED, ExtCapId.PWR).offset();
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = runtime.open(device);
        int select = guest.read(pwr + DSR, 1);
        int data = guest.read(pwr + DATA, 4);
        assertNotEquals(0, data, "the dump's selected entry");

        guest.write(pwr + DSR, 1, select + 1);
        assertEquals(select + 1, device.readConfig(pwr + DSR, 1), "Data Select reaches the device");
        assertEquals(device.readConfig(pwr + DATA, 4), guest.read(pwr + DATA, 4));

        guest.write(pwr + DSR, 1, select);
        assertEquals(data, guest.read(pwr + DATA, 4));
        guest.close();
    }

    /** vfio makes the Data byte writable (reference 2.13); here Data is read-only, as the specification has it. */
    @Test
    void theDataRegisterAndTheBudgetCapabilityAreReadOnly() {
        DeviceImage image = image(NHI);
        int pwr = capability(image, CapabilitySpace.EXTENDED, ExtCapId.PWR).offset();
        SimulatedDevice device = fresh(image);
        ConfigWrites writes = new ConfigWrites();
        device.addAccessListener(writes);
        VirtualDevice guest = runtime.open(device);
        guest.write(pwr + DATA, 1, 0x5a);
        guest.write(pwr + DATA, 4, -1);
        guest.write(pwr + CAP, 4, -1);
        assertEquals(0, writes.seen.size(), "no write reaches the device: " + writes.seen);
        guest.close();
    }
}
