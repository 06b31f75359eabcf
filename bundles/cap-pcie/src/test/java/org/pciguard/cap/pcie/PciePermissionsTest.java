package org.pciguard.cap.pcie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.pciguard.api.regs.PciRegs.Exp.DEVCAP;
import static org.pciguard.api.regs.PciRegs.Exp.DEVCTL;
import static org.pciguard.api.regs.PciRegs.Exp.DEVCTL2;
import static org.pciguard.api.regs.PciRegs.Exp.DEVSTA;
import static org.pciguard.api.regs.PciRegs.Exp.FLAGS;
import static org.pciguard.api.regs.PciRegs.Exp.LNKCAP;
import static org.pciguard.api.regs.PciRegs.Exp.LNKCTL;
import static org.pciguard.api.regs.PciRegs.Exp.LNKSTA;
import static org.pciguard.api.regs.PciRegs.Exp.SLTSTA;

import java.util.function.IntUnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.Exp;

/** The PCI Express table as built, register by register (its behaviour in the core is in conformance/). */
class PciePermissionsTest {

    private static final int V2 = 2;
    private static final int V1 = 1;
    private static final int WORD = 0xffff;

    private static int flags(int version, int type) {
        return version | type << Exp.FLAGS_TYPE_SHIFT;
    }

    private static final PermissionTable ENDPOINT_FLR = PciePermissions.build(Exp.ENDPOINT_SIZEOF_V2,
            flags(V2, Exp.TYPE_ENDPOINT), Exp.DEVCAP_FLR);
    private static final PermissionTable ENDPOINT_NO_FLR = PciePermissions.build(Exp.ENDPOINT_SIZEOF_V2,
            flags(V2, Exp.TYPE_ENDPOINT), 0);

    /** The mask of {@code width} bytes at {@code offset}, composed little-endian from a per-byte accessor. */
    private static int mask(IntUnaryOperator perByte, int offset, int width) {
        int v = 0;
        for (int i = 0; i < width; i++) {
            v |= perByte.applyAsInt(offset + i) << 8 * i;
        }
        return v;
    }

    private static int virt(PermissionTable t, int offset, int width) {
        return mask(t::virtualByte, offset, width);
    }

    private static int writable(PermissionTable t, int offset, int width) {
        return mask(t::writableByte, offset, width);
    }

    private static int w1c(PermissionTable t, int offset, int width) {
        return mask(t::writeOneToClearByte, offset, width);
    }

    private static int constant(PermissionTable t, int offset, int width) {
        return mask(t::constantByte, offset, width);
    }

    @Test
    void deviceControlSizesAndFlrAreVirtualTheRestToTheDeviceButPhantomFunctions() {
        assertEquals(Exp.DEVCTL_PAYLOAD | Exp.DEVCTL_READRQ | Exp.DEVCTL_BCR_FLR, virt(ENDPOINT_FLR, DEVCTL, 2));
        assertEquals(WORD & ~Exp.DEVCTL_PHANTOM, writable(ENDPOINT_FLR, DEVCTL, 2), "reference 2.9: NOT(Phantom)");
        assertEquals(0, constant(ENDPOINT_FLR, DEVCTL, 2));
    }

    @Test
    void initiateFlrIsWritableOnlyWhereTheFunctionIsFlrCapable() {
        assertEquals(Exp.DEVCTL_BCR_FLR, writable(ENDPOINT_FLR, DEVCTL, 2) & Exp.DEVCTL_BCR_FLR);
        assertEquals(0, writable(ENDPOINT_NO_FLR, DEVCTL, 2) & Exp.DEVCTL_BCR_FLR);
        assertEquals(Exp.DEVCTL_BCR_FLR, virt(ENDPOINT_NO_FLR, DEVCTL, 2) & Exp.DEVCTL_BCR_FLR, "reads the shadow's 0");
    }

    @Test
    void statusRegistersAreReadOnlyWithTheirRw1cBitsNeverCleared() {
        assertEquals(0, writable(ENDPOINT_FLR, DEVSTA, 2));
        assertEquals(Exp.DEVSTA_RW1C, w1c(ENDPOINT_FLR, DEVSTA, 2));
        assertEquals(Exp.LNKSTA_LBMS | Exp.LNKSTA_LABS, w1c(ENDPOINT_FLR, LNKSTA, 2));
        assertEquals(Exp.SLTSTA_RW1C, w1c(ENDPOINT_FLR, SLTSTA, 2));
        assertEquals(0, writable(ENDPOINT_FLR, LNKCTL, 2), "no ASPM, retrain or link disable");
    }

    @Test
    void deviceControl2IsWritableExceptAriForwarding() {
        assertEquals(WORD & ~Exp.DEVCTL2_ARI, writable(ENDPOINT_FLR, DEVCTL2, 2), "reference 2.9: NOT(ARI)");
        assertEquals(0, virt(ENDPOINT_FLR, DEVCTL2, 2));
    }

    @Test
    void capabilityRegistersAreConstantButTheFieldsHardwareUpdates() {
        assertEquals(Exp.FLAGS_VERS | Exp.FLAGS_TYPE | Exp.FLAGS_SLOT, constant(ENDPOINT_FLR, FLAGS, 2));
        assertEquals(0, constant(ENDPOINT_FLR, DEVCAP, 4) & (Exp.DEVCAP_PWR_VAL | Exp.DEVCAP_PWR_SCL));
        assertEquals(Exp.DEVCAP_FLR, constant(ENDPOINT_FLR, DEVCAP, 4) & Exp.DEVCAP_FLR);
        assertEquals(PciePermissions.LNKCAP_FIXED, constant(ENDPOINT_FLR, LNKCAP, 4));
    }

    /** Capability length by version and device/port type (reference 4.2); nothing writable past Device Control 2. */
    @ParameterizedTest(name = "v{0} type {1}: {2} bytes")
    @CsvSource({
        "1, 9, 12", // RC integrated endpoint v1: device registers only
        "1, 0, 20", // endpoint v1: through Link Status
        "1, 10, 36", // RC event collector v1: through Root Status
        "2, 9, 44", // RC integrated endpoint v2: through Device Status 2
        "2, 0, 52", // endpoint v2: through Link Status 2
        "2, 1, 52", // legacy endpoint v2
        "2, 4, 60", // root port v2: through Slot Status 2
    })
    void everyLengthBuildsWithOnlyDeviceControlAndDeviceControl2Writable(int version, int type, int length) {
        PermissionTable t = PciePermissions.build(length, flags(version, type), Exp.DEVCAP_FLR);
        assertEquals(length, t.length());
        for (int rel = 0; rel < length; rel++) {
            boolean control = rel >= DEVCTL && rel < DEVCTL + 2 || rel >= DEVCTL2 && rel < DEVCTL2 + 2;
            if (!control) {
                assertEquals(0, t.writableByte(rel), "byte +0x" + Integer.toHexString(rel));
            }
        }
        if (length >= Exp.ENDPOINT_SIZEOF_V1) {
            boolean link = type != Exp.TYPE_RC_END && type != Exp.TYPE_RC_EC;
            assertEquals(link, constant(t, LNKCAP, 4) == PciePermissions.LNKCAP_FIXED, "link registers only with a link");
        }
        t.lines().forEach(l -> assertFalse(l.reason().isBlank(), "line at +" + l.offset()));
    }

    @Test
    void aVersion1CapabilityHasNoDeviceControl2() {
        PermissionTable t = PciePermissions.build(Exp.ENDPOINT_SIZEOF_V1, flags(V1, Exp.TYPE_ENDPOINT), 0);
        assertEquals(Exp.ENDPOINT_SIZEOF_V1, t.length());
        assertFalse(t.lines().stream().anyMatch(l -> l.offset() >= Exp.ENDPOINT_SIZEOF_V1));
    }

    @Test
    void aCapabilityCutShortByTheEndOfConfigSpaceIsReadOnly() {
        PermissionTable t = PciePermissions.build(Exp.DEVCTL, flags(V2, Exp.TYPE_ENDPOINT), Exp.DEVCAP_FLR);
        for (int rel = 0; rel < t.length(); rel++) {
            assertEquals(0, t.writableByte(rel) | t.virtualByte(rel));
        }
    }
}
