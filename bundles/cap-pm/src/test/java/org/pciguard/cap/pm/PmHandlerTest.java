package org.pciguard.cap.pm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_0;
import static org.pciguard.api.regs.PciRegs.CACHE_LINE_SIZE;
import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.testing.Shipped.fresh;
import static org.pciguard.testing.Shipped.image;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Pm;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.cap.header.HeaderHandler;
import org.pciguard.core.CoreRuntime;
import org.pciguard.testing.BarAccesses;
import org.pciguard.testing.HandlerProperties;
import org.pciguard.testing.RecordingLogger;
import org.pciguard.testing.Shipped;
import org.pciguard.walker.DefaultCapabilityWalker;

/** The PM handler in the real core, on simulated functions built from the shipped real dumps. */
class PmHandlerTest {

    /** A GPU: PM with No_Soft_Reset set, D1 and D2 unsupported. */
    private static final String GPU = "10de-24a0-ga104-rtx3070ti.lspci";
    /** Intel 82579V: PM at 0xc8 with No_Soft_Reset clear, D1 and D2 unsupported. */
    private static final String I82579 = "8086-1503-82579v-gbe.lspci";
    /** RTL8125: PM at 0x40 offering D1 and D2. */
    private static final String RTL8125 = "10ec-8125-rtl8125-2.5gbe.lspci";

    private final RecordingLogger log = new RecordingLogger();
    private final CoreRuntime runtime = new CoreRuntime(new DefaultCapabilityWalker(), log);
    private final List<VirtualDevice> opened = new ArrayList<>();

    PmHandlerTest() {
        runtime.addHandler(new HeaderHandler(), HandlerProperties.of(CapabilitySpace.HEADER, HeaderHandler.HEADER_ID));
        runtime.addHandler(new PmHandler(), HandlerProperties.of(CapabilitySpace.STANDARD, CapId.PM));
    }

    @AfterEach
    void close() {
        opened.forEach(VirtualDevice::close);
        runtime.close();
    }

    /** Every shipped type-0 function with a PM capability. */
    static Stream<DeviceImage> withPm() {
        return Shipped.type0().filter(i -> pm(i) >= 0);
    }

    private static int pm(DeviceImage image) {
        return new DefaultCapabilityWalker().walk(image.config()).find(CapabilitySpace.STANDARD, CapId.PM)
                .map(c -> c.offset()).orElse(-1);
    }

    private VirtualDevice open(SimulatedDevice device) {
        VirtualDevice guest = runtime.open(device);
        opened.add(guest);
        return guest;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withPm")
    void theGuestSeesTheDevicesPmWithoutPme(DeviceImage image) {
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = open(device);
        int pm = pm(image);
        assertEquals(device.readConfig(pm + Pm.PMC, 2) & ~Pm.CAP_PME_MASK, guest.read(pm + Pm.PMC, 2), "PMC");
        assertEquals(device.readConfig(pm + Pm.CTRL, 2) & ~(Pm.CTRL_PME_ENABLE | Pm.CTRL_PME_STATUS),
                guest.read(pm + Pm.CTRL, 2), "PMCSR");
        assertEquals(device.readConfig(pm + Pm.PPB_EXTENSIONS, 2), guest.read(pm + Pm.PPB_EXTENSIONS, 2), "BSE, Data");
        assertEquals(device.readConfig(pm, 1), guest.read(pm, 1), "id");
    }

    @Test
    void d3hotIsCarriedOutAndRefusesBarAccessUntilD0() {
        SimulatedDevice device = fresh(image(GPU));
        BarAccesses bars = new BarAccesses();
        device.addAccessListener(bars);
        VirtualDevice guest = open(device);
        int pmcsr = pm(image(GPU)) + Pm.CTRL;
        guest.write(COMMAND, 2, Command.MEMORY);

        guest.write(pmcsr, 2, Pm.STATE_D3HOT);
        assertEquals(Pm.STATE_D3HOT, device.readConfig(pmcsr, 2) & Pm.CTRL_STATE_MASK, "the device is in D3hot");
        assertEquals(Pm.STATE_D3HOT, guest.read(pmcsr, 2) & Pm.CTRL_STATE_MASK, "and the guest reads it");
        assertEquals(0xffffffffL, guest.barRead(0, 0, 4));
        assertEquals(0, bars.count, "refused BAR accesses never reach the device");

        guest.write(pmcsr, 2, Pm.STATE_D0);
        assertEquals(Pm.STATE_D0, device.readConfig(pmcsr, 2) & Pm.CTRL_STATE_MASK);
        assertEquals(Pm.STATE_D0, guest.read(pmcsr, 2) & Pm.CTRL_STATE_MASK);
        assertEquals(device.readBar(0, 0, 4), guest.barRead(0, 0, 4));
        assertTrue(bars.count > 0, "in D0 the access reaches the device");
    }

    @Test
    void aByteWriteOfPowerStateIsTrappedToo() {
        SimulatedDevice device = fresh(image(GPU));
        VirtualDevice guest = open(device);
        int pmcsr = pm(image(GPU)) + Pm.CTRL;
        guest.write(pmcsr, 1, Pm.STATE_D3HOT);
        assertEquals(Pm.STATE_D3HOT, device.readConfig(pmcsr, 1) & Pm.CTRL_STATE_MASK);
        guest.write(pmcsr - Pm.CTRL, 4, 0); // the dword at the capability's start does not hold PMCSR
        assertEquals(Pm.STATE_D3HOT, device.readConfig(pmcsr, 1) & Pm.CTRL_STATE_MASK);
        guest.write(pmcsr, 4, Pm.STATE_D0);
        assertEquals(Pm.STATE_D0, device.readConfig(pmcsr, 1) & Pm.CTRL_STATE_MASK);
    }

    /**
     * D3hot to D0 resets a function without No_Soft_Reset (the simulated one goes back to its power-on
     * image): the guest's device bits come back, the host's BARs stay, and the guest's view of its BARs
     * and decode is as it left it.
     */
    @Test
    void d3hotToD0WithoutNoSoftResetKeepsWhatTheGuestSet() {
        DeviceImage image = image(I82579);
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = open(device);
        int pmcsr = pm(image) + Pm.CTRL;
        assertEquals(0, device.readConfig(pmcsr, 2) & Pm.CTRL_NO_SOFT_RESET, "No_Soft_Reset clear");
        int hostBar0 = device.readConfig(BASE_ADDRESS_0, 4);
        int cacheLine = device.readConfig(CACHE_LINE_SIZE, 1) ^ 0x10;
        guest.write(CACHE_LINE_SIZE, 1, cacheLine);
        guest.write(BASE_ADDRESS_0, 4, 0xc0000000);
        guest.write(COMMAND, 2, Command.MEMORY | Command.MASTER);

        guest.write(pmcsr, 2, Pm.STATE_D3HOT);
        guest.write(pmcsr, 2, Pm.STATE_D0);

        assertEquals(Pm.STATE_D0, device.readConfig(pmcsr, 2) & Pm.CTRL_STATE_MASK);
        assertEquals(cacheLine, device.readConfig(CACHE_LINE_SIZE, 1), "the guest's Cache Line Size is back");
        assertEquals(Command.MASTER, device.readConfig(COMMAND, 2) & Command.MASTER, "and its bus mastering");
        assertEquals(hostBar0, device.readConfig(BASE_ADDRESS_0, 4), "the device holds the host's BAR");
        assertEquals(0xc0000000, guest.read(BASE_ADDRESS_0, 4) & 0xfff00000, "the guest's BAR as it left it");
        assertEquals(Command.MEMORY | Command.MASTER, guest.read(COMMAND, 2) & (Command.MEMORY | Command.MASTER));
    }

    @Test
    void statesThePciCoreWouldRefuseAreNotCarriedOut() {
        SimulatedDevice gpu = fresh(image(GPU));
        VirtualDevice guest = open(gpu);
        int pmcsr = pm(image(GPU)) + Pm.CTRL;
        guest.write(pmcsr, 2, Pm.STATE_D1);
        assertEquals(Pm.STATE_D0, gpu.readConfig(pmcsr, 2) & Pm.CTRL_STATE_MASK, "no D1 on this GPU");
        assertEquals(Pm.STATE_D0, guest.read(pmcsr, 2) & Pm.CTRL_STATE_MASK, "the guest reads the real state");

        DeviceImage rtl = image(RTL8125);
        SimulatedDevice nic = fresh(rtl);
        VirtualDevice g = open(nic);
        int ctrl = pm(rtl) + Pm.CTRL;
        g.write(ctrl, 2, Pm.STATE_D2);
        assertEquals(Pm.STATE_D2, nic.readConfig(ctrl, 2) & Pm.CTRL_STATE_MASK, "D2 offered and taken");
        g.write(ctrl, 2, Pm.STATE_D1);
        assertEquals(Pm.STATE_D2, nic.readConfig(ctrl, 2) & Pm.CTRL_STATE_MASK, "D2 to D1 refused");
        assertEquals(Pm.STATE_D2, g.read(ctrl, 2) & Pm.CTRL_STATE_MASK);
        g.write(ctrl, 2, Pm.STATE_D0);
        assertEquals(Pm.STATE_D0, g.read(ctrl, 2) & Pm.CTRL_STATE_MASK);
        // Both refusals reported through the core, which names the device and the capability.
        assertEquals(List.of("INFO " + gpu.address() + ": PM@0x" + Integer.toHexString(pm(image(GPU)))
                + " (capability id 0x1): 2-byte write of 0x1 at 0x" + Integer.toHexString(pmcsr)
                + ": D0 to D1 not carried out, the function does not support D1",
                "INFO " + nic.address() + ": PM@0x" + Integer.toHexString(pm(rtl)) + " (capability id 0x1): "
                + "2-byte write of 0x1 at 0x" + Integer.toHexString(ctrl)
                + ": D2 to D1 not carried out, only D0 is reachable from D2"),
                log.messages);
    }

    @Test
    void refusalsFollowThePciCore() {
        int both = Pm.CAP_D1 | Pm.CAP_D2;
        assertNotNull(PmHandler.refusal(0, Pm.STATE_D0, Pm.STATE_D1));
        assertNotNull(PmHandler.refusal(Pm.CAP_D1, Pm.STATE_D0, Pm.STATE_D2));
        assertNotNull(PmHandler.refusal(both, Pm.STATE_D3HOT, Pm.STATE_D2));
        assertNotNull(PmHandler.refusal(both, Pm.STATE_D2, Pm.STATE_D1));
        assertNull(PmHandler.refusal(both, Pm.STATE_D1, Pm.STATE_D2));
        assertNull(PmHandler.refusal(0, Pm.STATE_D3HOT, Pm.STATE_D0));
        assertNull(PmHandler.refusal(0, Pm.STATE_D0, Pm.STATE_D3HOT));
    }

    /** Difference 1: a Data_Select write never clears the device's PME_Status, which the guest reads 0. */
    @Test
    void theDevicesPmeBitsStayTheHostsUnderADataSelectWrite() {
        DeviceImage gpu = image(GPU);
        int pmcsr = pm(gpu) + Pm.CTRL;
        byte[] config = gpu.config();
        config[pmcsr + 1] |= (byte) ((Pm.CTRL_PME_STATUS | Pm.CTRL_PME_ENABLE) >>> 8);
        SimulatedDevice device = fresh(new DeviceImage(gpu.source() + " with PME", null, gpu.description(), config,
                gpu.bars(), List.of()));
        VirtualDevice guest = open(device);
        assertEquals(0, guest.read(pmcsr, 2) & (Pm.CTRL_PME_STATUS | Pm.CTRL_PME_ENABLE), "PME reads 0");

        guest.write(pmcsr, 2, Pm.CTRL_DATA_SEL_MASK | Pm.CTRL_PME_STATUS | Pm.CTRL_PME_ENABLE);

        int hw = device.readConfig(pmcsr, 2);
        assertEquals(Pm.CTRL_PME_STATUS | Pm.CTRL_PME_ENABLE, hw & (Pm.CTRL_PME_STATUS | Pm.CTRL_PME_ENABLE),
                "the host's PME bits untouched");
        assertEquals(Pm.CTRL_DATA_SEL_MASK, hw & Pm.CTRL_DATA_SEL_MASK, "Data_Select reached the device");
        assertEquals(Pm.CTRL_DATA_SEL_MASK, guest.read(pmcsr, 2) & (Pm.CTRL_DATA_SEL_MASK | Pm.CTRL_PME_STATUS
                | Pm.CTRL_PME_ENABLE));
    }
}
