package org.pciguard.cap.msi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pciguard.cap.msi.ShippedMsi.msi;
import static org.pciguard.testing.Shipped.fresh;
import static org.pciguard.testing.Shipped.image;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;
import org.pciguard.irq.InterruptRouterImpl;
import org.pciguard.irq.recording.RecordingInterruptController;

/**
 * End to end, with the real core and the real interrupt router, on a Qualcomm Atheros QCA988x (MSI
 * 32-bit with per-vector masking, 8 vectors): the guest programs MSI in config space, the device
 * raises vectors, the guest's controller receives the guest's messages; a masked vector is pending in
 * the guest's Pending Bits until unmasked (difference 2).
 */
class MsiDeliveryTest {

    private static final int ADDRESS = 0xfee0_1000;
    private static final int DATA = 0x4040;

    private final RecordingInterruptController controller = new RecordingInterruptController();
    private final CoreRuntime runtime = ShippedMsi.runtime(new MsiHandler());
    private SimulatedDevice device;
    private VirtualDevice guest;
    private int cap;
    private int hostAddress;

    @BeforeEach
    void open() {
        runtime.setInterruptRouter(new InterruptRouterImpl(controller));
        DeviceImage image = image(MsiHandlerTest.MASK_32);
        cap = msi(image).offset();
        device = fresh(image);
        hostAddress = device.readConfig(cap + Msi.ADDRESS_LO, 4);
        guest = runtime.open(device);
        guest.write(cap + Msi.ADDRESS_LO, 4, ADDRESS);
        guest.write(cap + Msi.DATA_32, 2, DATA);
    }

    @AfterEach
    void close() {
        runtime.close();
    }

    /** The lines the guest's controller printed since the last call. */
    private List<String> delivered() {
        List<String> lines = controller.lines();
        controller.clear();
        return lines;
    }

    private static String line(int vector) {
        return String.format("> msi addr=0x%016x data=0x%08x", ADDRESS, DATA | vector);
    }

    @Test
    void everyEnabledVectorIsDeliveredWithTheGuestsMessage() {
        guest.write(cap + Msi.FLAGS, 2, Msi.FLAGS_ENABLE | 3 << 4);
        device.raiseInterrupt(InterruptKind.MSI, 0);
        device.raiseInterrupt(InterruptKind.MSI, 5);
        assertEquals(List.of(line(0), line(5)), delivered());
        assertEquals(hostAddress, device.readConfig(cap + Msi.ADDRESS_LO, 4), "the device's MSI is the host's");
    }

    @Test
    void aMaskedVectorIsPendingUntilTheGuestUnmasksIt() {
        guest.write(cap + Msi.FLAGS, 2, Msi.FLAGS_ENABLE | 3 << 4);
        guest.write(cap + Msi.MASK_32, 4, 1 << 6);
        device.raiseInterrupt(InterruptKind.MSI, 6);
        assertEquals(List.of(), delivered());
        assertEquals(1 << 6, guest.read(cap + Msi.PENDING_32, 4));

        guest.write(cap + Msi.MASK_32, 4, 0);
        assertEquals(List.of(line(6)), delivered());
        assertEquals(0, guest.read(cap + Msi.PENDING_32, 4));
    }

    @Test
    void vectorsBeyondTheClampedEnableAreNotDelivered() {
        guest.write(cap + Msi.FLAGS, 2, Msi.FLAGS_ENABLE | 1 << 4);
        device.raiseInterrupt(InterruptKind.MSI, 1);
        device.raiseInterrupt(InterruptKind.MSI, 2);
        assertEquals(List.of(line(1)), delivered(), "two vectors enabled");
    }
}
