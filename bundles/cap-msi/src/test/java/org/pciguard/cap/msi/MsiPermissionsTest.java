package org.pciguard.cap.msi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.CAP_LIST_ID;
import static org.pciguard.api.regs.PciRegs.CAP_LIST_NEXT;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.cap.msi.MsiPermissions.Layout;
import org.pciguard.testing.Masks;

/** The MSI table, register by register, for the four layouts, against reference 2.5 and difference 2. */
class MsiPermissionsTest {

    private static Masks masks(PermissionTable table, int offset, int width) {
        return Masks.of(table, offset, width);
    }

    private static final int CONTROL_VIRTUAL = Msi.FLAGS_ENABLE | Msi.FLAGS_QSIZE | Msi.FLAGS_EXT_DATA_CAP
            | Msi.FLAGS_EXT_DATA_EN;
    private static final int CONTROL_CONSTANT = Msi.FLAGS_QMASK | Msi.FLAGS_64BIT | Msi.FLAGS_MASKBIT
            | Msi.FLAGS_RESERVED;

    @ParameterizedTest(name = "flags 0x{0}")
    @CsvSource({ "0000, 10", "0080, 14", "0100, 20", "0180, 24", "0200, 10", "0386, 24" })
    void everyLayoutHasItsLengthAndTheCommonRegisters(String flags, int length) {
        PermissionTable t = MsiPermissions.build(new Layout(Integer.parseInt(flags, 16)));
        assertEquals(length, t.length());
        assertEquals(new Masks(0, 0, 0, 0xff), masks(t, CAP_LIST_ID, 1), "id fixed");
        assertEquals(new Masks(0xff, 0, 0, 0), masks(t, CAP_LIST_NEXT, 1), "next virtual: the core relinks");
        assertEquals(new Masks(CONTROL_VIRTUAL, Msi.FLAGS_ENABLE | Msi.FLAGS_QSIZE, 0, CONTROL_CONSTANT),
                masks(t, Msi.FLAGS, 2), "Message Control");
        assertEquals(new Masks(-1, ~Msi.ADDRESS_LO_RESERVED, 0, 0), masks(t, Msi.ADDRESS_LO, 4), "address");
        for (int b = 0; b < length; b++) {
            assertEquals(0, t.writableByte(b) & ~t.virtualByte(b), "nothing reaches the device: +" + b);
            assertEquals(0, t.writeOneToClearByte(b), "nothing is RW1C: +" + b);
        }
    }

    @Test
    void the32BitLayoutHasItsDataAt8AndNothingAfter() {
        PermissionTable t = MsiPermissions.build(new Layout(0));
        assertEquals(new Masks(0xffff, 0xffff, 0, 0), masks(t, Msi.DATA_32, 2));
    }

    @Test
    void the64BitLayoutHasAnUpperAddressAndItsDataAt12() {
        PermissionTable t = MsiPermissions.build(new Layout(Msi.FLAGS_64BIT));
        assertEquals(new Masks(-1, -1, 0, 0), masks(t, Msi.ADDRESS_HI, 4));
        assertEquals(new Masks(0xffff, 0xffff, 0, 0), masks(t, Msi.DATA_64, 2));
    }

    /** Difference 2: mask and pending bits are virtual; mask bits exist for the vectors the function has. */
    @ParameterizedTest(name = "64-bit {0}, Multiple Message Capable {1}")
    @CsvSource({ "false, 0, 0x1", "false, 1, 0x3", "false, 3, 0xff", "true, 4, 0xffff", "true, 5, 0xffffffff",
            "true, 7, 0xffffffff" })
    void maskAndPendingBitsAreVirtual(boolean is64, int capable, String vectorBits) {
        int flags = Msi.FLAGS_MASKBIT | (is64 ? Msi.FLAGS_64BIT : 0) | capable << 1;
        PermissionTable t = MsiPermissions.build(new Layout(flags));
        int mask = is64 ? Msi.MASK_64 : Msi.MASK_32;
        int pending = is64 ? Msi.PENDING_64 : Msi.PENDING_32;
        int ext = is64 ? Msi.EXT_DATA_64 : Msi.EXT_DATA_32;
        assertEquals(new Masks(-1, Integer.parseUnsignedInt(vectorBits.substring(2), 16), 0, 0), masks(t, mask, 4));
        assertEquals(new Masks(-1, 0, 0, 0), masks(t, pending, 4), "pending: virtual read-only");
        assertEquals(new Masks(0xffff, 0, 0, 0), masks(t, ext, 2), "Extended Message Data: virtual, reads 0");
    }

    @Test
    void everyLineHasAReason() {
        PermissionTable t = MsiPermissions.build(new Layout(Msi.FLAGS_64BIT | Msi.FLAGS_MASKBIT));
        assertEquals(9, t.lines().size(), "id, next, control, address, upper address, data, extended data, mask, pending");
        assertTrue(t.lines().stream().allMatch(l -> !l.reason().isBlank()));
    }
}
