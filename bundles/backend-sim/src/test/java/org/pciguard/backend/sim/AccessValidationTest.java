package org.pciguard.backend.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.regs.PciRegs;

/** Malformed accesses are refused naming device, offset and width, and change nothing. */
class AccessValidationTest {

    private static byte[] config(SimulatedDevice d) {
        byte[] b = new byte[d.configSize()];
        for (int off = 0; off < b.length; off += 4) {
            TestDevices.put(b, off, 4, d.readConfig(off, 4));
        }
        return b;
    }

    private static void refused(SimulatedDevice d, int offset, int width, String why) {
        PciAccessException r = assertThrows(PciAccessException.class, () -> d.readConfig(offset, width), why);
        PciAccessException w = assertThrows(PciAccessException.class, () -> d.writeConfig(offset, width, -1), why);
        for (PciAccessException e : new PciAccessException[] {r, w}) {
            assertEquals(d.address(), e.device());
            assertEquals(offset, e.offset());
            assertEquals(width, e.width());
            assertTrue(e.getMessage().startsWith(d.address() + ": "), e.getMessage());
            assertTrue(e.getMessage().contains(offset < 0 ? "offset " + offset
                    : width + "-byte access at 0x" + Integer.toHexString(offset)), e.getMessage());
        }
    }

    @Test
    void malformedConfigAccessesAreRefusedAndChangeNothing() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        byte[] before = config(d);
        for (int width : new int[] {0, 3, 8, -1}) {
            refused(d, 0, width, "width " + width);
        }
        refused(d, 1, 2, "unaligned word");
        refused(d, 2, 4, "unaligned dword");
        refused(d, 0x3e, 4, "unaligned dword");
        refused(d, -4, 4, "negative");
        refused(d, PciRegs.CFG_SPACE_EXP_SIZE, 1, "past the end");
        refused(d, PciRegs.CFG_SPACE_EXP_SIZE, 4, "past the end");
        refused(d, Integer.MAX_VALUE - 3, 4, "overflow");
        assertArrayEquals(before, config(d));
    }

    @Test
    void conventionalSpaceEndsAt256() throws Exception {
        byte[] c = TestDevices.endpointImage(PciRegs.CFG_SPACE_SIZE, true, false);
        SimulatedDevice d = TestDevices.open(TestDevices.dump("01:00.0 x", c, null));
        assertEquals(PciRegs.CFG_SPACE_SIZE, d.configSize());
        d.readConfig(0xfc, 4);
        refused(d, PciRegs.CFG_SPACE_SIZE, 4, "no extended space in a 256-byte dump");
    }

    @Test
    void closedDeviceRefusesEverythingButItsStateLives() throws Exception {
        String text = TestDevices.dump("01:00.0 x", TestDevices.endpointImage(4096, true, false), null);
        SimulatedBackend backend = SimulatedBackend.of(List.of(DeviceFiles.parse("t.lspci", text, null)), 256);
        SimulatedDevice d = backend.open(PciAddress.parse("01:00.0"));
        d.writeConfig(0xe0, 4, 0x600d);
        d.close();
        PciAccessException e = assertThrows(PciAccessException.class, () -> d.readConfig(0, 4));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(PciAccessException.class, () -> d.writeConfig(0, 4, 0));
        assertThrows(PciAccessException.class, () -> d.readBar(0, 0, 4));
        assertThrows(PciAccessException.class, () -> d.reset(ResetKind.BUS));
        assertEquals(0x600d, backend.open(PciAddress.parse("01:00.0")).readConfig(0xe0, 4), "the function outlives its handle");
    }

    @Test
    void unknownAddressIsRefused() throws Exception {
        SimulatedBackend backend = SimulatedBackend.shipped();
        PciAccessException e = assertThrows(PciAccessException.class, () -> backend.open(PciAddress.parse("0000:ff:1f.7")));
        assertTrue(e.getMessage().startsWith("0000:ff:1f.7"), e.getMessage());
    }
}
