package org.pciguard.backend.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.backend.sim.TestDevices.AF;
import static org.pciguard.backend.sim.TestDevices.EXP;
import static org.pciguard.backend.sim.TestDevices.MSI;
import static org.pciguard.backend.sim.TestDevices.PM;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.Af;
import org.pciguard.api.regs.PciRegs.Exp;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.api.regs.PciRegs.Pm;
import org.pciguard.api.regs.PciRegs.Status;

/** Function resets back to the power-on image, and power states. */
class ResetTest {

    private static byte[] config(SimulatedDevice d) {
        byte[] b = new byte[d.configSize()];
        for (int off = 0; off < b.length; off += 4) {
            TestDevices.put(b, off, 4, d.readConfig(off, 4));
        }
        return b;
    }

    /** Changes state everywhere: header, capabilities, device-specific bytes, BAR memory, MSI-X table. */
    private static void disturb(SimulatedDevice d) {
        d.writeConfig(PciRegs.COMMAND, 2, 0);
        d.writeConfig(PciRegs.STATUS, 2, Status.RW1C);
        d.writeConfig(PciRegs.BASE_ADDRESS_0, 4, 0xd0000000);
        d.writeConfig(MSI + Msi.ADDRESS_LO, 4, 0xfee0100c);
        d.writeConfig(EXP + Exp.DEVSTA, 2, Exp.DEVSTA_RW1C);
        d.writeConfig(0xe0, 4, 0x5a5a5a5a);
        d.writeConfig(0x800, 4, 0x5a5a5a5a);
        d.writeBar(0, 0x100, 8, -1L);
        d.writeBar(0, TestDevices.MSIX_TABLE + Msix.ENTRY_VECTOR_CTRL, 4, 0);
        d.raiseInterrupt(InterruptKind.INTX, 0);
    }

    private static void assertPowerOn(SimulatedDevice d) {
        assertArrayEquals(d.powerOnImage(), config(d));
        assertEquals(0, d.readBar(0, 0x100, 8));
        assertEquals(Msix.ENTRY_CTRL_MASKBIT, d.readBar(0, TestDevices.MSIX_TABLE + Msix.ENTRY_VECTOR_CTRL, 4));
    }

    private static void resetsBy(Consumer<SimulatedDevice> reset) throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        disturb(d);
        assertNotEquals(Arrays.toString(d.powerOnImage()), Arrays.toString(config(d)));
        reset.accept(d);
        assertPowerOn(d);
    }

    @Test
    void initiateFlrInDeviceControlRestoresThePowerOnImage() throws Exception {
        resetsBy(d -> d.writeConfig(EXP + Exp.DEVCTL, 2, Exp.DEVCTL_BCR_FLR));
    }

    @Test
    void initiateFlrByAByteWriteToTheUpperHalf() throws Exception {
        resetsBy(d -> d.writeConfig(EXP + Exp.DEVCTL + 1, 1, Exp.DEVCTL_BCR_FLR >>> 8));
    }

    @Test
    void afFlrRestoresThePowerOnImage() throws Exception {
        resetsBy(d -> d.writeConfig(AF + Af.CTRL, 1, Af.CTRL_FLR));
    }

    @Test
    void resetMethodsRestoreThePowerOnImage() throws Exception {
        for (ResetKind kind : ResetKind.values()) {
            resetsBy(d -> d.reset(kind));
        }
    }

    @Test
    void resetsOfferedFollowTheCapabilities() throws Exception {
        assertEquals(EnumSet.allOf(ResetKind.class), TestDevices.endpoint().resets());
        assertEquals(Set.of(ResetKind.AF_FLR, ResetKind.BUS), TestDevices.endpoint(false, true).resets());
        SimulatedDevice d = TestDevices.endpoint(false, true);
        PciAccessException e = assertThrows(PciAccessException.class, () -> d.reset(ResetKind.FLR));
        assertTrue(e.getMessage().contains("FLR") && e.getMessage().contains("0000:01:00.0"), e.getMessage());
    }

    @Test
    void vpdStorageSurvivesAReset() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        VpdTest.write(d, 0x40, 0x11223344);
        d.reset(ResetKind.FLR);
        assertEquals(0x11223344, VpdTest.read(d, 0x40));
    }

    private static int state(SimulatedDevice d) {
        return d.readConfig(PM + Pm.CTRL, 2) & Pm.CTRL_STATE_MASK;
    }

    private static void setState(SimulatedDevice d, int state) {
        d.writeConfig(PM + Pm.CTRL, 2, state);
    }

    @Test
    void powerStatesMoveDeeperOrBackToD0() throws Exception {
        SimulatedDevice d = TestDevices.endpoint(true, true);
        setState(d, Pm.STATE_D1);
        assertEquals(Pm.STATE_D1, state(d));
        setState(d, Pm.STATE_D2);
        assertEquals(Pm.STATE_D2, state(d));
        setState(d, Pm.STATE_D1);
        assertEquals(Pm.STATE_D2, state(d), "D2 to D1 is not a transition");
        setState(d, Pm.STATE_D3HOT);
        assertEquals(Pm.STATE_D3HOT, state(d));
        setState(d, Pm.STATE_D2);
        assertEquals(Pm.STATE_D3HOT, state(d), "D3hot goes to D0 only");
        setState(d, Pm.STATE_D0);
        assertEquals(Pm.STATE_D0, state(d));
    }

    @Test
    void unsupportedStatesAreIgnored() throws Exception {
        byte[] c = TestDevices.endpointImage(PciRegs.CFG_SPACE_SIZE, false, true);
        TestDevices.put(c, PM + Pm.PMC, 2, 3);
        SimulatedDevice d = TestDevices.open(TestDevices.dump(null, c, null));
        setState(d, Pm.STATE_D1);
        assertEquals(Pm.STATE_D0, state(d));
        setState(d, Pm.STATE_D2);
        assertEquals(Pm.STATE_D0, state(d));
        setState(d, Pm.STATE_D3HOT);
        assertEquals(Pm.STATE_D3HOT, state(d));
    }

    @Test
    void d3hotToD0WithoutNoSoftResetResetsTheFunction() throws Exception {
        SimulatedDevice d = TestDevices.endpoint(true, false);
        disturb(d);
        setState(d, Pm.STATE_D3HOT);
        assertEquals(Pm.STATE_D3HOT, state(d));
        assertEquals(0x5a5a5a5a, d.readConfig(0xe0, 4), "entering D3hot keeps state");
        setState(d, Pm.STATE_D0);
        assertPowerOn(d);
    }

    @Test
    void d3hotToD0WithNoSoftResetKeepsState() throws Exception {
        SimulatedDevice d = TestDevices.endpoint(true, true);
        d.writeConfig(0xe0, 4, 0x5a5a5a5a);
        setState(d, Pm.STATE_D3HOT);
        setState(d, Pm.STATE_D0);
        assertEquals(Pm.STATE_D0, state(d));
        assertEquals(0x5a5a5a5a, d.readConfig(0xe0, 4));
        assertEquals(false, d.resets().contains(ResetKind.PM));
    }

    @Test
    void aDumpCaughtInD3hotReadsSoButPowersOnInD0() throws Exception {
        byte[] c = TestDevices.endpointImage(PciRegs.CFG_SPACE_SIZE, true, true);
        TestDevices.put(c, PM + Pm.CTRL, 2, Pm.CTRL_NO_SOFT_RESET | Pm.STATE_D3HOT);
        SimulatedDevice d = TestDevices.open(TestDevices.dump(null, c, null));
        assertEquals(Pm.STATE_D3HOT, state(d));
        assertEquals(Pm.CTRL_NO_SOFT_RESET, d.powerOnImage()[PM + Pm.CTRL]);
        d.reset(ResetKind.FLR);
        assertEquals(Pm.STATE_D0, state(d));
        assertArrayEquals(d.powerOnImage(), config(d));
    }
}
