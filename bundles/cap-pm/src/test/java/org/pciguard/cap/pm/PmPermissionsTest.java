package org.pciguard.cap.pm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.CAP_LIST_ID;
import static org.pciguard.api.regs.PciRegs.CAP_LIST_NEXT;

import org.junit.jupiter.api.Test;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.Pm;
import org.pciguard.testing.Masks;

/** The PM table, register by register, against reference 2.2 and DESIGN.md's differences. */
class PmPermissionsTest {

    private final PermissionTable table = PmPermissions.build();

    private Masks masks(int offset, int width) {
        return Masks.of(table, offset, width);
    }

    @Test
    void coversTheCapability() {
        assertEquals(Pm.SIZEOF, table.length());
    }

    @Test
    void idIsConstantAndNextVirtual() {
        assertEquals(new Masks(0, 0, 0, 0xff), masks(CAP_LIST_ID, 1));
        assertEquals(new Masks(0xff, 0, 0, 0), masks(CAP_LIST_NEXT, 1));
    }

    @Test
    void pmeSupportIsVirtualReadOnlyTheRestOfPmcConstant() {
        assertEquals(new Masks(0xf800, 0, 0, 0x07ff), masks(Pm.PMC, 2));
    }

    @Test
    void pmcsrTrapsPowerStateHidesPmeAndPassesDataSelect() {
        Masks m = masks(Pm.CTRL, 2);
        assertEquals(0x8103, m.virtual(), "PowerState, PME_En, PME_Status");
        assertEquals(0x1e03, m.writable(), "PowerState (trapped) and Data_Select");
        assertEquals(0x8000, m.writeOneToClear(), "PME_Status RW1C on the device, never cleared by the guest");
        assertEquals(0x0008, m.constant(), "No_Soft_Reset");
        assertEquals(0, m.writable() & ~m.virtual() & ~Pm.CTRL_DATA_SEL_MASK, "only Data_Select reaches the device");
    }

    @Test
    void bridgeExtensionsAreConstantAndDataReadsThrough() {
        assertEquals(new Masks(0, 0, 0, 0xff), masks(Pm.PPB_EXTENSIONS, 1));
        assertEquals(new Masks(0, 0, 0, 0), masks(Pm.DATA_REGISTER, 1));
    }

    @Test
    void everyByteHasOneLineWithAReason() {
        boolean[] seen = new boolean[Pm.SIZEOF];
        for (PermissionTable.Line line : table.lines()) {
            assertFalse(line.reason().isBlank());
            for (int i = line.offset(); i < line.offset() + line.width(); i++) {
                assertFalse(seen[i], "byte " + i + " in two lines");
                seen[i] = true;
            }
        }
        for (int i = 0; i < Pm.SIZEOF; i++) {
            assertTrue(seen[i], "byte " + i);
        }
    }
}
