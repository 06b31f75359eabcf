package org.pciguard.cap.msix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.testing.Shipped.fresh;
import static org.pciguard.testing.Shipped.image;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;
import org.pciguard.irq.InterruptRouterImpl;
import org.pciguard.irq.recording.RecordingInterruptController;
import org.pciguard.irq.recording.RecordingInterruptController.Delivery;

/**
 * End to end, with the real core and the real interrupt router: the guest programs an entry through
 * BAR writes and enables MSI-X in config space; the device raises the entry and the guest's
 * controller receives the guest's message. Masked entries and the Function Mask hold the interrupt as
 * a pending bit in the emulated PBA until the guest unmasks.
 */
class MsixDeliveryTest {

    private static final long ADDRESS = 0xfee0_2000L;
    private static final int DATA = 0x4042;

    private final RecordingInterruptController controller = new RecordingInterruptController();
    private final CoreRuntime runtime = ShippedMsix.runtime(new MsixHandler());
    private SimulatedDevice device;
    private VirtualDevice guest;
    private MsixLayout l;
    private int control;

    @BeforeEach
    void open() {
        runtime.setInterruptRouter(new InterruptRouterImpl(controller));
        DeviceImage image = image(MsixTableTest.I82576);
        l = ShippedMsix.layout(image);
        control = ShippedMsix.msix(image).offset() + Msix.FLAGS;
        device = fresh(image);
        guest = runtime.open(device);
        guest.write(COMMAND, 2, Command.MEMORY | Command.MASTER);
    }

    @AfterEach
    void close() {
        runtime.close();
    }

    private long entry(int e, int field) {
        return l.tableOffset() + (long) e * Msix.ENTRY_SIZE + field;
    }

    /** Programs an entry as a driver does: address and data by QWORD, then the vector control. */
    private void program(int e, long address, int data, boolean masked) {
        guest.barWrite(l.tableBir(), entry(e, Msix.ENTRY_LOWER_ADDR), 8, address);
        guest.barWrite(l.tableBir(), entry(e, Msix.ENTRY_DATA), 4, data);
        guest.barWrite(l.tableBir(), entry(e, Msix.ENTRY_VECTOR_CTRL), 4, masked ? Msix.ENTRY_CTRL_MASKBIT : 0);
    }

    private long pba() {
        return guest.barRead(l.pbaBir(), l.pbaOffset(), 8);
    }

    private static Delivery message(long address, int data) {
        return new Delivery(null, InterruptKind.MSIX, address, data, true);
    }

    private List<Delivery> delivered() {
        List<Delivery> d = controller.deliveries().stream()
                .map(x -> new Delivery(null, x.kind(), x.address(), x.data(), x.asserted())).toList();
        controller.clear();
        return d;
    }

    @Test
    void anEntryProgrammedThroughTheBarIsDeliveredWithTheGuestsMessage() {
        program(2, ADDRESS, DATA, false);
        guest.write(control, 2, Msix.FLAGS_ENABLE);
        device.raiseInterrupt(InterruptKind.MSIX, 2);
        assertEquals(List.of(message(ADDRESS, DATA)), delivered());
        assertEquals(0L, device.readBar(l.tableBir(), entry(2, Msix.ENTRY_DATA), 4), "the device's table is the host's");
    }

    @Test
    void aMaskedEntryIsPendingInThePbaUntilTheGuestUnmasksIt() {
        program(3, ADDRESS + 0x10, DATA + 1, true);
        guest.write(control, 2, Msix.FLAGS_ENABLE);
        device.raiseInterrupt(InterruptKind.MSIX, 3);
        assertEquals(List.of(), delivered());
        assertEquals(1L << 3, pba(), "pending, in the guest's PBA");

        guest.barWrite(l.tableBir(), entry(3, Msix.ENTRY_VECTOR_CTRL), 4, 0);
        assertEquals(List.of(message(ADDRESS + 0x10, DATA + 1)), delivered());
        assertEquals(0L, pba());
    }

    @Test
    void theFunctionMaskHoldsEveryEntry() {
        program(0, ADDRESS, DATA, false);
        program(9, ADDRESS + 0x90, DATA + 9, false);
        guest.write(control, 2, Msix.FLAGS_ENABLE | Msix.FLAGS_MASKALL);
        device.raiseInterrupt(InterruptKind.MSIX, 0);
        device.raiseInterrupt(InterruptKind.MSIX, 9);
        assertEquals(List.of(), delivered());
        assertEquals(1L | 1L << 9, pba());

        guest.write(control, 2, Msix.FLAGS_ENABLE);
        assertEquals(List.of(message(ADDRESS, DATA), message(ADDRESS + 0x90, DATA + 9)), delivered());
        assertEquals(0L, pba());
    }

    @Test
    void nothingIsDeliveredWhileMsixIsOffOrAfterAReset() {
        program(1, ADDRESS, DATA, false);
        device.raiseInterrupt(InterruptKind.MSIX, 1);
        assertEquals(List.of(), delivered(), "MSI-X Enable is clear");

        guest.write(control, 2, Msix.FLAGS_ENABLE);
        guest.reset(ResetKind.FLR);
        device.raiseInterrupt(InterruptKind.MSIX, 1);
        assertEquals(List.of(), delivered(), "after a reset MSI-X is off and every entry masked");
    }
}
