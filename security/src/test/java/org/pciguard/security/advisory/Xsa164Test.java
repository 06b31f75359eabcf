package org.pciguard.security.advisory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.COMMAND;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.security.MsixAt;

/**
 * XSA-164 (CVE-2015-8554), "qemu-dm buffer overrun in MSI-X handling": qemu-traditional trapped the
 * whole page holding the MSI-X table (the PBA may share it) but sized its array of entries to the
 * table, and a guest write anywhere in the page past the last entry wrote past the array's end.
 * pciguard (SECURITY.md R9): the emulated table is exactly the table; a guest write past its last
 * entry, anywhere in the rest of its page, never lands in the emulated table, the PBA or the router:
 * it is refused (the PBA) or is an ordinary BAR access to the device's own registers there; the
 * device's table itself is never written.
 */
class Xsa164Test {

    /** Intel 82576: 10 entries at the start of BAR 3, the PBA at 0x2000 of the same BAR. */
    private static final String DEVICE = "8086-10c9-82576-gbe-sriov.lspci";
    /** The page qemu-traditional trapped around the table. */
    private static final int PAGE = 4096;

    @Test
    void xsa164_guestWritesPastTheLastEntryNeverLandInTheEmulatedTableThePbaOrTheRouter() {
        Scenario s = new Scenario(DEVICE);
        MsixAt m = s.msix();
        s.guest.write(COMMAND, 2, Command.MEMORY);
        for (int e = 0; e < m.entries(); e++) {
            s.programEntry(m, e, 0xfee0_0000L | e << 4, 0x4000 + e, e % 2 == 0);
        }
        s.guest.write(m.control(), 2, Msix.FLAGS_ENABLE);
        long[] view = s.msixView(m);
        List<String> routes = s.routes().stream().map(Scenario::render).toList();
        long deviceTable = deviceTable(s, m);
        s.reached.clear();

        int refused = 0;
        long pageEnd = (m.tableEnd() + PAGE - 1) / PAGE * PAGE;
        for (long off = m.tableEnd(); off < pageEnd; off += Integer.BYTES) {
            for (int width : new int[] {Integer.BYTES, Long.BYTES}) {
                if (off % width == 0) {
                    refused += write(s, m.tableBar(), off, width);
                }
            }
        }
        for (long off = m.pbaOffset(); off < m.pbaOffset() + m.pbaLength(); off += Integer.BYTES) {
            refused += write(s, m.pbaBar(), off, Integer.BYTES);
        }
        assertTrue(refused >= m.pbaLength() / Integer.BYTES, "the PBA writes were refused: " + refused);
        assertArrayEquals(view, s.msixView(m), "the emulated table and PBA are as the guest programmed them");
        assertEquals(routes, s.routes().stream().map(Scenario::render).toList(), "the router's routes are as they were");
        assertTrue(s.routes().stream().noneMatch(r -> r.source.equals("msix") && r.index >= m.entries()),
                "no route past the table");
        assertTrue(s.reached.stream().noneMatch(a -> a.bar() && m.touches(a.barIndex(), a.offset(), a.size())),
                "no access reached the device's own table or PBA");
        assertEquals(deviceTable, deviceTable(s, m), "the device's table is the host's");

        s.phys.raiseInterrupt(InterruptKind.MSIX, 1);
        assertEquals(List.of(Scenario.message(InterruptKind.MSIX, 0xfee0_0010L, 0x4001)), s.delivered());
    }

    /** A guest write of all ones; 1 when refused, 0 when it went through. */
    private static int write(Scenario s, int bar, long off, int width) {
        try {
            s.guest.barWrite(bar, off, width, -1L);
            return 0;
        } catch (PciAccessException refused) {
            return 1;
        }
    }

    /** A hash of the device's own table and PBA in BAR memory, read around the virtualizer. */
    private static long deviceTable(Scenario s, MsixAt m) {
        long hash = 0;
        for (long off = m.tableOffset(); off < m.tableEnd(); off += Long.BYTES) {
            hash = hash * 31 + s.phys.readBar(m.tableBar(), off, Long.BYTES);
        }
        for (long off = m.pbaOffset(); off < m.pbaOffset() + m.pbaLength(); off += Long.BYTES) {
            hash = hash * 31 + s.phys.readBar(m.pbaBar(), off, Long.BYTES);
        }
        return hash;
    }
}
