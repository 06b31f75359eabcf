package org.pciguard.security.advisory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.COMMAND;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.security.MsixAt;

/**
 * QEMU CVE-2020-13754, "msix: OOB access during mmio operations": a guest access whose address ran
 * past the end of the emulated region (and whose size the region had not validated) read and wrote
 * outside QEMU's arrays; the fix validated size and range before dispatch (and QEMU asserted config
 * accesses stay within config space). pciguard (SECURITY.md R1, R9): every config and BAR access is
 * checked for width, alignment and range before anything is read or written; a malformed one is
 * refused with an error naming device, offset and width, and changes nothing. The MSI-X half: an
 * access running over the edge of the emulated table or PBA, or of a width the spec does not allow
 * there, is refused; the emulated table, the PBA and the router's routes stay as they were.
 */
class Cve202013754Test {

    private static final String DEVICE = "8086-10c9-82576-gbe-sriov.lspci";

    @Test
    void cve2020_13754_configAccessesPastTheEndOrOfBadWidthAreRefusedAndChangeNothing() {
        Scenario s = new Scenario(DEVICE);
        int size = s.guest.configSize();
        byte[] before = s.device();
        int[][] bad = {{size, 4}, {size - 2, 4}, {size - 1, 2}, {-4, 4}, {Integer.MIN_VALUE, 1}, {0, 3}, {0, 8}, {2, 4},
            {1, 2}, {Integer.MAX_VALUE - 1, 2}, {0, 0}, {0, -1}};
        for (int[] a : bad) {
            PciAccessException r = assertThrows(PciAccessException.class, () -> s.guest.read(a[0], a[1]));
            PciAccessException w = assertThrows(PciAccessException.class, () -> s.guest.write(a[0], a[1], -1));
            for (PciAccessException e : new PciAccessException[] {r, w}) {
                assertTrue(e.getMessage().startsWith(s.guest.address().toString()), e.getMessage());
                assertEquals(a[1], e.width(), e.getMessage());
            }
        }
        assertArrayEquals(before, s.device(), "nothing changed on the device");
        assertEquals(2L * bad.length, s.runtime.snapshot().devices[0].refusedAccesses);
    }

    @Test
    void cve2020_13754_barAccessesPastTheEndOrOfBadWidthAreRefusedBeforeReachingTheDevice() {
        Scenario s = new Scenario(DEVICE);
        s.guest.write(COMMAND, 2, Command.MEMORY | Command.IO);
        for (BarInfo b : s.phys.bars()) {
            if (b.index() == BarInfo.ROM_INDEX) {
                continue;
            }
            long[][] bad = {{b.size(), 4}, {b.size() - 4, 8}, {-8, 4}, {Long.MAX_VALUE - 3, 4}, {1, 4}, {0, 3}, {0, 16}};
            for (long[] a : bad) {
                assertThrows(PciAccessException.class, () -> s.guest.barRead(b.index(), a[0], (int) a[1]));
                assertThrows(PciAccessException.class, () -> s.guest.barWrite(b.index(), a[0], (int) a[1], -1));
            }
        }
        for (int bar : new int[] {-1, 6, 7, Integer.MAX_VALUE}) {
            assertThrows(PciAccessException.class, () -> s.guest.barRead(bar, 0, 4));
        }
        assertEquals(0, s.barAccesses(), "no malformed access reached the device");
    }

    @Test
    void cve2020_13754_msixAccessesOverTheEdgesOfTheTableOrPbaOrOfBadWidthAreRefusedAndChangeNothing() {
        Scenario s = new Scenario(DEVICE);
        MsixAt m = s.msix();
        s.guest.write(COMMAND, 2, Command.MEMORY);
        int last = m.entries() - 1;
        s.programEntry(m, last, 0xfee0_1000L, 0x4021, false);
        s.guest.write(m.control(), 2, Msix.FLAGS_ENABLE);
        long[] table = s.msixView(m);
        List<String> routes = s.routes().stream().map(Scenario::render).toList();
        long refusedBefore = s.runtime.snapshot().devices[0].refusedAccesses;
        long[][] bad = {
            {m.tableBar(), m.tableEnd() - 4, 8}, // the last Vector Control and the first dword past the table
            {m.tableBar(), m.entry(last, Msix.ENTRY_VECTOR_CTRL) + 2, 4}, // misaligned, running past the end
            {m.tableBar(), m.tableEnd() - 2, 2}, {m.tableBar(), m.tableEnd() - 1, 1}, // narrow
            {m.tableBar(), m.entry(last, Msix.ENTRY_DATA), 2}, {m.tableBar(), m.entry(0, 0), 1},
            {m.pbaBar(), m.pbaOffset() - 4, 8}, // over the PBA's start
            {m.pbaBar(), m.pbaOffset() + m.pbaLength() - 4, 8}, // over the PBA's end
            {m.pbaBar(), m.pbaOffset(), 2}, {m.pbaBar(), m.pbaOffset() + 1, 1}};
        for (long[] a : bad) {
            int bar = (int) a[0];
            int width = (int) a[2];
            PciAccessException r = assertThrows(PciAccessException.class, () -> s.guest.barRead(bar, a[1], width));
            PciAccessException w = assertThrows(PciAccessException.class, () -> s.guest.barWrite(bar, a[1], width, -1L));
            for (PciAccessException e : new PciAccessException[] {r, w}) {
                assertTrue(e.getMessage().startsWith(s.guest.address().toString()), e.getMessage());
                assertEquals(width, e.width(), e.getMessage());
            }
        }
        // The PBA is read-only: a well-formed write is refused too.
        assertThrows(PciAccessException.class, () -> s.guest.barWrite(m.pbaBar(), m.pbaOffset(), 8, -1L));
        assertArrayEquals(table, s.msixView(m), "the emulated table and PBA are as they were");
        assertEquals(routes, s.routes().stream().map(Scenario::render).toList(), "the router's routes are as they were");
        assertEquals(refusedBefore + 2L * bad.length + 1, s.runtime.snapshot().devices[0].refusedAccesses);
        assertEquals(0, s.barAccesses(), "no refused access reached the device");
        s.phys.raiseInterrupt(InterruptKind.MSIX, last);
        assertEquals(List.of(Scenario.message(InterruptKind.MSIX, 0xfee0_1000L, 0x4021)), s.delivered(),
                "the function goes on delivering");
    }
}
