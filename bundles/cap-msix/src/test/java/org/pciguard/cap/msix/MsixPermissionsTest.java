package org.pciguard.cap.msix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pciguard.api.regs.PciRegs.CAP_LIST_ID;
import static org.pciguard.api.regs.PciRegs.CAP_LIST_NEXT;

import org.junit.jupiter.api.Test;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.testing.Masks;

/** The MSI-X table, register by register, against reference 2.7 and difference 3. */
class MsixPermissionsTest {

    private final PermissionTable table = MsixPermissions.build();

    private Masks masks(int offset, int width) {
        return Masks.of(table, offset, width);
    }

    @Test
    void coversTheCapability() {
        assertEquals(Msix.SIZEOF, table.length());
        assertEquals(5, table.lines().size());
    }

    @Test
    void idIsFixedAndNextIsTheCores() {
        assertEquals(new Masks(0, 0, 0, 0xff), masks(CAP_LIST_ID, 1));
        assertEquals(new Masks(0xff, 0, 0, 0), masks(CAP_LIST_NEXT, 1));
    }

    /** Difference 3: Enable and Function Mask are the guest's, virtual; Table Size is fixed. */
    @Test
    void enableAndFunctionMaskAreVirtualAndWritable() {
        int guest = Msix.FLAGS_ENABLE | Msix.FLAGS_MASKALL;
        assertEquals(new Masks(guest, guest, 0, Msix.FLAGS_QSIZE | Msix.FLAGS_RESERVED), masks(Msix.FLAGS, 2));
    }

    @Test
    void tableAndPbaLocationsAreFixed() {
        assertEquals(new Masks(0, 0, 0, -1), masks(Msix.TABLE, 4));
        assertEquals(new Masks(0, 0, 0, -1), masks(Msix.PBA, 4));
    }
}
