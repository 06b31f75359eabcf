package org.pciguard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_0;
import static org.pciguard.api.regs.PciRegs.CFG_SPACE_SIZE;
import static org.pciguard.api.regs.PciRegs.COMMAND;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.BarKind;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.handler.BarRegion;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.Effect;
import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.irq.dto.RouteDTO;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.irq.InterruptRouterImpl;
import org.pciguard.irq.recording.RecordingInterruptController;
import org.pciguard.testing.RecordingLogger;

/**
 * The core between handlers and the router: effects program the routes, pending bits reach the
 * handlers' registers, routes survive handler swaps, resets release them, close detaches them. The
 * MSI and MSI-X handlers here are test fakes that produce the effects a real handler produces.
 */
class InterruptWiringTest {

    static final int MSI = 0x50;
    static final int MSIX = 0x70;
    static final int ENTRIES = 4;
    static final BarRegion TABLE = new BarRegion(0, 0x800, ENTRIES * Msix.ENTRY_SIZE, "MSI-X table");
    static final BarRegion PBA = new BarRegion(0, 0xa00, Long.BYTES, "MSI-X PBA");
    static final long ADDRESS = 0xfee0_1000L;

    /** Header: the INTx effect at initialize and when INTx Disable flips. */
    static FakeHandler header() {
        FakeHandler h = FakeHeader.handler();
        var init = h.onInitialize;
        h.onInitialize = c -> {
            init.apply(c);
            return List.of(new Effect.InterruptReprogrammed(InterruptKind.INTX, true));
        };
        h.onWrite = (c, value) -> List.of(new Effect.InterruptReprogrammed(InterruptKind.INTX,
                (c.shadow(COMMAND, 2) & Command.INTX_DISABLE) == 0));
        return h;
    }

    /** 64-bit MSI with per-vector masking, 8 vectors capable; everything the guest writes is virtual. */
    static final class FakeMsi implements CapabilityHandler {
        @Override
        public PermissionTable permissions(HandlerContext c) {
            int control = Msi.FLAGS_ENABLE | Msi.FLAGS_QSIZE;
            return PermissionTable.builder(Msi.SIZEOF_64_MASK)
                    .at(Msi.FLAGS, 2).virtual(control).writable(control).because("enable and MME")
                    .at(Msi.ADDRESS_LO, 4).virtual(-1).writable(-1).because("address")
                    .at(Msi.ADDRESS_HI, 4).virtual(-1).writable(-1).because("upper address")
                    .at(Msi.DATA_64, 2).virtual(0xffff).writable(0xffff).because("data")
                    .at(Msi.MASK_64, 4).virtual(-1).writable(-1).because("mask")
                    .at(Msi.PENDING_64, 4).virtual(-1).because("pending, the router's")
                    .build();
        }

        @Override
        public List<Effect> initialize(HandlerContext c) {
            return List.of(programmed(c));
        }

        @Override
        public List<Effect> configWritten(HandlerContext c, int offset, int size, int value, int before) {
            return List.of(programmed(c));
        }

        @Override
        public void pendingChanged(HandlerContext c, InterruptKind kind, int index, boolean pending) {
            int bits = c.shadow(MSI + Msi.PENDING_64, 4);
            c.setShadow(MSI + Msi.PENDING_64, 4, pending ? bits | 1 << index : bits & ~(1 << index));
        }

        private static Effect programmed(HandlerContext c) {
            int control = c.shadow(MSI + Msi.FLAGS, 2);
            int mme = (control & Msi.FLAGS_QSIZE) >>> Integer.numberOfTrailingZeros(Msi.FLAGS_QSIZE);
            long address = c.shadow(MSI + Msi.ADDRESS_LO, 4) & 0xffffffffL | (long) c.shadow(MSI + Msi.ADDRESS_HI, 4) << 32;
            return new Effect.MsiProgrammed((control & Msi.FLAGS_ENABLE) != 0, address, c.shadow(MSI + Msi.DATA_64, 2),
                    1 << mme, c.shadow(MSI + Msi.MASK_64, 4));
        }
    }

    /** MSI-X of {@link #ENTRIES} entries, table and PBA emulated in BAR 0. */
    static class FakeMsix implements CapabilityHandler {
        @Override
        public PermissionTable permissions(HandlerContext c) {
            int control = Msix.FLAGS_ENABLE | Msix.FLAGS_MASKALL;
            return PermissionTable.builder(Msix.SIZEOF)
                    .at(Msix.FLAGS, 2).virtual(control).writable(control).because("enable and function mask").build();
        }

        @Override
        public List<Effect> initialize(HandlerContext c) {
            return List.of(new Effect.BarRegionClaim(TABLE), new Effect.BarRegionClaim(PBA), control(c));
        }

        @Override
        public void regionClaimed(HandlerContext c, BarRegion region) {
            for (int e = 0; region.equals(TABLE) && e < ENTRIES; e++) {
                c.setRegion(TABLE, TABLE.offset() + e * Msix.ENTRY_SIZE + Msix.ENTRY_VECTOR_CTRL, 4, Msix.ENTRY_CTRL_MASKBIT);
            }
        }

        @Override
        public boolean regionAccess(HandlerContext c, BarRegion region, long offset, int size, boolean write) {
            return !(write && region.equals(PBA));
        }

        @Override
        public List<Effect> configWritten(HandlerContext c, int offset, int size, int value, int before) {
            return List.of(control(c));
        }

        @Override
        public List<Effect> regionWritten(HandlerContext c, BarRegion region, long offset, int size, long value) {
            int e = (int) ((offset - TABLE.offset()) / Msix.ENTRY_SIZE);
            long at = TABLE.offset() + (long) e * Msix.ENTRY_SIZE;
            return List.of(new Effect.MsixEntryProgrammed(e, c.region(TABLE, at + Msix.ENTRY_LOWER_ADDR, 8),
                    (int) c.region(TABLE, at + Msix.ENTRY_DATA, 4),
                    (c.region(TABLE, at + Msix.ENTRY_VECTOR_CTRL, 4) & Msix.ENTRY_CTRL_MASKBIT) != 0));
        }

        @Override
        public void pendingChanged(HandlerContext c, InterruptKind kind, int index, boolean pending) {
            long bits = c.region(PBA, PBA.offset(), 8);
            c.setRegion(PBA, PBA.offset(), 8, pending ? bits | 1L << index : bits & ~(1L << index));
        }

        private static Effect control(HandlerContext c) {
            int control = c.shadow(MSIX + Msix.FLAGS, 2);
            return new Effect.MsixControl((control & Msix.FLAGS_ENABLE) != 0, (control & Msix.FLAGS_MASKALL) != 0,
                    (control & Msix.FLAGS_QSIZE) + 1);
        }
    }

    final RecordingLogger log = new RecordingLogger();
    final CoreRuntime runtime = new CoreRuntime(new org.pciguard.walker.DefaultCapabilityWalker(), log);
    final RecordingInterruptController controller = new RecordingInterruptController();
    final InterruptRouterImpl router = new InterruptRouterImpl(controller);
    final FakeMsix msix = new FakeMsix();
    FakeDevice fake;
    VirtualDevice v;

    @BeforeEach
    void open() {
        fake = ConfigImage.type0(CFG_SPACE_SIZE)
                .set(BASE_ADDRESS_0, 4, 0xfe000000)
                .std(MSI, CapId.MSI).set(MSI + Msi.FLAGS, 2, Msi.FLAGS_64BIT | Msi.FLAGS_MASKBIT | 3 << 1)
                .std(MSIX, CapId.MSIX).set(MSIX + Msix.FLAGS, 2, ENTRIES - 1)
                .set(MSIX + Msix.TABLE, 4, (int) TABLE.offset()).set(MSIX + Msix.PBA, 4, (int) PBA.offset())
                .device()
                .bar(new BarInfo(0, BarKind.MEMORY32, 0x1000, false, false, 0xfe000000));
        runtime.setInterruptRouter(router);
        runtime.addHandler(header(), FakeHandler.props("header", 0, 0, 1));
        runtime.addHandler(new FakeMsi(), FakeHandler.props("standard", CapId.MSI, 0, 2));
        runtime.addHandler(msix, FakeHandler.props("standard", CapId.MSIX, 0, 3));
        v = runtime.open(fake);
        v.write(COMMAND, 2, Command.MEMORY);
    }

    private void programEntry(int e, long address, int data, boolean masked) {
        long at = TABLE.offset() + (long) e * Msix.ENTRY_SIZE;
        v.barWrite(0, at + Msix.ENTRY_LOWER_ADDR, 8, address);
        v.barWrite(0, at + Msix.ENTRY_DATA, 4, data);
        v.barWrite(0, at + Msix.ENTRY_VECTOR_CTRL, 4, masked ? Msix.ENTRY_CTRL_MASKBIT : 0);
    }

    private void enableMsix(boolean functionMask) {
        v.write(MSIX + Msix.FLAGS, 2, Msix.FLAGS_ENABLE | (functionMask ? Msix.FLAGS_MASKALL : 0));
    }

    private RouteDTO route(String source, int index) {
        for (RouteDTO r : runtime.snapshot().devices[0].interrupts) {
            if (r.source.equals(source) && r.index == index) {
                return r;
            }
        }
        return null;
    }

    @Test
    void openAttachesTheDeviceAndTheHandlersInitializeProgramsTheRoutes() {
        assertNotNull(fake.interruptListener(), "the routes hear the physical device");
        RouteDTO intx = route("intx", 0);
        assertTrue(intx.enabled && !intx.masked);
        assertEquals(1 + 1 + ENTRIES, runtime.snapshot().devices[0].interrupts.length, "INTx, MSI vector 0, the table");
        assertFalse(route("msix", 0).enabled);
        assertTrue(route("msix", 0).masked, "the table comes out of reset masked");
    }

    @Test
    void msixProgrammedThroughTheTableIsDelivered() {
        programEntry(2, ADDRESS, 0x4062, false);
        enableMsix(false);
        fake.raiseInterrupt(InterruptKind.MSIX, 2);
        assertEquals(List.of(String.format("> msix addr=0x%016x data=0x%08x", ADDRESS, 0x4062)), controller.lines());
        assertEquals(1, route("msix", 2).delivered);
    }

    @Test
    void aMaskedEntryShowsInThePbaAndIsDeliveredWhenTheGuestUnmasksIt() {
        programEntry(1, ADDRESS, 0x41, true);
        enableMsix(false);
        fake.raiseInterrupt(InterruptKind.MSIX, 1);
        assertEquals(List.of(), controller.lines());
        assertEquals(0b10L, v.barRead(0, PBA.offset(), 8), "the guest sees the pending bit");
        v.barWrite(0, TABLE.offset() + Msix.ENTRY_SIZE + Msix.ENTRY_VECTOR_CTRL, 4, 0);
        assertEquals(1, controller.lines().size());
        assertEquals(0L, v.barRead(0, PBA.offset(), 8));
    }

    @Test
    void functionMaskHoldsAndItsClearingDelivers() {
        programEntry(0, ADDRESS, 0x40, false);
        enableMsix(true);
        fake.raiseInterrupt(InterruptKind.MSIX, 0);
        assertEquals(1L, v.barRead(0, PBA.offset(), 8));
        enableMsix(false);
        assertEquals(1, controller.lines().size());
        assertEquals(0L, v.barRead(0, PBA.offset(), 8));
    }

    @Test
    void msiMaskAndPendingBitsAreVirtualAndFollowTheRouter() {
        v.write(MSI + Msi.ADDRESS_LO, 4, (int) ADDRESS);
        v.write(MSI + Msi.DATA_64, 2, 0x4020);
        v.write(MSI + Msi.MASK_64, 4, 0b100);
        v.write(MSI + Msi.FLAGS, 2, Msi.FLAGS_ENABLE | 2 << 4);   // 4 vectors
        fake.raiseInterrupt(InterruptKind.MSI, 1);
        fake.raiseInterrupt(InterruptKind.MSI, 2);
        assertEquals(List.of(String.format("> msi addr=0x%016x data=0x%08x", ADDRESS, 0x4021)), controller.lines());
        assertEquals(0b100, v.read(MSI + Msi.PENDING_64, 4));
        v.write(MSI + Msi.MASK_64, 4, 0);
        assertEquals(String.format("> msi addr=0x%016x data=0x%08x", ADDRESS, 0x4022), controller.lines().get(1));
        assertEquals(0, v.read(MSI + Msi.PENDING_64, 4));
    }

    @Test
    void intxDisableIsTheRoutersMaskAndTheHostAcknowledgesThroughTheRouter() {
        v.write(COMMAND, 2, Command.MEMORY | Command.INTX_DISABLE);
        fake.raiseInterrupt(InterruptKind.INTX, 0);
        assertEquals(List.of(), controller.lines());
        v.write(COMMAND, 2, Command.MEMORY);
        fake.raiseInterrupt(InterruptKind.INTX, 0);
        router.eoi(fake.address);
        assertEquals(List.of("> intx assert", "> intx deassert", "> intx assert"), controller.lines(),
                "held while disabled, delivered on clearing; the second assertion waited for EOI");
    }

    @Test
    void routesSurviveAHandlerSwapAndTheHandlersLeaving() {
        programEntry(3, ADDRESS, 0x43, false);
        enableMsix(false);
        RouteDTO before = route("msix", 3);
        FakeMsix better = new FakeMsix();
        runtime.addHandler(better, FakeHandler.props("standard", CapId.MSIX, 10, 4));
        assertEquals(before.toString(), route("msix", 3).toString(), "the route is the router's, untouched by the swap");
        fake.raiseInterrupt(InterruptKind.MSIX, 3);
        runtime.removeHandler(better);
        runtime.removeHandler(msix);
        fake.raiseInterrupt(InterruptKind.MSIX, 3);
        assertEquals(2, controller.lines().size(), "delivered before and after, with no handler at all");
        assertEquals(-1, runtime.snapshot().devices[0].capabilities[2].handlerServiceId);
    }

    @Test
    void aResetReleasesEveryRouteAndTheHandlersProgramThePostResetState() {
        programEntry(0, ADDRESS, 0x40, true);
        enableMsix(false);
        fake.raiseInterrupt(InterruptKind.MSIX, 0);
        fake.raiseInterrupt(InterruptKind.INTX, 0);
        v.reset(ResetKind.FLR);
        v.write(COMMAND, 2, Command.MEMORY);
        assertFalse(route("msix", 0).enabled);
        assertFalse(route("msix", 0).pending);
        assertEquals(0, route("msix", 0).held, "a fresh route");
        assertEquals(0L, v.barRead(0, PBA.offset(), 8));
        fake.raiseInterrupt(InterruptKind.MSIX, 0);
        assertEquals(List.of(), controller.lines(), "no route left from before the reset");
    }

    @Test
    void closeDetachesTheRoutesAndClearsTheListener() {
        enableMsix(false);
        v.close();
        assertNull(fake.interruptListener());
        assertEquals(0, router.snapshot().length);
        fake.raiseInterrupt(InterruptKind.INTX, 0);
        assertEquals(List.of(), controller.lines());
    }

    @Test
    void closeGoesOnWhenTheBackendRefusesTheListener() {
        fake.refuseInterruptListener = true;
        v.close();
        assertEquals(0, router.snapshot().length, "detached all the same");
        assertEquals(1, log.containing("refused the interrupt listener").size(), log.messages.toString());
    }

    @Test
    void theRouterCanComeAndGoUnderAnOpenDevice() {
        runtime.setInterruptRouter(null);
        assertNull(fake.interruptListener());
        assertEquals(0, runtime.snapshot().devices[0].interrupts.length);
        assertEquals(0, router.snapshot().length);
        InterruptRouterImpl next = new InterruptRouterImpl(controller);
        runtime.setInterruptRouter(next);
        runtime.removeInterruptRouter(router);
        assertNotNull(fake.interruptListener());
        programEntry(0, ADDRESS, 0x40, false);
        enableMsix(false);
        fake.raiseInterrupt(InterruptKind.MSIX, 0);
        assertEquals(1, controller.lines().size(), "programming from then on is routed");
        RouteDTO msix = java.util.Arrays.stream(next.snapshot()).filter(r -> r.source.equals("msix")).findFirst()
                .orElseThrow();
        assertEquals(1, msix.delivered);
    }

    @Test
    void aRouterReplacedUnderAnOpenDeviceIsToldTheGuestsProgrammingSoFar() {
        programEntry(0, ADDRESS, 0x40, false);
        enableMsix(false);
        InterruptRouterImpl next = new InterruptRouterImpl(controller);
        runtime.setInterruptRouter(next);
        runtime.removeInterruptRouter(router);
        fake.raiseInterrupt(InterruptKind.MSIX, 0);
        assertEquals(1, controller.lines().size(), "the entry programmed before the swap is delivered after it");
        RouteDTO msix = java.util.Arrays.stream(next.snapshot()).filter(r -> r.source.equals("msix")).findFirst()
                .orElseThrow();
        assertEquals(ADDRESS, msix.address);
        assertEquals(0x40, msix.data);
        assertEquals(1, msix.delivered);
    }

    @Test
    void aHandlerFailingOnAPendingChangeIsQuarantinedAndTheRaiseReturns() {
        FakeMsix failing = new FakeMsix() {
            @Override
            public void pendingChanged(HandlerContext c, InterruptKind kind, int index, boolean pending) {
                throw new IllegalStateException("PBA broken");
            }
        };
        runtime.addHandler(failing, FakeHandler.props("standard", CapId.MSIX, 10, 4));
        programEntry(0, ADDRESS, 0x40, true);
        enableMsix(false);
        fake.raiseInterrupt(InterruptKind.MSIX, 0);
        assertTrue(runtime.snapshot().devices[0].capabilities[2].quarantined);
        assertEquals(1, log.containing("pendingChanged", "MSIX 0 pending").size(), log.messages.toString());
        assertTrue(route("msix", 0).pending, "the router keeps the bit");
    }
}
