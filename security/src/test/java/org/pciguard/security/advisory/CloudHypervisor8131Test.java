package org.pciguard.security.advisory;

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
import org.pciguard.testing.ConfigBytes;

/**
 * cloud-hypervisor #8131, "pci: msix: Replace panic with graceful error on invalid table write" (and
 * #8417 for reads; both ported with #6657 into TencentCloud/CubeSandbox #619): a guest MSI-X table
 * write of a size other than 4 or 8 bytes hit an {@code assert!} and killed the VMM; mis-sized table
 * and PBA reads did the same. pciguard (SECURITY.md R9): an access of every width at every offset of
 * the table and the PBA either is served (aligned DWORD and QWORD, the spec's rule) or is refused
 * with a {@link PciAccessException} naming the device and width; nothing else escapes, the table ends
 * up holding exactly the accepted writes, the router follows them, and the function goes on working.
 */
class CloudHypervisor8131Test {

    /** Intel 82576: 10 entries at the start of BAR 3, the PBA at 0x2000. */
    private static final String DEVICE = "8086-10c9-82576-gbe-sriov.lspci";
    private static final int MAX_WIDTH = 8;

    @Test
    void ch8131_msixTableAndPbaAccessesOfEveryWidthAtEveryOffsetAreServedOrRefusedNeverCrash() {
        Scenario s = new Scenario(DEVICE);
        MsixAt m = s.msix();
        s.guest.write(COMMAND, 2, Command.MEMORY);
        s.guest.write(m.control(), 2, Msix.FLAGS_ENABLE);
        byte[] model = new byte[m.entries() * Msix.ENTRY_SIZE];
        for (int e = 0; e < m.entries(); e++) {
            ConfigBytes.put(model, e * Msix.ENTRY_SIZE + Msix.ENTRY_VECTOR_CTRL, 4, Msix.ENTRY_CTRL_MASKBIT);
        }
        long pba = s.guest.barRead(m.pbaBar(), m.pbaOffset(), 8);
        int served = 0;
        int refused = 0;
        long value = 0x0123_4567_89ab_cdefL;
        for (int width = 1; width <= MAX_WIDTH; width++) {
            for (long off = m.tableOffset(); off + width <= m.tableEnd(); off++) {
                value = Long.rotateLeft(value, 7) ^ off;
                if (access(s, m.tableBar(), off, width, value)) {
                    served++;
                    store(model, (int) (off - m.tableOffset()), width, value);
                } else {
                    refused++;
                }
            }
            for (long off = m.pbaOffset(); off + width <= m.pbaOffset() + m.pbaLength(); off++) {
                refused += access(s, m.pbaBar(), off, width, -1L) ? 0 : 1;
            }
        }
        assertTrue(served > 0 && refused > served, "served " + served + ", refused " + refused);
        long[] view = s.msixView(m);
        for (int k = 0; k < model.length / Integer.BYTES; k++) {
            assertEquals(Integer.toUnsignedLong(ConfigBytes.get(model, k * Integer.BYTES, 4)), view[k],
                    "table dword " + k + " holds the accepted writes only");
        }
        assertEquals(pba, s.msixView(m)[view.length - 1], "the PBA is read-only");
        for (int e = 0; e < m.entries(); e++) {
            int base = e * Msix.ENTRY_SIZE;
            long address = Integer.toUnsignedLong(ConfigBytes.get(model, base, 4))
                    | Integer.toUnsignedLong(ConfigBytes.get(model, base + Msix.ENTRY_UPPER_ADDR, 4)) << Integer.SIZE;
            int entry = e;
            assertTrue(s.routes().stream().anyMatch(r -> r.source.equals("msix") && r.index == entry && r.address == address
                    && r.data == ConfigBytes.get(model, base + Msix.ENTRY_DATA, 4)), "the router holds entry " + e);
        }
        assertEquals(0, s.barAccesses(), "nothing reached the device's table or PBA");

        // The function goes on working: an entry programmed now delivers.
        s.programEntry(m, 3, 0xfee0_3000L, 0x4033, false);
        s.phys.raiseInterrupt(InterruptKind.MSIX, 3);
        assertEquals(List.of(Scenario.message(InterruptKind.MSIX, 0xfee0_3000L, 0x4033)), s.delivered());
        assertEquals(List.of(), s.log.messages, "nothing logged per access");
    }

    /**
     * One guest access, a write then a read of it; true when served, false when refused with a
     * {@link PciAccessException} naming device and width. Anything else escapes and fails the test.
     */
    private static boolean access(Scenario s, int bar, long off, int width, long value) {
        try {
            s.guest.barWrite(bar, off, width, value);
            s.guest.barRead(bar, off, width);
            return true;
        } catch (PciAccessException e) {
            assertTrue(e.getMessage().startsWith(s.guest.address().toString()) && e.width() == width, e.getMessage());
            return false;
        }
    }

    /** Stores an accepted write in the model table; reserved bits of an entry read 0 (PCI 3.0, 6.8.2). */
    private static void store(byte[] model, int at, int width, long value) {
        for (int k = 0; k < width; k++) {
            model[at + k] = (byte) (value >>> (8 * k));
        }
        for (int dword = at & ~3; dword < at + width; dword += Integer.BYTES) {
            int field = dword % Msix.ENTRY_SIZE;
            int reserved = field == Msix.ENTRY_LOWER_ADDR ? Msix.ENTRY_LOWER_ADDR_RESERVED
                    : field == Msix.ENTRY_VECTOR_CTRL ? Msix.ENTRY_CTRL_RESERVED : 0;
            ConfigBytes.put(model, dword, 4, ConfigBytes.get(model, dword, 4) & ~reserved);
        }
    }
}
