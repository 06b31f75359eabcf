package org.pciguard.cap.msix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.cap.msix.ShippedMsix.layout;
import static org.pciguard.cap.msix.ShippedMsix.msix;
import static org.pciguard.testing.Shipped.fresh;
import static org.pciguard.testing.Shipped.image;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pciguard.api.access.AccessListener;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.handler.Effect;
import org.pciguard.api.handler.Effect.MsixControl;
import org.pciguard.api.handler.Effect.MsixEntryProgrammed;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;
import org.pciguard.testing.Recorder;
import org.pciguard.testing.RecordingLogger;

/**
 * The emulated MSI-X table and PBA in the real core: which guest accesses they take, what the
 * interrupt router is told, the pending bits, resets. On an Intel 82576 (10 entries, table and PBA
 * in 32-bit BAR 3) and an Intel X710 (129 entries, so three PBA QWORDs, in 64-bit BAR 3).
 */
class MsixTableTest {

    static final String I82576 = "8086-10c9-82576-gbe-sriov.lspci";
    static final String X710 = "8086-1572-x710-sfp.lspci";

    private final RecordingLogger log = new RecordingLogger();
    private final Recorder handler = new Recorder(new MsixHandler());
    private final CoreRuntime runtime = ShippedMsix.runtime(handler, log);
    private final List<String> barAccesses = new ArrayList<>();
    private SimulatedDevice device;
    private VirtualDevice guest;
    private MsixLayout l;
    private int control;

    @AfterEach
    void close() {
        runtime.close();
    }

    private void open(String source) {
        DeviceImage image = image(source);
        l = layout(image);
        control = msix(image).offset() + Msix.FLAGS;
        device = fresh(image);
        guest = runtime.open(device);
        guest.write(COMMAND, 2, Command.MEMORY);
        device.addAccessListener(new AccessListener() {
            @Override
            public void configAccess(PciAddress d, boolean write, int offset, int size, int value) {
            }

            @Override
            public void barAccess(PciAddress d, boolean write, int bar, long offset, int size, long value) {
                barAccesses.add(bar + "@" + Long.toHexString(offset));
            }
        });
    }

    /** Offset in the table's BAR of a field of an entry. */
    private long entry(int e, int field) {
        return l.tableOffset() + (long) e * Msix.ENTRY_SIZE + field;
    }

    private long refused() {
        return runtime.snapshot().devices[0].refusedAccesses;
    }

    @Test
    void openClaimsTheTableAndPbaAndTellsTheRouterMsixIsOff() {
        open(I82576);
        assertEquals(List.of(new Effect.BarRegionClaim(l.table()), new Effect.BarRegionClaim(l.pba()),
                new MsixControl(false, false, 10)), handler.take());
        assertEquals(3, l.tableBir());
        assertEquals(0x2000L, l.pbaOffset());
    }

    @Test
    void everyTableWriteReachesTheRouterAsTheEntryNowIs() {
        open(I82576);
        handler.take();
        guest.barWrite(3, entry(2, Msix.ENTRY_LOWER_ADDR), 8, 0x0000_0001_fee0_2000L);
        guest.barWrite(3, entry(2, Msix.ENTRY_DATA), 4, 0x4042);
        guest.barWrite(3, entry(2, Msix.ENTRY_VECTOR_CTRL), 4, 0);
        guest.barWrite(3, entry(9, Msix.ENTRY_DATA), 8, 0x0000_0001_0000_4049L);
        assertEquals(List.of(
                new MsixEntryProgrammed(2, 0x1_fee0_2000L, 0, true),
                new MsixEntryProgrammed(2, 0x1_fee0_2000L, 0x4042, true),
                new MsixEntryProgrammed(2, 0x1_fee0_2000L, 0x4042, false),
                new MsixEntryProgrammed(9, 0, 0x4049, true)), handler.take());
        assertEquals(0x4042L, guest.barRead(3, entry(2, Msix.ENTRY_DATA), 4));
        assertEquals(List.of(), barAccesses, "nothing reaches the device");
    }

    /** Message Address bits 1:0 and Vector Control bits 31:1 are reserved: they read 0, as on hardware. */
    @Test
    void reservedBitsOfAnEntryReadZero() {
        open(I82576);
        handler.take();
        guest.barWrite(3, entry(0, Msix.ENTRY_LOWER_ADDR), 4, 0xfee0_0003L);
        guest.barWrite(3, entry(0, Msix.ENTRY_VECTOR_CTRL), 4, 0xffff_fffeL);
        assertEquals(0xfee0_0000L, guest.barRead(3, entry(0, Msix.ENTRY_LOWER_ADDR), 4));
        assertEquals(0L, guest.barRead(3, entry(0, Msix.ENTRY_VECTOR_CTRL), 4));
        assertEquals(List.of(new MsixEntryProgrammed(0, 0xfee0_0000L, 0, true),
                new MsixEntryProgrammed(0, 0xfee0_0000L, 0, false)), handler.take());
    }

    /** Only aligned DWORDs and QWORDs (PCI 3.0, 6.8.2): anything else is refused and changes nothing. */
    @ParameterizedTest(name = "{0}-byte access at +0x{1}")
    @CsvSource({ "1, 0", "1, 3", "2, 0", "2, 6", "2, e" })
    void narrowTableAccessesAreRefused(int size, String at) {
        open(I82576);
        guest.barWrite(3, entry(1, 0), 8, -1L);
        handler.take();
        long before = guest.barRead(3, entry(1, 0), 8);
        long offset = entry(1, Integer.parseInt(at, 16));
        for (PciAccessException e : new PciAccessException[] {
            assertThrows(PciAccessException.class, () -> guest.barWrite(3, offset, size, 0)),
            assertThrows(PciAccessException.class, () -> guest.barRead(3, offset, size)) }) {
            String m = e.getMessage();
            assertTrue(m.contains(device.address().toString()) && m.contains("BAR 3") && m.contains("MSI-X table")
                    && m.contains("MSI-X@0x70") && m.contains(size + "-byte"), m);
        }
        assertEquals(before, guest.barRead(3, entry(1, 0), 8));
        assertEquals(List.of(), handler.take(), "the router hears of nothing");
        assertEquals(2, refused());
    }

    @Test
    void misalignedAndStraddlingAccessesAreRefused() {
        open(I82576);
        long refusedBefore = refused();
        assertThrows(PciAccessException.class, () -> guest.barWrite(3, entry(0, 4), 8, -1L), "QWORD not aligned");
        assertThrows(PciAccessException.class, () -> guest.barRead(3, entry(0, 2), 4), "DWORD not aligned");
        long end = l.tableOffset() + l.tableLength();
        assertThrows(PciAccessException.class, () -> guest.barWrite(3, end - 4, 8, -1L), "straddles the table's end");
        assertEquals(refusedBefore + 3, refused());
        assertEquals(Msix.ENTRY_CTRL_MASKBIT, guest.barRead(3, entry(9, Msix.ENTRY_VECTOR_CTRL), 4));
        assertEquals(List.of(), barAccesses);
    }

    /** Outside the table and PBA the BAR is the device's, as before. */
    @Test
    void theRestOfTheBarReachesTheDevice() {
        open(I82576);
        long past = l.tableOffset() + l.tableLength();
        guest.barWrite(3, past, 4, 0x11223344L);
        assertEquals(List.of("3@" + Long.toHexString(past)), barAccesses);
        assertEquals(0x11223344L, device.readBar(3, past, 4));
    }

    @Test
    void thePbaIsReadOnlyToTheGuest() {
        open(I82576);
        handler.pendingChanged(handler.context, InterruptKind.MSIX, 3, true);
        for (int size : new int[] {4, 8, 2}) {
            assertThrows(PciAccessException.class, () -> guest.barWrite(3, l.pbaOffset(), size, 0));
        }
        assertEquals(1L << 3, guest.barRead(3, l.pbaOffset(), 8));
        assertEquals(1L << 3, guest.barRead(3, l.pbaOffset(), 4));
        assertThrows(PciAccessException.class, () -> guest.barRead(3, l.pbaOffset(), 1));
    }

    /** The router's pending bits show in the emulated PBA, one bit per entry across the QWORDs. */
    @Test
    void pendingBitsFollowTheRouter() {
        open(X710);
        assertEquals(129, l.entries());
        assertEquals(3 * Long.BYTES, l.pbaLength());
        for (int e : new int[] {0, 63, 64, 128}) {
            handler.pendingChanged(handler.context, InterruptKind.MSIX, e, true);
        }
        assertEquals(1L | 1L << 63, guest.barRead(3, l.pbaOffset(), 8));
        assertEquals(1L, guest.barRead(3, l.pbaOffset() + 8, 8));
        assertEquals(1L, guest.barRead(3, l.pbaOffset() + 16, 8));
        handler.pendingChanged(handler.context, InterruptKind.MSIX, 63, false);
        assertEquals(1L, guest.barRead(3, l.pbaOffset(), 8));
        assertEquals(0L, device.readBar(3, l.pbaOffset(), 8), "never on the device");

        handler.pendingChanged(handler.context, InterruptKind.MSI, 1, true);
        handler.pendingChanged(handler.context, InterruptKind.MSIX, 129, true);
        assertEquals(1L, guest.barRead(3, l.pbaOffset(), 8), "other kinds and entries the table lacks are ignored");
        assertEquals(0L, guest.barRead(3, l.pbaOffset() + 16, 8) & ~1L);
        assertTrue(log.messages.stream().anyMatch(m -> m.startsWith("WARNING " + device.address() + ": MSI-X@0x70")
                && m.contains("entry 129")), log.messages.toString());
    }

    @Test
    void enableAndFunctionMaskChangesReachTheRouter() {
        open(X710);
        handler.take();
        guest.write(control, 2, Msix.FLAGS_ENABLE | Msix.FLAGS_MASKALL);
        guest.write(control + 1, 1, Msix.FLAGS_ENABLE >>> 8);
        guest.write(control - 2, 4, Msix.FLAGS_ENABLE << 16);     // the same: no change
        guest.write(control, 1, 0xff);                            // Table Size: fixed
        guest.write(control, 2, 0);
        assertEquals(List.of(new MsixControl(true, true, 129), new MsixControl(true, false, 129),
                new MsixControl(false, false, 129)), handler.take());
    }

    @Test
    void aResetMasksEveryEntryAgainAndTurnsMsixOff() {
        open(I82576);
        guest.barWrite(3, entry(4, Msix.ENTRY_DATA), 8, 0x4044L);
        guest.write(control, 2, Msix.FLAGS_ENABLE);
        handler.pendingChanged(handler.context, InterruptKind.MSIX, 4, true);
        handler.take();
        guest.reset(ResetKind.FLR);
        assertEquals(List.of(new Effect.BarRegionClaim(l.table()), new Effect.BarRegionClaim(l.pba()),
                new MsixControl(false, false, 10)), handler.take());
        assertEquals(0, guest.read(control, 2) & Msix.FLAGS_ENABLE);
        guest.write(COMMAND, 2, Command.MEMORY);
        assertEquals((long) Msix.ENTRY_CTRL_MASKBIT << 32, guest.barRead(3, entry(4, Msix.ENTRY_DATA), 8));
        assertEquals(0L, guest.barRead(3, l.pbaOffset(), 8));
    }
}
