package org.pciguard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_0;
import static org.pciguard.api.regs.PciRegs.CACHE_LINE_SIZE;
import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.api.regs.PciRegs.INTERRUPT_LINE;
import static org.pciguard.api.regs.PciRegs.STATUS;
import static org.pciguard.api.regs.PciRegs.VENDOR_ID;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.dto.VirtualDeviceDTO;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.cap.header.HeaderHandler;
import org.pciguard.core.CoreRuntime;
import org.pciguard.security.FaultyDevice.Op;
import org.pciguard.security.FaultyDevice.Style;
import org.pciguard.testing.Recorder;
import org.pciguard.testing.RecordingLogger;

/**
 * Fault injection (SECURITY.md R16): a backend that fails reads and writes, at chosen points or at
 * random, or loses the device in the middle of an access. The guest gets a clear error naming the
 * device, offset and width; the device is marked failed and refuses further accesses; other devices
 * keep working; nothing half-written stays in the shadow.
 */
class FaultInjectionTest {

    /** Intel 82576: memory and I/O BARs, FLR, PM, MSI, MSI-X. */
    static final String I82576 = "8086-10c9-82576-gbe-sriov.lspci";
    /** Realtek RTL8111: 4 KiB config space, three BARs. */
    static final String RTL8111 = "10ec-8168-rtl8111-gbe.lspci";

    private final RecordingLogger log = new RecordingLogger();

    /**
     * A runtime whose header handler is the real one seen through {@code spy}: the context the core
     * gave it last reads the shadow after the device has failed and refuses guest reads.
     */
    private CoreRuntime runtimeWithSpy(Recorder spy) {
        CoreRuntime rt = Fixtures.runtime(log);
        rt.addHandler(spy, Fixtures.headerProperties(100));
        return rt;
    }

    private static VirtualDeviceDTO dto(CoreRuntime rt, VirtualDevice v) {
        for (VirtualDeviceDTO d : rt.snapshot().devices) {
            if (d.address.equals(v.address().toString())) {
                return d;
            }
        }
        throw new AssertionError("no DTO for " + v.address());
    }

    /** The message names the device, the offset in hex and the width. */
    private static void assertNames(PciAccessException e, VirtualDevice v, int offset, int width) {
        String m = e.getMessage();
        assertTrue(m.contains(v.address().toString()), m);
        assertTrue(m.contains(width + "-byte access at 0x" + Integer.toHexString(offset)), m);
        assertEquals(offset, e.offset(), m);
        assertEquals(width, e.width(), m);
    }

    private static void assertRefusedAsFailed(VirtualDevice v) {
        PciAccessException again = assertThrows(PciAccessException.class, () -> v.read(VENDOR_ID, 2));
        assertTrue(again.getMessage().contains("the device failed"), again.getMessage());
        assertThrows(PciAccessException.class, () -> v.write(INTERRUPT_LINE, 1, 0x55));
        assertThrows(PciAccessException.class, () -> v.reset(ResetKind.FLR));
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void aFailedDeviceReadFailsTheDeviceWithAnErrorNamingDeviceOffsetAndWidth(Style style) {
        CoreRuntime rt = Fixtures.runtime(log);
        FaultyDevice phys = new FaultyDevice(Fixtures.fresh(I82576)).style(style);
        VirtualDevice v = rt.open(phys);
        phys.failWhen(a -> a.op() == Op.CONFIG_READ && a.offset() == STATUS);

        PciAccessException e = assertThrows(PciAccessException.class, () -> v.read(STATUS, 2));
        assertNames(e, v, STATUS, 2);
        VirtualDeviceDTO d = dto(rt, v);
        assertTrue(d.failed);
        assertTrue(d.failure.contains("read of 2 bytes at 0x6"), d.failure);
        assertRefusedAsFailed(v);
        assertTrue(log.messages.stream().anyMatch(m -> m.startsWith("ERROR") && m.contains(v.address().toString())),
                log.messages.toString());
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void aWriteLostHalfWayLeavesNeitherTheShadowNorTheDeviceHalfWritten(Style style) {
        Recorder spy = new Recorder(new HeaderHandler());
        CoreRuntime rt = runtimeWithSpy(spy);
        SimulatedDevice sim = Fixtures.fresh(I82576);
        FaultyDevice phys = new FaultyDevice(sim).style(style);
        VirtualDevice v = rt.open(phys);
        int shadowBefore = spy.context.shadow(COMMAND, 2);
        int deviceBefore = sim.readConfig(COMMAND, 2);
        assertEquals(0, shadowBefore & Command.MEMORY, "the guest's decode starts off");
        // Command mixes virtual bits (Memory, kept in the shadow) and device bits (Bus Master): the
        // device's read of the read-modify-write succeeds, its write is lost.
        phys.failWhen(a -> a.op() == Op.CONFIG_WRITE && a.offset() == COMMAND);

        PciAccessException e = assertThrows(PciAccessException.class,
                () -> v.write(COMMAND, 2, Command.MEMORY | Command.MASTER));
        assertNames(e, v, COMMAND, 2);
        assertEquals(shadowBefore, spy.context.shadow(COMMAND, 2), "the virtual half of a failed write stays out of the shadow");
        assertEquals(deviceBefore, sim.readConfig(COMMAND, 2), "the device half never arrived");
        assertTrue(dto(rt, v).failed);
        assertRefusedAsFailed(v);
    }

    @Test
    void randomFaultsOnOneDeviceNeverEscapeAsAnythingButNamedErrorsAndLeaveTheOtherDevicesWorking() {
        Random random = new Random(7);
        CoreRuntime rt = Fixtures.runtime(log);
        List<FaultyDevice> faulty = new ArrayList<>();
        List<VirtualDevice> healthy = new ArrayList<>();
        int bus = 0x40;
        for (String source : List.of(I82576, RTL8111)) {
            FaultyDevice f = new FaultyDevice(Fixtures.freshAt(source, bus++))
                    .style(faulty.isEmpty() ? Style.BACKEND : Style.RAW);
            faulty.add(f);
        }
        List<VirtualDevice> failing = new ArrayList<>();
        for (FaultyDevice f : faulty) {
            failing.add(rt.open(f));
        }
        for (String source : List.of("1033-0194-upd720200-xhci.lspci", "8086-1572-x710-sfp.lspci")) {
            healthy.add(rt.open(Fixtures.freshAt(source, bus++)));
        }
        for (FaultyDevice f : faulty) {
            f.failWhen(a -> (a.op() == Op.CONFIG_READ || a.op() == Op.CONFIG_WRITE) && random.nextInt(50) == 0);
        }
        int[] failures = new int[failing.size()];
        for (int step = 0; step < 4000; step++) {
            for (int k = 0; k < failing.size(); k++) {
                VirtualDevice v = failing.get(k);
                int size = 1 << random.nextInt(3);
                int offset = random.nextInt(v.configSize() / size) * size;
                try {
                    if (random.nextBoolean()) {
                        v.read(offset, size);
                    } else {
                        v.write(offset, size, random.nextInt());
                    }
                } catch (PciAccessException e) {
                    String m = e.getMessage();
                    assertTrue(m.startsWith(v.address().toString()), m);
                    if (failures[k]++ == 0) {
                        assertNames(e, v, offset, size);
                    } else {
                        assertTrue(m.contains("the device failed"), m);
                    }
                }
            }
            for (VirtualDevice h : healthy) {
                assertNotEquals(0xffff, h.read(VENDOR_ID, 2));
                h.write(INTERRUPT_LINE, 1, step & 0xff);
                assertEquals(step & 0xff, h.read(INTERRUPT_LINE, 1));
            }
        }
        for (int k = 0; k < failing.size(); k++) {
            assertTrue(failures[k] > 0, "faults were injected into " + failing.get(k).address());
            assertTrue(dto(rt, failing.get(k)).failed);
            assertFalse(faulty.get(k).injected.isEmpty());
        }
        for (VirtualDevice h : healthy) {
            assertFalse(dto(rt, h).failed);
        }
    }

    @Test
    void aDeviceLostInTheMiddleOfEachGuestWriteIsFailedCleanly() {
        // For every device access a guest write of Command can make, lose the device exactly there.
        SimulatedDevice probe = Fixtures.fresh(I82576);
        FaultyDevice counting = new FaultyDevice(probe);
        VirtualDevice pv = Fixtures.runtime().open(counting);
        long start = counting.accesses();
        pv.write(COMMAND, 4, Command.MEMORY | Command.IO | Command.MASTER);
        long span = counting.accesses() - start;
        assertTrue(span >= 2, "the write reads and writes the device: " + span + " accesses");

        for (long k = 0; k < span; k++) {
            Recorder spy = new Recorder(new HeaderHandler());
            CoreRuntime rt = runtimeWithSpy(spy);
            SimulatedDevice sim = Fixtures.fresh(I82576);
            FaultyDevice phys = new FaultyDevice(sim);
            VirtualDevice v = rt.open(phys);
            int shadow = spy.context.shadow(COMMAND, 4);
            int device = sim.readConfig(COMMAND, 2);
            phys.loseFrom(phys.accesses() + k);
            PciAccessException e = assertThrows(PciAccessException.class,
                    () -> v.write(COMMAND, 4, Command.MEMORY | Command.IO | Command.MASTER));
            assertTrue(e.getMessage().startsWith(v.address().toString()), e.getMessage());
            assertTrue(e.offset() >= 0 && e.width() > 0, "names offset and width: " + e.getMessage());
            assertEquals(shadow, spy.context.shadow(COMMAND, 4), "lost at device access " + k);
            assertEquals(device, sim.readConfig(COMMAND, 2), "lost at device access " + k);
            assertTrue(dto(rt, v).failed);
            assertRefusedAsFailed(v);
        }
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void aDeviceFailingWhileItIsOpenedIsRefusedWithANamedErrorAndCanBeOpenedOnceItWorks(Style style) {
        CoreRuntime rt = Fixtures.runtime(log);
        FaultyDevice phys = new FaultyDevice(Fixtures.fresh(RTL8111)).style(style);
        phys.failWhen(a -> a.op() == Op.CONFIG_READ && a.offset() == 0x104);
        PciAccessException e = assertThrows(PciAccessException.class, () -> rt.open(phys));
        assertTrue(e.getMessage().startsWith(phys.address().toString()), e.getMessage());
        assertEquals(0x104, e.offset(), e.getMessage());
        assertEquals(4, e.width(), e.getMessage());
        assertTrue(rt.device(phys.address()).isEmpty());
        assertEquals(0, rt.snapshot().devices.length);

        phys.heal();
        VirtualDevice v = rt.open(phys);
        assertEquals(phys.readConfig(VENDOR_ID, 2), v.read(VENDOR_ID, 2));
    }

    @Test
    void aResetTheBackendRefusesLeavesTheGuestViewAsItWasAndTheDeviceUsable() {
        CoreRuntime rt = Fixtures.runtime(log);
        FaultyDevice phys = new FaultyDevice(Fixtures.fresh(I82576));
        VirtualDevice v = rt.open(phys);
        v.write(INTERRUPT_LINE, 1, 0x5a);
        v.write(BASE_ADDRESS_0, 4, 0xfee00000);
        int bar0 = v.read(BASE_ADDRESS_0, 4);
        phys.failWhen(a -> a.op() == Op.RESET);

        PciAccessException e = assertThrows(PciAccessException.class, () -> v.reset(ResetKind.FLR));
        assertTrue(e.getMessage().startsWith(v.address().toString()), e.getMessage());
        assertEquals(0x5a, v.read(INTERRUPT_LINE, 1));
        assertEquals(bar0, v.read(BASE_ADDRESS_0, 4));
        assertFalse(dto(rt, v).failed);
    }

    @Test
    void aDeviceLostWhileTheHostRestoresItsBarsAfterAResetIsFailedNotLeftHalfRestored() {
        CoreRuntime rt = Fixtures.runtime(log);
        SimulatedDevice sim = Fixtures.fresh(I82576);
        FaultyDevice phys = new FaultyDevice(sim);
        VirtualDevice v = rt.open(phys);
        // The reset itself succeeds; the second BAR the host writes back is lost.
        phys.failWhen(a -> a.op() == Op.CONFIG_WRITE && a.offset() == BASE_ADDRESS_0 + 4);
        PciAccessException e = assertThrows(PciAccessException.class, () -> v.reset(ResetKind.FLR));
        assertNames(e, v, BASE_ADDRESS_0 + 4, 4);
        assertTrue(dto(rt, v).failed);
        assertRefusedAsFailed(v);
    }

    @Test
    void aFailedBarAccessNamesDeviceBarOffsetAndWidthAndNeverEscapesRaw() {
        CoreRuntime rt = Fixtures.runtime(log);
        FaultyDevice phys = new FaultyDevice(Fixtures.fresh(I82576)).style(Style.RAW);
        VirtualDevice v = rt.open(phys);
        v.write(COMMAND, 2, Command.MEMORY);
        phys.failWhen(a -> a.op() == Op.BAR_READ || a.op() == Op.BAR_WRITE);
        PciAccessException r = assertThrows(PciAccessException.class, () -> v.barRead(0, 0x10, 4));
        assertNames(r, v, 0x10, 4);
        assertTrue(r.getMessage().contains("BAR 0"), r.getMessage());
        PciAccessException w = assertThrows(PciAccessException.class, () -> v.barWrite(0, 0x18, 8, 1L));
        assertNames(w, v, 0x18, 8);
        assertTrue(w.getMessage().contains("BAR 0"), w.getMessage());
        phys.heal();
        v.barRead(0, 0x10, 4);
    }

    @Test
    void theFailureOfOneDeviceNeverReachesAnotherOfTheSameRuntime() {
        CoreRuntime rt = Fixtures.runtime(log);
        FaultyDevice dying = new FaultyDevice(Fixtures.freshAt(I82576, 0x40));
        VirtualDevice d = rt.open(dying);
        PhysicalDevice other = Fixtures.freshAt(I82576, 0x41);
        VirtualDevice o = rt.open(other);
        o.write(CACHE_LINE_SIZE, 1, 0x10);
        dying.loseFrom(dying.accesses());
        try {
            d.write(CACHE_LINE_SIZE, 1, 0x10);
            fail("the write reached a lost device");
        } catch (PciAccessException expected) {
            assertTrue(expected.getMessage().startsWith(d.address().toString()));
        }
        assertEquals(0x10, o.read(CACHE_LINE_SIZE, 1));
        o.write(CACHE_LINE_SIZE, 1, 0x08);
        assertEquals(0x08, other.readConfig(CACHE_LINE_SIZE, 1));
        o.reset(ResetKind.FLR);
        assertFalse(dto(rt, o).failed);
        assertTrue(dto(rt, d).failed);
    }
}
