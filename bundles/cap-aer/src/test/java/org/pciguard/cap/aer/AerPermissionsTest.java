package org.pciguard.cap.aer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.function.IntUnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.Err;

/** The AER table as built, register by register (its behaviour in the core is in conformance/). */
class AerPermissionsTest {

    /** Reference 2.12's write mask of the uncorrectable registers, as vfio spells it. */
    private static final int VFIO_UNCOR = 0x03fff031;
    /** Reference 2.12's write mask of the correctable registers. */
    private static final int VFIO_COR = 0x0000f1c1;
    /** Reference 2.12's write mask of Advanced Error Capabilities and Control. */
    private static final int VFIO_CAP = 0x00000140;

    private static final PermissionTable BASE = AerPermissions.build(Err.SIZEOF);

    private static int mask(IntUnaryOperator perByte, int offset) {
        int v = 0;
        for (int i = 0; i < Integer.BYTES; i++) {
            v |= perByte.applyAsInt(offset + i) << 8 * i;
        }
        return v;
    }

    @Test
    void writeMasksAreTheReferences() {
        assertEquals(VFIO_UNCOR, mask(BASE::writableByte, Err.UNCOR_STATUS));
        assertEquals(VFIO_UNCOR, mask(BASE::writableByte, Err.UNCOR_MASK));
        assertEquals(VFIO_UNCOR, mask(BASE::writableByte, Err.UNCOR_SEVER));
        assertEquals(VFIO_COR, mask(BASE::writableByte, Err.COR_STATUS));
        assertEquals(VFIO_COR, mask(BASE::writableByte, Err.COR_MASK));
        assertEquals(VFIO_CAP, mask(BASE::writableByte, Err.CAP));
    }

    @Test
    void statusRegistersAreRw1cAndTheNewerErrorsAreNeverCleared() {
        assertEquals(Err.UNC_DEFINED | Err.UNC_UND, mask(BASE::writeOneToClearByte, Err.UNCOR_STATUS),
                "every uncorrectable error bit is RW1C on the device");
        assertEquals(Err.UNC_DEFINED & ~VFIO_UNCOR,
                mask(BASE::writeOneToClearByte, Err.UNCOR_STATUS) & ~mask(BASE::writableByte, Err.UNCOR_STATUS),
                "bits 26..31 the guest may not clear");
        assertEquals(Err.COR_DEFINED, mask(BASE::writeOneToClearByte, Err.COR_STATUS));
        assertEquals(0, mask(BASE::writeOneToClearByte, Err.UNCOR_MASK), "masks are plain RW");
    }

    @Test
    void nothingIsVirtual() {
        for (int rel = 0; rel < BASE.length(); rel++) {
            assertEquals(0, BASE.virtualByte(rel), "+0x" + Integer.toHexString(rel));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {Err.SIZEOF, Err.ROOT_SIZEOF, Err.PREFIX_SIZEOF})
    void logsAndRootRegistersAreReadOnly(int length) {
        PermissionTable t = AerPermissions.build(length);
        assertEquals(length, t.length());
        for (int rel = Err.HEADER_LOG; rel < length; rel++) {
            assertEquals(0, t.writableByte(rel), "+0x" + Integer.toHexString(rel));
        }
        if (length >= Err.ROOT_SIZEOF) {
            assertEquals(Err.ROOT_STATUS_RW1C, mask(t::writeOneToClearByte, Err.ROOT_STATUS));
        }
        t.lines().forEach(l -> assertFalse(l.reason().isBlank(), "line at +" + l.offset()));
    }

    @Test
    void aCapabilityCutShortByTheEndOfConfigSpaceIsReadOnly() {
        PermissionTable t = AerPermissions.build(Err.HEADER_LOG);
        for (int rel = 0; rel < t.length(); rel++) {
            assertEquals(0, t.writableByte(rel) | t.writeOneToClearByte(rel));
        }
    }
}
