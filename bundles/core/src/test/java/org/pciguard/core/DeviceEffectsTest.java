package org.pciguard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_0;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_2;
import static org.pciguard.api.regs.PciRegs.CFG_SPACE_SIZE;
import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.api.regs.PciRegs.STATUS;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.BarKind;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.handler.BarRegion;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.Effect;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Pm;
import org.pciguard.api.regs.PciRegs.Status;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.dto.VirtualCapabilityDTO;
import org.pciguard.testing.RecordingLogger;
import org.pciguard.walker.DefaultCapabilityWalker;

/** BAR gating, claimed regions, resets, backdoor resets and the other effects. */
class DeviceEffectsTest {

    static final int PM = 0x40;
    static final int PMCSR = PM + Pm.CTRL;
    static final int VNDR = 0x50;
    /** Vendor +4: virtual scratch register; writing 0xdead asks for an FLR. */
    static final int SCRATCH = VNDR + 4;
    static final int HOST_BAR0 = 0xfe000000;
    static final int HOST_BAR2 = 0xe000 | PciRegs.BaseAddress.SPACE_IO;
    static final BarRegion TABLE = new BarRegion(0, 0x804, 0x3c, "test table");

    /** PMCSR PowerState virtual; a change is an effect the core carries out. */
    static PermissionTable pm() {
        return PermissionTable.builder(Pm.SIZEOF)
                .at(Pm.CTRL, 2).virtual(Pm.CTRL_STATE_MASK).writable(Pm.CTRL_STATE_MASK).because("power state").build();
    }

    final RecordingLogger log = new RecordingLogger();
    final CoreRuntime runtime = new CoreRuntime(new DefaultCapabilityWalker(), log);
    final FakeHandler vendor = new FakeHandler(c -> PermissionTable.builder(16)
            .at(4, 4).virtual(-1).writable(-1).because("scratch").build());
    final FakeHandler power = new FakeHandler(c -> pm());
    FakeDevice fake;
    VirtualDevice v;

    @BeforeEach
    void open() {
        fake = ConfigImage.type0(CFG_SPACE_SIZE)
                .set(COMMAND, 2, Command.MEMORY | Command.IO)
                .set(BASE_ADDRESS_0, 4, HOST_BAR0).set(BASE_ADDRESS_2, 4, HOST_BAR2)
                .std(PM, CapId.PM).set(PM + Pm.PMC, 2, 3)
                .std(VNDR, CapId.VNDR).set(VNDR + 2, 1, 16).set(SCRATCH, 4, 0x5ca1ab1e)
                .device()
                .rw(COMMAND, 2, 0x07ff).rw1c(STATUS, 2, Status.RW1C)
                .rw(PMCSR, 2, Pm.CTRL_STATE_MASK).rw1c(PMCSR, 2, Pm.CTRL_PME_STATUS)
                .bar(new BarInfo(0, BarKind.MEMORY32, 0x1000, false, false, HOST_BAR0))
                .bar(new BarInfo(2, BarKind.IO, 0x20, false, false, HOST_BAR2))
                .powerOn(BASE_ADDRESS_0, 4, 0).powerOn(BASE_ADDRESS_2, 4, PciRegs.BaseAddress.SPACE_IO)
                .powerOn(COMMAND, 2, 0);
        fake.pokeBar(0, TABLE.offset(), 4, 0x0a0b0c0d);
        runtime.addHandler(new FakeHandler(c -> FakeHeader.table()), FakeHandler.props("header", 0, 0, 1));
        runtime.addHandler(power, FakeHandler.props("standard", CapId.PM, 0, 2));
        runtime.addHandler(vendor, FakeHandler.props("standard", CapId.VNDR, 0, 3));
        power.onWrite = (c, value) -> {
            int before = c.snapshot(PMCSR, 2) & Pm.CTRL_STATE_MASK;
            return List.of(new Effect.PowerStateChange(before, value & Pm.CTRL_STATE_MASK));
        };
        vendor.onInitialize = c -> List.of(new Effect.BarRegionClaim(TABLE));
        vendor.onWrite = (c, value) -> value == 0xdead ? List.of(new Effect.ResetRequest(ResetKind.FLR))
                : CapabilityHandler.NONE;
        v = runtime.open(fake);
        fake.clearAccesses();
    }

    private List<FakeDevice.Access> barAccesses() {
        return fake.accesses().stream().filter(a -> a.bar() >= 0).toList();
    }

    /** DESIGN.md difference 7: BAR accesses need the guest's decode bit and D0. */
    @Test
    void difference7BarAccessIsRefusedWhileTheGuestsDecodeIsOff() {
        v.write(COMMAND, 2, 0);
        fake.pokeBar(0, 0x10, 4, 0x12345678);
        assertEquals(0xffffffffL, v.barRead(0, 0x10, 4));
        assertEquals(-1L, v.barRead(0, 0x10, 8));
        assertEquals(0xffL, v.barRead(2, 0x4, 1));
        v.barWrite(0, 0x10, 4, 0);
        assertEquals(List.of(), barAccesses(), "nothing reaches the device");
        assertEquals(4, runtime.snapshot().devices[0].refusedAccesses);

        v.write(COMMAND, 2, Command.MEMORY);
        assertEquals(Command.MEMORY | Command.IO, fake.peek(COMMAND, 2) & (Command.MEMORY | Command.IO),
                "the device keeps the host's decode");
        assertEquals(0x12345678L, v.barRead(0, 0x10, 4));
        v.barWrite(0, 0x10, 2, 0xbeef);
        assertEquals(0x1234beefL, fake.peekBar(0, 0x10, 4));
        assertEquals(0xffL, v.barRead(2, 0x4, 1), "the I/O BAR follows the I/O bit");
        v.write(COMMAND, 2, Command.MEMORY | Command.IO);
        assertEquals(0L, v.barRead(2, 0x4, 1));
    }

    @Test
    void barAccessIsRefusedInD3hotAndThePowerStateChangeIsCarriedOut() {
        fake.hw(PMCSR, 2, Pm.CTRL_PME_STATUS);
        v.write(PMCSR, 2, Pm.STATE_D3HOT);
        assertEquals(Pm.STATE_D3HOT | Pm.CTRL_PME_STATUS, fake.peek(PMCSR, 2), "PowerState written, PME_Status kept");
        assertEquals(0xffffffffL, v.barRead(0, 0, 4));
        v.write(PMCSR, 2, Pm.STATE_D0);
        assertEquals(Pm.STATE_D0, fake.peek(PMCSR, 2) & Pm.CTRL_STATE_MASK);
        assertEquals(0L, v.barRead(0, 0, 4));
    }

    @ParameterizedTest(name = "BAR {0}, {2}-byte access at {1}")
    @CsvSource({ "1, 0, 4, no such BAR", "6, 0, 4, no such BAR", "-1, 0, 4, no such BAR", "0, 0, 3, width",
            "0, 2, 4, aligned", "0, 0x1000, 4, outside", "0, 0xffc, 8, outside", "2, 0x20, 1, outside",
            "2, -8, 8, outside" })
    void malformedBarAccessIsRefusedNamingDeviceBarOffsetAndWidth(int bar, String at, int size, String reason) {
        long offset = Long.decode(at);
        for (PciAccessException e : new PciAccessException[] {
            assertThrows(PciAccessException.class, () -> v.barRead(bar, offset, size)),
            assertThrows(PciAccessException.class, () -> v.barWrite(bar, offset, size, 0)) }) {
            String m = e.getMessage();
            assertTrue(m.contains("0000:03:00.0") && m.contains("BAR " + bar) && m.contains(reason), m);
            if (offset >= 0) {
                assertTrue(m.contains(size + "-byte access at 0x" + Long.toHexString(offset)), m);
            }
        }
        assertEquals(List.of(), barAccesses());
    }

    @Test
    void backdoorResetIsRepairedBeforeTheGuestEnablesDecode() {
        fake.writeConfig(BASE_ADDRESS_0, 4, 0);            // the device lost its BAR behind our back
        fake.writeConfig(COMMAND, 2, 0);                   // and its decode
        v.write(COMMAND, 2, Command.MEMORY);
        assertEquals(HOST_BAR0, fake.peek(BASE_ADDRESS_0, 4));
        assertEquals(HOST_BAR2, fake.peek(BASE_ADDRESS_2, 4));
        assertEquals(Command.MEMORY | Command.IO, fake.peek(COMMAND, 2) & (Command.MEMORY | Command.IO));
        assertEquals(1, log.containing("0000:03:00.0", "backdoor reset").size());

        fake.clearAccesses();
        v.write(COMMAND, 2, Command.MEMORY);
        assertTrue(fake.accesses().stream().noneMatch(a -> a.write() && a.offset() == BASE_ADDRESS_0),
                "nothing to restore when the BARs are intact");
    }

    @Test
    void resetRequestResetsTheDeviceAndReturnsToTheOpenTimeView() {
        v.write(SCRATCH, 4, 0x1234);
        v.write(COMMAND, 2, Command.MEMORY | Command.MASTER);
        v.barWrite(0, TABLE.offset(), 4, 0x77);
        v.write(SCRATCH, 4, 0xdead);
        assertEquals(List.of(ResetKind.FLR), fake.resetsDone);
        assertEquals(0x5ca1ab1e, v.read(SCRATCH, 4), "the shadow is back to the snapshot");
        assertEquals(Command.MEMORY | Command.IO, v.read(COMMAND, 2), "the guest's Command too");
        assertEquals(2, vendor.initializeCalls.get(), "initialize again after the reset");
        assertEquals(HOST_BAR0, fake.peek(BASE_ADDRESS_0, 4), "host BARs written back after the FLR");
        assertEquals(Command.MEMORY | Command.IO, fake.peek(COMMAND, 2), "and the host's decode");
        assertEquals(0L, v.barRead(0, TABLE.offset(), 4), "the region is claimed again, as zeros");
    }

    @Test
    void hostResetDoesTheSameAndAnUnsupportedResetChangesNothing() {
        v.write(SCRATCH, 4, 0x1234);
        PciAccessException e = assertThrows(PciAccessException.class, () -> v.reset(ResetKind.BUS));
        assertTrue(e.getMessage().contains("BUS"), e.getMessage());
        assertEquals(0x1234, v.read(SCRATCH, 4));
        v.reset(ResetKind.FLR);
        assertEquals(0x5ca1ab1e, v.read(SCRATCH, 4));
        assertEquals(HOST_BAR2, fake.peek(BASE_ADDRESS_2, 4));
    }

    @Test
    void guestResetThatTheDeviceRefusesIsLoggedAndTheWriteCompletes() {
        vendor.onWrite = (c, value) -> List.of(new Effect.ResetRequest(ResetKind.AF_FLR));
        v.write(SCRATCH, 4, 0x42);
        assertEquals(0x42, v.read(SCRATCH, 4));
        assertEquals(1, log.containing("reset AF_FLR", "failed").size(), log.messages.toString());
    }

    @Test
    void claimedRegionIsEmulatedAndReportedToTheHandler() {
        assertEquals(0L, v.barRead(0, 0x804, 4), "the region starts as zeros, never as the device holds it");
        v.barWrite(0, 0x810, 4, 0xcafef00dL);
        v.barWrite(0, 0x838, 8, 0x0102030405060708L);
        assertEquals(0xcafef00dL, v.barRead(0, 0x810, 4));
        assertEquals(0x0506L, v.barRead(0, 0x83a, 2));
        assertEquals(0L, fake.peekBar(0, 0x810, 4), "the device never sees the region");
        assertEquals(List.of("test table 4@0x810=0xcafef00d", "test table 8@0x838=0x102030405060708"), vendor.regionWrites);
        assertEquals(List.of(), barAccesses());

        PciAccessException e = assertThrows(PciAccessException.class, () -> v.barRead(0, 0x800, 8));
        assertTrue(e.getMessage().contains("straddles") && e.getMessage().contains("test table"), e.getMessage());
        assertThrows(PciAccessException.class, () -> v.barWrite(0, 0x800, 8, 0));
        v.barWrite(0, 0x840, 4, 9);
        assertEquals(9L, fake.peekBar(0, 0x840, 4), "outside the region the device is reached");
    }

    @Test
    void handlerThrowingOnARegionWriteIsQuarantinedAndTheRegionStaysEmulated() {
        vendor.throwIn = "regionWritten";
        v.barWrite(0, 0x810, 4, 1);
        v.barWrite(0, 0x814, 4, 2);
        assertEquals(0L, fake.peekBar(0, 0x810, 8));
        assertEquals(0x200000001L, v.barRead(0, 0x810, 8));
        assertTrue(runtime.snapshot().devices[0].capabilities[2].quarantined);
        assertEquals(1, log.containing("regionWritten", "BAR 0 write of 4 bytes at 0x810", "capability id 0x9").size(),
                log.messages.toString());
    }

    /** The handler sets a claimed region's initial contents right after the claim, at open and at each reset. */
    @Test
    void regionClaimedLetsTheHandlerSetTheInitialContents() {
        vendor.onRegionClaimed = (c, r) -> c.setRegion(r, r.offset() + 4, 4, 0x600d);
        v.close();
        v = runtime.open(fake);
        v.write(COMMAND, 2, Command.MEMORY);
        assertEquals(0x600dL, v.barRead(0, TABLE.offset() + 4, 4));
        v.barWrite(0, TABLE.offset() + 4, 4, 1);
        v.reset(ResetKind.FLR);
        v.write(COMMAND, 2, Command.MEMORY);
        assertEquals(0x600dL, v.barRead(0, TABLE.offset() + 4, 4), "set again after the reset");
        assertEquals(0L, fake.peekBar(0, TABLE.offset() + 4, 4), "the device never sees it");
    }

    @Test
    void handlerThrowingInRegionClaimedIsQuarantinedAndTheRegionStaysEmulatedAsZeros() {
        vendor.throwIn = "regionClaimed";
        v.close();
        v = runtime.open(fake);
        v.write(COMMAND, 2, Command.MEMORY);
        assertEquals(0L, v.barRead(0, TABLE.offset(), 4));
        assertTrue(runtime.snapshot().devices[0].capabilities[2].quarantined);
        assertEquals(1, log.containing("regionClaimed", "claiming test table", "capability id 0x9").size(),
                log.messages.toString());
    }

    /** A region access the handler refuses fails as a malformed access does: counted, and nothing changes. */
    @Test
    void regionAccessTheHandlerRefusesChangesNothing() {
        vendor.takesRegionAccessOfSize = size -> size >= 4;
        v.barWrite(0, 0x810, 4, 0x11223344L);
        for (PciAccessException e : new PciAccessException[] {
            assertThrows(PciAccessException.class, () -> v.barWrite(0, 0x812, 2, 0xffff)),
            assertThrows(PciAccessException.class, () -> v.barRead(0, 0x811, 1)) }) {
            String m = e.getMessage();
            assertTrue(m.contains("0000:03:00.0") && m.contains("BAR 0") && m.contains("test table")
                    && m.contains("VNDR@0x50") && m.contains("refused"), m);
        }
        assertEquals(0x11223344L, v.barRead(0, 0x810, 4), "the region keeps its bytes");
        assertEquals(List.of("test table 4@0x810=0x11223344"), vendor.regionWrites, "the refused write is not reported");
        assertEquals(2, runtime.snapshot().devices[0].refusedAccesses);
        assertEquals(List.of(), barAccesses());
    }

    @Test
    void handlerThrowingInRegionAccessIsQuarantinedAndTheAccessProceeds() {
        vendor.throwIn = "regionAccess";
        v.barWrite(0, 0x810, 4, 7);
        assertEquals(7L, v.barRead(0, 0x810, 4));
        assertTrue(runtime.snapshot().devices[0].capabilities[2].quarantined);
        assertEquals(1, log.containing("regionAccess", "BAR 0 write of 4 bytes at 0x810").size(), log.messages.toString());
    }

    /** A capability in which its handler finds an anomaly against the BARs is hidden at open, with the reason. */
    @Test
    void anomalyTheHandlerFindsHidesTheCapability() {
        vendor.anomaly = Optional.of("table outside BAR 0");
        int initialized = vendor.initializeCalls.get();
        v.close();
        v = runtime.open(fake);
        VirtualCapabilityDTO vndr = runtime.snapshot().devices[0].capabilities[2];
        assertTrue(vndr.hidden);
        assertEquals("anomaly: table outside BAR 0", vndr.hiddenReason);
        assertEquals(0, v.read(PM + 1, 1), "relinked out of the chain");
        assertEquals(1, log.containing("0000:03:00.0", "VNDR@0x50 hidden", "table outside BAR 0").size(),
                log.messages.toString());
        assertEquals(initialized, vendor.initializeCalls.get(), "a hidden capability's handler is not bound");
        v.write(COMMAND, 2, Command.MEMORY);
        assertEquals(0x0a0b0c0dL, v.barRead(0, TABLE.offset(), 4), "and claims no region");
        assertFalse(runtime.snapshot().devices[0].capabilities[1].hidden, "PM stays");
    }

    @Test
    void handlerThrowingInAnomalyIsQuarantinedAndTheCapabilityServedReadOnly() {
        vendor.throwIn = "anomaly";
        v.close();
        v = runtime.open(fake);
        VirtualCapabilityDTO vndr = runtime.snapshot().devices[0].capabilities[2];
        assertTrue(vndr.quarantined && !vndr.hidden, vndr.toString());
        v.write(SCRATCH, 4, 1);
        assertEquals(0x5ca1ab1e, v.read(SCRATCH, 4));
    }

    @Test
    void handlerContextGuardsTheShadowOfOtherCapabilities() {
        List<String> errors = new ArrayList<>();
        vendor.onWrite = (c, value) -> {
            c.setShadow(SCRATCH, 2, 0xaaaa);
            try {
                c.setShadow(PMCSR, 2, 0);
            } catch (IllegalArgumentException e) {
                errors.add(e.getMessage());
            }
            return CapabilityHandler.NONE;
        };
        v.write(SCRATCH, 4, 0x11111111);
        assertEquals(0x1111aaaa, v.read(SCRATCH, 4));
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).contains("0x44") && errors.get(0).contains("0x50"), errors.get(0));
    }
}
