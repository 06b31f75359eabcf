package org.pciguard.backend.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.AccessListener;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.Status;

/** Interrupts raised on request, and the observers of host-side accesses. */
class InterruptAndListenerTest {

    private final List<String> seen = new ArrayList<>();

    private final AccessListener recorder = new AccessListener() {
        @Override
        public void configAccess(PciAddress device, boolean write, int offset, int size, int value) {
            seen.add(String.format("%s cfg %s %d 0x%x 0x%x", device, write ? "w" : "r", size, offset, value));
        }

        @Override
        public void barAccess(PciAddress device, boolean write, int bar, long offset, int size, long value) {
            seen.add(String.format("%s bar%d %s %d 0x%x 0x%x", device, bar, write ? "w" : "r", size, offset, value));
        }
    };

    @Test
    void intxNotifiesTheListenerAndSetsStatusInterruptUntilDeasserted() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        d.setInterruptListener((device, kind, index) -> seen.add(device + " " + kind + " " + index));
        d.raiseInterrupt(InterruptKind.INTX, 0);
        assertEquals(List.of("0000:01:00.0 INTX 0"), seen);
        assertEquals(Status.INTERRUPT, d.readConfig(PciRegs.STATUS, 2) & Status.INTERRUPT);
        d.writeConfig(PciRegs.STATUS, 2, 0xffff);
        assertEquals(Status.INTERRUPT, d.readConfig(PciRegs.STATUS, 2) & Status.INTERRUPT, "RO to software");
        d.deassertIntx();
        assertEquals(0, d.readConfig(PciRegs.STATUS, 2) & Status.INTERRUPT);
    }

    @Test
    void msiAndMsixNotifyWithTheirIndexWithinTheirRange() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        d.setInterruptListener((device, kind, index) -> seen.add(kind + " " + index));
        d.raiseInterrupt(InterruptKind.MSI, 7);
        d.raiseInterrupt(InterruptKind.MSIX, TestDevices.MSIX_ENTRIES - 1);
        assertEquals(List.of("MSI 7", "MSIX 15"), seen);
        PciAccessException e = assertThrows(PciAccessException.class, () -> d.raiseInterrupt(InterruptKind.MSI, 8));
        assertTrue(e.getMessage().contains("0000:01:00.0") && e.getMessage().contains("8"), e.getMessage());
        assertThrows(PciAccessException.class, () -> d.raiseInterrupt(InterruptKind.MSIX, TestDevices.MSIX_ENTRIES));
        assertThrows(PciAccessException.class, () -> d.raiseInterrupt(InterruptKind.MSI, -1));
        assertThrows(PciAccessException.class, () -> d.raiseInterrupt(InterruptKind.INTX, 1));
        d.setInterruptListener(null);
        d.raiseInterrupt(InterruptKind.MSI, 0);
        assertEquals(2, seen.size());
    }

    @Test
    void functionWithoutSourcesRefuses() throws Exception {
        byte[] c = new byte[PciRegs.STD_HEADER_SIZEOF];
        SimulatedDevice d = TestDevices.open(TestDevices.dump(null, c, null));
        assertThrows(PciAccessException.class, () -> d.raiseInterrupt(InterruptKind.INTX, 0));
        assertThrows(PciAccessException.class, () -> d.raiseInterrupt(InterruptKind.MSI, 0));
        assertThrows(PciAccessException.class, () -> d.raiseInterrupt(InterruptKind.MSIX, 0));
    }

    @Test
    void listenerSeesEveryAccessWithItsValue() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        d.addAccessListener(recorder);
        d.readConfig(PciRegs.VENDOR_ID, 4);
        d.writeConfig(PciRegs.INTERRUPT_LINE, 1, 0x1ff);
        d.readConfig(PciRegs.INTERRUPT_LINE, 1);
        d.writeBar(0, 0x10, 8, 0x1122334455667788L);
        d.readBar(0, 0x14, 4);
        d.writeBar(3, 0x4, 2, 0xabcdef);
        assertEquals(List.of(
                "0000:01:00.0 cfg r 4 0x0 0x56781234",
                "0000:01:00.0 cfg w 1 0x3c 0xff",
                "0000:01:00.0 cfg r 1 0x3c 0xff",
                "0000:01:00.0 bar0 w 8 0x10 0x1122334455667788",
                "0000:01:00.0 bar0 r 4 0x14 0x11223344",
                "0000:01:00.0 bar3 w 2 0x4 0xcdef"), seen);
        d.removeAccessListener(recorder);
        d.readConfig(0, 4);
        assertEquals(6, seen.size());
    }

    @Test
    void refusedAccessesAreNotReported() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        d.addAccessListener(recorder);
        assertThrows(PciAccessException.class, () -> d.readConfig(1, 2));
        assertTrue(seen.isEmpty());
    }

    @Test
    void twoListenersBothSeeTheAccess() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        List<Integer> other = new ArrayList<>();
        d.addAccessListener(recorder);
        d.addAccessListener(new AccessListener() {
            @Override
            public void configAccess(PciAddress device, boolean write, int offset, int size, int value) {
                other.add(offset);
            }

            @Override
            public void barAccess(PciAddress device, boolean write, int bar, long offset, int size, long value) {
            }
        });
        d.readConfig(8, 4);
        assertEquals(1, seen.size());
        assertEquals(List.of(8), other);
    }
}
