package org.pciguard.cap.pwr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.Pwr;

/** The Power Budgeting table as built (its behaviour in the core is in conformance/). */
class PwrPermissionsTest {

    @Test
    void onlyTheDataSelectByteIsWritableAndNothingIsVirtual() {
        PermissionTable t = PwrPermissions.build(Pwr.SIZEOF);
        assertEquals(Pwr.SIZEOF, t.length());
        for (int rel = 0; rel < Pwr.SIZEOF; rel++) {
            assertEquals(rel == Pwr.DSR ? 0xff : 0, t.writableByte(rel), "+0x" + Integer.toHexString(rel));
            assertEquals(0, t.virtualByte(rel));
        }
    }

    @Test
    void theDataRegisterIsReadOnlyUnlikeVfiosTable() {
        PermissionTable t = PwrPermissions.build(Pwr.SIZEOF);
        assertEquals(0, t.writableByte(Pwr.DATA), "reference 2.13 makes this byte writable: deliberately not");
        assertEquals(Pwr.CAP_BUDGET, t.constantByte(Pwr.CAP));
    }

    @Test
    void aCapabilityCutShortByTheEndOfConfigSpaceIsReadOnly() {
        PermissionTable t = PwrPermissions.build(Pwr.DATA);
        for (int rel = 0; rel < t.length(); rel++) {
            assertEquals(0, t.writableByte(rel));
        }
    }
}
