package org.pciguard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.CFG_SPACE_SIZE;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.capability.CapabilityKey;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.virt.DeviceOptions;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.dto.HandlerDTO;
import org.pciguard.api.virt.dto.RuntimeDTO;
import org.pciguard.api.virt.dto.VirtualCapabilityDTO;
import org.pciguard.testing.RecordingLogger;
import org.pciguard.walker.DefaultCapabilityWalker;

/** Handler ranking, takeover, fallback and quarantine under a running guest (DESIGN.md, "Hot deployment"). */
class HotSwapTest {

    static final int CAP = 0x40;
    /** +4: virtual read-write under every table. */
    static final int VIRT = CAP + 4;
    /** +8: device read-write under the "wide" table, read-only under the "narrow" one. */
    static final int DEV = CAP + 8;
    /** +0xc: device read-write under every table. */
    static final int DEV2 = CAP + 0xc;

    static PermissionTable table(boolean wide) {
        PermissionTable.Builder b = PermissionTable.builder(16)
                .at(4, 4).virtual(-1).writable(-1).because("scratch in the shadow")
                .at(0xc, 4).writable(-1).because("device scratch");
        if (wide) {
            b.at(8, 4).virtual(0x0000ffff).writable(-1).because("low half in the shadow, high half on the device");
        }
        return b.build();
    }

    final RecordingLogger log = new RecordingLogger();
    final CoreRuntime runtime = new CoreRuntime(new DefaultCapabilityWalker(), log);
    final FakeDevice fake = ConfigImage.type0(CFG_SPACE_SIZE).std(CAP, CapId.VNDR).set(CAP + 2, 1, 16)
            .std(0x50, CapId.SLOTID).device().rw(DEV, 4, -1).rw(DEV2, 4, -1);
    final FakeHandler narrow = new FakeHandler(c -> table(false));
    final FakeHandler wide = new FakeHandler(c -> table(true));
    ExecutorService pool;

    @AfterEach
    void stopPool() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    static VirtualCapabilityDTO vendor(RuntimeDTO dto) {
        return dto.devices[0].capabilities[1];
    }

    static HandlerDTO handler(RuntimeDTO dto, long serviceId) {
        for (HandlerDTO h : dto.handlers) {
            if (h.serviceId == serviceId) {
                return h;
            }
        }
        throw new AssertionError("no handler " + serviceId);
    }

    @Test
    void highestRankingServesTiesGoToTheLowestServiceIdOthersAreShadowed() {
        runtime.addHandler(narrow, FakeHandler.props("standard", CapId.VNDR, 0, 10));
        runtime.addHandler(wide, FakeHandler.props("standard", CapId.VNDR, 5, 12));
        FakeHandler tie = new FakeHandler(c -> table(false));
        runtime.addHandler(tie, FakeHandler.props("standard", CapId.VNDR, 5, 11));
        runtime.open(fake);
        RuntimeDTO dto = runtime.snapshot();
        assertEquals(11, vendor(dto).handlerServiceId);
        assertEquals("test.bundle.11", vendor(dto).handlerBundle);
        assertEquals(HandlerDTO.ACTIVE, handler(dto, 11).failureReason);
        assertEquals(-1, handler(dto, 11).shadowedBy);
        for (long shadowed : new long[] { 10, 12 }) {
            assertEquals(HandlerDTO.SHADOWED, handler(dto, shadowed).failureReason);
            assertEquals(11, handler(dto, shadowed).shadowedBy);
        }
        assertEquals(1, tie.initializeCalls.get());
        assertEquals(0, wide.initializeCalls.get() + narrow.initializeCalls.get(), "shadowed handlers do nothing");
    }

    @Test
    void takeoverAppliesToTheNextAccessWithTheGuestStateCarriedOver() {
        runtime.addHandler(narrow, FakeHandler.props("standard", CapId.VNDR, 0, 10));
        VirtualDevice v = runtime.open(fake);
        v.write(VIRT, 4, 0x55aa55aa);
        v.write(DEV, 4, 0x12345678);
        assertEquals(0, fake.peek(DEV, 4), "the narrow table does not let the guest write +8");

        runtime.addHandler(wide, FakeHandler.props("standard", CapId.VNDR, 10, 11));
        assertEquals(0x55aa55aa, v.read(VIRT, 4), "the shadow is kept");
        assertEquals(1, wide.permissionsCalls.get());
        assertEquals(0, wide.initializeCalls.get(), "initialize is not called on takeover");
        v.write(DEV, 4, 0x12345678);
        assertEquals(0x12340000, fake.peek(DEV, 4), "the new table applies: high half to the device");
        assertEquals(0x12345678, v.read(DEV, 4));
        assertEquals(List.of("4@0x48=0x12345678 before 0x0"), wide.writes);
        assertEquals(List.of("4@0x44=0x55aa55aa before 0x0"), narrow.writes,
                "the narrow handler heard its one merged write (the denied one calls no hook), nothing after the takeover");
        assertEquals(11, vendor(runtime.snapshot()).handlerServiceId);
    }

    @Test
    void leavingHandlerFallsBackToTheNextInRankThenToReadOnly() {
        runtime.addHandler(narrow, FakeHandler.props("standard", CapId.VNDR, 0, 10));
        runtime.addHandler(wide, FakeHandler.props("standard", CapId.VNDR, 10, 11));
        VirtualDevice v = runtime.open(fake);
        v.write(VIRT, 4, 0x0badcafe);

        runtime.removeHandler(wide);
        assertEquals(10, vendor(runtime.snapshot()).handlerServiceId);
        v.write(DEV, 4, -1);
        assertEquals(0, fake.peek(DEV, 4), "the next in rank serves: +8 is read-only again");
        assertEquals(0x0badcafe, v.read(VIRT, 4));

        runtime.removeHandler(narrow);
        VirtualCapabilityDTO c = vendor(runtime.snapshot());
        assertEquals(-1, c.handlerServiceId);
        assertNull(c.handlerBundle);
        v.write(VIRT, 4, 0);
        v.write(DEV2, 4, -1);
        assertEquals(0x0badcafe, v.read(VIRT, 4), "read-only fallback: what the guest wrote stays visible");
        assertEquals(0, fake.peek(DEV2, 4), "read-only fallback: nothing reaches the device");
        assertEquals(2, vendor(runtime.snapshot()).deniedWrites - 1);

        runtime.addHandler(narrow, FakeHandler.props("standard", CapId.VNDR, 0, 10));
        v.write(DEV2, 4, 0x1111);
        assertEquals(0x1111, fake.peek(DEV2, 4), "a handler arriving takes over the fallback");
        assertEquals(0x0badcafe, v.read(VIRT, 4));
    }

    @Test
    void visibilityChangesWaitForTheNextReset() {
        runtime.addHandler(narrow, FakeHandler.props("standard", CapId.VNDR, 0, 10));
        FakeHandler slotId = new FakeHandler(c -> PermissionTable.readOnly(4));
        VirtualDevice v = runtime.open(fake);
        runtime.setDeviceOptions(fake.address(), new DeviceOptions(false,
                Set.of(CapabilityKey.parse("0x09")), Set.of(CapabilityKey.parse("0x04"))));
        runtime.addHandler(slotId, FakeHandler.props("standard", CapId.SLOTID, 0, 20));
        assertEquals(List.of(CAP), ChainAndPolicyTest.guestStandardChain(v), "nothing changes under the running guest");
        assertEquals(0, slotId.permissionsCalls.get(), "a handler of a hidden capability does not take it over");

        v.reset(ResetKind.FLR);
        assertEquals(List.of(0x50), ChainAndPolicyTest.guestStandardChain(v), "the new options apply at reset");
        assertEquals(1, slotId.initializeCalls.get());
        assertTrue(vendor(runtime.snapshot()).hidden);
    }

    @ParameterizedTest
    @ValueSource(strings = { "permissions", "initialize", "configWritten" })
    void throwingHandlerIsQuarantinedItsCapabilityServedReadOnlyAndTheErrorLogged(String hook) {
        FakeHandler bad = new FakeHandler(c -> table(true));
        bad.throwIn = hook;
        runtime.addHandler(bad, FakeHandler.props("standard", CapId.VNDR, 0, 10));
        VirtualDevice v = runtime.open(fake);
        v.write(DEV2, 4, 0x77);   // configWritten throws here; the access itself must not
        v.write(DEV2, 4, 0x99);
        int expected = hook.equals("configWritten") ? 0x77 : 0;
        assertEquals(expected, fake.peek(DEV2, 4), "after the failure the capability is read-only");

        VirtualCapabilityDTO c = vendor(runtime.snapshot());
        assertTrue(c.quarantined);
        assertEquals(-1, c.handlerServiceId);
        assertTrue(c.quarantineReason.contains("service 10") && c.quarantineReason.contains(hook), c.quarantineReason);
        String during = hook.equals("configWritten") ? "config write of 4 bytes at 0x4c" : "building the device";
        assertEquals(1, log.containing("0000:03:00.0", "capability id 0x9", "at 0x40", hook, during).size(),
                log.messages.toString());

        runtime.addHandler(narrow, FakeHandler.props("standard", CapId.VNDR, 5, 11));
        v.write(DEV2, 4, 0x55);
        assertEquals(0x55, fake.peek(DEV2, 4), "a different handler is not quarantined");
        assertFalse(vendor(runtime.snapshot()).quarantined);
    }

    @Test
    void quarantineFollowsTheServiceAcrossAChangeOfItsProperties() {
        FakeHandler bad = new FakeHandler(c -> table(true));
        bad.throwIn = "configWritten";
        runtime.addHandler(bad, FakeHandler.props("standard", CapId.VNDR, 0, 10));
        VirtualDevice v = runtime.open(fake);
        v.write(DEV2, 4, 1);
        bad.throwIn = null;
        runtime.updateHandler(bad, FakeHandler.props("standard", CapId.VNDR, 7, 10));
        v.write(DEV2, 4, 2);
        assertEquals(1, fake.peek(DEV2, 4), "still quarantined: read-only");
        assertTrue(vendor(runtime.snapshot()).quarantined);
        assertEquals(7, handler(runtime.snapshot(), 10).ranking);
        v.reset(ResetKind.FLR);
        v.write(DEV2, 4, 3);
        assertEquals(0, fake.peek(DEV2, 4), "a reset does not lift the quarantine either");
    }

    @Test
    void handlerThrowingOnTakeoverLeavesThePreviousStateReadOnly() {
        runtime.addHandler(wide, FakeHandler.props("standard", CapId.VNDR, 0, 10));
        VirtualDevice v = runtime.open(fake);
        v.write(DEV, 4, 0xabcd1234);
        FakeHandler bad = new FakeHandler(c -> table(false));
        bad.throwIn = "permissions";
        runtime.addHandler(bad, FakeHandler.props("standard", CapId.VNDR, 10, 11));
        assertEquals(0xabcd1234, v.read(DEV, 4), "the low half stays virtual: the shadow is still shown");
        v.write(DEV, 4, 0);
        assertEquals(0xabcd0000, fake.peek(DEV, 4));
        assertTrue(vendor(runtime.snapshot()).quarantined);
    }

    @Test
    void changeCountRisesWithEveryStructuralChange() {
        List<Long> seen = new ArrayList<>();
        runtime.setChangeListener(seen::add);
        long start = runtime.changeCount();
        runtime.addHandler(narrow, FakeHandler.props("standard", CapId.VNDR, 0, 10));
        VirtualDevice v = runtime.open(fake);
        long opened = runtime.changeCount();
        assertTrue(opened > start + 1);
        assertEquals(opened, runtime.snapshot().changeCount);
        v.reset(ResetKind.FLR);
        assertTrue(runtime.changeCount() > opened);
        long reset = runtime.changeCount();
        v.close();
        assertTrue(runtime.changeCount() > reset);
        assertEquals(runtime.changeCount(), seen.get(seen.size() - 1));
        assertEquals(0, runtime.snapshot().devices.length);
    }

    /**
     * Two vCPU threads hammer one device while handlers are swapped repeatedly: every access is
     * atomic (a register half in the shadow and half on the device is never torn) and each thread
     * reads back what it wrote.
     */
    @Test
    void concurrentAccessesStayAtomicWhileHandlersSwap() throws Exception {
        fake.recording = false;
        runtime.addHandler(wide, FakeHandler.props("standard", CapId.VNDR, 0, 10));
        VirtualDevice v = runtime.open(fake);
        int rounds = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong swaps = new AtomicLong();
        pool = Executors.newFixedThreadPool(3);
        List<Future<?>> cpus = new ArrayList<>();
        for (int cpu = 1; cpu <= 2; cpu++) {
            int own = cpu == 1 ? VIRT : DEV2;
            int tag = cpu << 12;
            cpus.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    int mine = tag << 16 | i;
                    v.write(own, 4, mine);
                    assertEquals(mine, v.read(own, 4), "own register of cpu " + (tag >> 12));
                    int half = tag | (i & 0xfff);
                    v.write(DEV, 4, half << 16 | half);
                    int seen = v.read(DEV, 4);
                    assertEquals(seen >>> 16, seen & 0xffff, "torn value 0x" + Integer.toHexString(seen));
                }
                return null;
            }));
        }
        Future<?> swapper = pool.submit(() -> {
            start.await();
            for (long id = 100; !done.get() || swaps.get() < 100; id++) {
                FakeHandler next = new FakeHandler(c -> table(true));
                runtime.addHandler(next, FakeHandler.props("standard", CapId.VNDR, 10, id));
                runtime.removeHandler(next);
                swaps.incrementAndGet();
            }
            return null;
        });
        start.countDown();
        for (Future<?> f : cpus) {
            f.get(2, TimeUnit.MINUTES);
        }
        done.set(true);
        swapper.get(2, TimeUnit.MINUTES);
        assertTrue(swaps.get() >= 100);
        VirtualCapabilityDTO c = vendor(runtime.snapshot());
        assertEquals(10, c.handlerServiceId);
        assertFalse(c.quarantined);
        assertEquals(0, runtime.snapshot().devices[0].refusedAccesses);
    }
}
