package org.pciguard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_0;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_2;
import static org.pciguard.api.regs.PciRegs.CFG_SPACE_SIZE;
import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.api.regs.PciRegs.STATUS;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.BarKind;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.Effect;
import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.BaseAddress;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Pm;
import org.pciguard.api.regs.PciRegs.Status;
import org.pciguard.api.regs.PciRegs.Vpd;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.testing.RecordingLogger;

/**
 * Power-state changes around a function that resets itself on D3hot to D0, PME_Status under a
 * guest's read-modify-write of PMCSR, and the VPD handshake the core runs for a handler.
 */
class PowerAndVpdEffectsTest {

    static final int PM = 0x40;
    static final int PMCSR = PM + Pm.CTRL;
    static final int VPD = 0x48;
    static final int HOST_BAR0 = 0xfe000000;
    static final int HOST_BAR2 = 0xe000 | BaseAddress.SPACE_IO;
    static final int DECODE = Command.MEMORY | Command.IO;
    /** The VPD capability of the RTL8111 dump. */
    static final int RTL8111_VPD = 0xd0;

    final RecordingLogger log = new RecordingLogger();
    final CoreRuntime runtime = FakeHeader.runtime(log);

    /** PowerState trapped (an effect), PME bits virtual and device RW1C, Data_Select on the device. */
    final FakeHandler power = new FakeHandler(c -> PermissionTable.builder(Pm.SIZEOF)
            .at(Pm.CTRL, 2).virtual(Pm.CTRL_PME_ENABLE | Pm.CTRL_PME_STATUS).writable(Pm.CTRL_DATA_SEL_MASK)
                    .deviceWriteOneToClear(Pm.CTRL_PME_STATUS)
                    .because("PME virtual; PME_Status RW1C on the device; Data_Select on the device").build());

    /** Address and Data virtual; a write of the address's upper byte starts a transfer. */
    final FakeHandler vpd = new FakeHandler(c -> PermissionTable.builder(Vpd.SIZEOF)
            .at(Vpd.ADDR, 2).virtual(0xffff).writable(0xffff).because("VPD address and F")
            .at(Vpd.DATA, 4).virtual(-1).writable(-1).because("VPD data").build());

    PowerAndVpdEffectsTest() {
        power.onInitialize = c -> {
            c.setShadow(PMCSR, 2, c.shadow(PMCSR, 2) & ~(Pm.CTRL_PME_ENABLE | Pm.CTRL_PME_STATUS));
            return CapabilityHandler.NONE;
        };
        power.onWrite = (c, value) -> CapabilityHandler.NONE;
        runtime.addHandler(power, FakeHandler.props("standard", CapId.PM, 0, 2));
        vpd.onWrite = (c, value) -> List.of(transfer(c));
        runtime.addHandler(vpd, FakeHandler.props("standard", CapId.VPD, 0, 3));
    }

    private static Effect.VpdAccess transfer(HandlerContext c) {
        int at = c.capability().offset();
        int addr = c.shadow(at + Vpd.ADDR, 2);
        return new Effect.VpdAccess(addr & Vpd.ADDR_MASK, (addr & Vpd.ADDR_F) != 0, c.shadow(at + Vpd.DATA, 4));
    }

    /** A function with host BARs and decode, PM (No_Soft_Reset as given) and VPD registers that never complete. */
    static FakeDevice device(boolean noSoftReset) {
        return device(noSoftReset, Pm.CTRL_STATE_MASK);
    }

    /** {@link #device(boolean)} whose PMCSR has these read-write bits besides PME_En and Data_Select. */
    static FakeDevice device(boolean noSoftReset, int pmcsrReadWrite) {
        return ConfigImage.type0(CFG_SPACE_SIZE)
                .set(COMMAND, 2, DECODE)
                .set(BASE_ADDRESS_0, 4, HOST_BAR0).set(BASE_ADDRESS_2, 4, HOST_BAR2)
                .std(PM, CapId.PM).set(PM + Pm.PMC, 2, Pm.CAP_VER_MASK & 3)
                .set(PMCSR, 2, noSoftReset ? Pm.CTRL_NO_SOFT_RESET : 0)
                .std(VPD, CapId.VPD)
                .device()
                .rw(COMMAND, 2, 0x07ff).rw1c(STATUS, 2, Status.RW1C)
                .rw(PMCSR, 2, pmcsrReadWrite | Pm.CTRL_PME_ENABLE | Pm.CTRL_DATA_SEL_MASK)
                .rw1c(PMCSR, 2, Pm.CTRL_PME_STATUS)
                .rw(VPD + Vpd.ADDR, 2, 0xffff).rw(VPD + Vpd.DATA, 4, -1)
                .bar(new BarInfo(0, BarKind.MEMORY32, 0x1000, false, false, HOST_BAR0))
                .bar(new BarInfo(2, BarKind.IO, 0x20, false, false, HOST_BAR2));
    }

    private static void powerState(VirtualDevice v, FakeHandler power, int to) {
        power.onWrite = (c, value) -> List.of(new Effect.PowerStateChange(c.device(PMCSR, 2) & Pm.CTRL_STATE_MASK, to));
        v.write(PMCSR, 2, 0);
        power.onWrite = (c, value) -> CapabilityHandler.NONE;
    }

    @Test
    void d3hotToD0WithoutNoSoftResetRestoresTheHostStateAndTheGuestsDeviceBits() {
        FakeDevice fake = device(false);
        VirtualDevice v = runtime.open(fake);
        v.write(COMMAND, 2, Command.MEMORY | Command.MASTER);
        powerState(v, power, Pm.STATE_D3HOT);
        assertEquals(Pm.STATE_D3HOT, fake.peek(PMCSR, 2) & Pm.CTRL_STATE_MASK);
        assertEquals(0xffffffffL, v.barRead(0, 0, 4), "BAR access refused in D3hot");

        // D3hot to D0 resets the function: BARs, decode and bus mastering are gone.
        fake.hw(BASE_ADDRESS_0, 4, 0);
        fake.hw(BASE_ADDRESS_2, 4, BaseAddress.SPACE_IO);
        fake.hw(COMMAND, 2, 0);
        powerState(v, power, Pm.STATE_D0);

        assertEquals(HOST_BAR0, fake.peek(BASE_ADDRESS_0, 4));
        assertEquals(HOST_BAR2, fake.peek(BASE_ADDRESS_2, 4));
        assertEquals(DECODE | Command.MASTER, fake.peek(COMMAND, 2), "host decode and the guest's bus master");
        assertEquals(Command.MEMORY | Command.MASTER, v.read(COMMAND, 2), "the guest's view as it left it");
        assertEquals(1, log.containing("0000:03:00.0", "No_Soft_Reset clear").size(), log.messages.toString());
        fake.pokeBar(0, 0, 4, 0x600dcafe);
        assertEquals(0x600dcafeL, v.barRead(0, 0, 4), "BAR access again in D0");
    }

    @Test
    void d3hotToD0WithNoSoftResetWritesNothingBackWhenNothingWasLost() {
        FakeDevice fake = device(true);
        VirtualDevice v = runtime.open(fake);
        powerState(v, power, Pm.STATE_D3HOT);
        fake.clearAccesses();
        powerState(v, power, Pm.STATE_D0);
        assertTrue(fake.configAccesses().stream().allMatch(a -> !a.write() || a.offset() == PMCSR),
                "only PMCSR is written: " + fake.configAccesses());
        assertEquals(Pm.STATE_D0, fake.peek(PMCSR, 2) & Pm.CTRL_STATE_MASK);
    }

    @Test
    void thePowerStateIsTheOneTheDeviceReports() {
        FakeDevice fake = device(true, 0); // a function that supports no state but D0
        VirtualDevice v = runtime.open(fake);
        powerState(v, power, Pm.STATE_D3HOT);
        fake.pokeBar(0, 0, 4, 0x1234);
        v.write(COMMAND, 2, Command.MEMORY);
        assertEquals(0x1234L, v.barRead(0, 0, 4), "the device stayed in D0: BAR access goes on");
    }

    @Test
    void aVirtualPowerStateShowsTheStateTheDeviceTook() {
        FakeHandler virtualState = new FakeHandler(c -> PermissionTable.builder(Pm.SIZEOF)
                .at(Pm.CTRL, 2).virtual(Pm.CTRL_STATE_MASK).writable(Pm.CTRL_STATE_MASK).because("trapped").build());
        virtualState.onWrite = (c, value) -> {
            c.setShadow(PMCSR, 1, Pm.STATE_D0);
            return List.of(new Effect.PowerStateChange(Pm.STATE_D0, value & Pm.CTRL_STATE_MASK));
        };
        runtime.addHandler(virtualState, FakeHandler.props("standard", CapId.PM, 10, 4));
        VirtualDevice v = runtime.open(device(true, 0)); // a function that supports no state but D0
        v.write(PMCSR, 1, Pm.STATE_D3HOT);
        assertEquals(Pm.STATE_D0, v.read(PMCSR, 1) & Pm.CTRL_STATE_MASK, "the device stayed in D0");
        v.close();
        VirtualDevice w = runtime.open(device(true));
        w.write(PMCSR, 1, Pm.STATE_D3HOT);
        assertEquals(Pm.STATE_D3HOT, w.read(PMCSR, 1) & Pm.CTRL_STATE_MASK);
    }

    @Test
    void aGuestWriteOfPmcsrLeavesTheDevicesPmeStatusAlone() {
        FakeDevice fake = device(true);
        fake.hw(PMCSR, 2, Pm.CTRL_NO_SOFT_RESET | Pm.CTRL_PME_STATUS | Pm.CTRL_PME_ENABLE);
        VirtualDevice v = runtime.open(fake);
        assertEquals(Pm.CTRL_NO_SOFT_RESET, v.read(PMCSR, 2), "PME bits read 0");
        v.write(PMCSR, 2, 0xffff);
        assertEquals(Pm.CTRL_NO_SOFT_RESET | Pm.CTRL_PME_STATUS | Pm.CTRL_PME_ENABLE | Pm.CTRL_DATA_SEL_MASK,
                fake.peek(PMCSR, 2), "Data_Select written; PME_Status and PME_En are the host's");
        assertEquals(Pm.CTRL_NO_SOFT_RESET | Pm.CTRL_DATA_SEL_MASK, v.read(PMCSR, 2));
    }

    @Test
    void aVpdTransferTheDeviceNeverCompletesTimesOutAndFStaysAsTheGuestWroteIt() {
        FakeDevice fake = device(true);
        VirtualDevice v = runtime.open(fake);
        long start = System.nanoTime();
        v.write(VPD + Vpd.ADDR, 2, 0x10);
        long waited = System.nanoTime() - start;
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(Effect.VpdAccess.TIMEOUT_MILLIS), waited + " ns");
        assertEquals(0x10, v.read(VPD + Vpd.ADDR, 2), "F not set: the guest's driver times out");
        assertEquals(0x10, fake.peek(VPD + Vpd.ADDR, 2), "the request reached the device");
        assertEquals(1, log.containing("0000:03:00.0", "VPD read at 0x10", "timed out").size(), log.messages.toString());
    }

    @Test
    void aVpdTransferOnAReadOnlyBackendIsNotCarriedOut() {
        FakeDevice fake = device(true);
        fake.writableBackend = false;
        VirtualDevice v = runtime.open(fake);
        v.write(VPD + Vpd.DATA, 4, 0x11223344);
        v.write(VPD + Vpd.ADDR, 2, Vpd.ADDR_F | 0x20);
        assertEquals(Vpd.ADDR_F | 0x20, v.read(VPD + Vpd.ADDR, 2), "F stays set");
        assertEquals(0, fake.peek(VPD + Vpd.DATA, 4));
        assertEquals(1, log.containing("VPD write at 0x20", "read-only").size(), log.messages.toString());
    }

    @Test
    void aVpdEffectFromAnotherCapabilityIsRefused() {
        FakeDevice fake = device(true);
        power.onWrite = (c, value) -> List.of(new Effect.VpdAccess(0, false, 0));
        VirtualDevice v = runtime.open(fake);
        fake.clearAccesses();
        v.write(PMCSR, 2, 0);
        assertTrue(fake.configAccesses().stream().noneMatch(a -> a.write() && a.offset() >= VPD));
        assertEquals(1, log.containing("not a VPD capability").size(), log.messages.toString());
    }

    @Test
    void vpdReadsAndWritesRunTheHandshakeOfTheSimulatedEngine() throws IOException {
        SimulatedDevice device = SimDevicesTest.sim("10ec-8168-rtl8111-gbe.lspci");
        SimulatedDevice twin = SimDevicesTest.sim("10ec-8168-rtl8111-gbe.lspci");
        VirtualDevice v = runtime.open(device);
        int addr = RTL8111_VPD + Vpd.ADDR;
        int data = RTL8111_VPD + Vpd.DATA;

        v.write(addr, 2, 0x04);
        assertEquals(Vpd.ADDR_F | 0x04, v.read(addr, 2), "read complete: F set");
        assertEquals(read(twin, 0x04), v.read(data, 4), "the four bytes at 0x04");

        v.write(data, 4, 0xa1b2c3d4);
        v.write(addr, 2, Vpd.ADDR_F | 0x40);
        assertEquals(0x40, v.read(addr, 2), "write complete: F clear");
        assertEquals(0xa1b2c3d4, read(device, 0x40), "stored in the device's VPD");
    }

    /** Four bytes of VPD read directly through the device's registers. */
    private static int read(PhysicalDevice d, int address) {
        d.writeConfig(RTL8111_VPD + Vpd.ADDR, 2, address);
        assertEquals(Vpd.ADDR_F, d.readConfig(RTL8111_VPD + Vpd.ADDR, 2) & Vpd.ADDR_F);
        return d.readConfig(RTL8111_VPD + Vpd.DATA, 4);
    }
}
