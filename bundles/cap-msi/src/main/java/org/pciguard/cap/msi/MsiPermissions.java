package org.pciguard.cap.msi;

import static org.pciguard.api.regs.PciRegs.CAP_LIST_ID;
import static org.pciguard.api.regs.PciRegs.CAP_LIST_NEXT;

import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.Msi;

/**
 * The guest's rights to every bit of an MSI capability (PCI 3.0, 6.8.1), one line per register with
 * its reason, for the four layouts (32- or 64-bit address, with or without per-vector masking). It
 * follows Linux vfio-pci's per-device table (reference 2.5) with DESIGN.md's differences:
 * <ul>
 * <li>Mask Bits and Pending Bits are virtual (difference 2), where vfio passes them to the device:
 * the host owns the device's masking and the interrupt router emulates the guest's;</li>
 * <li>of Message Control only Enable and Multiple Message Enable are guest-writable virtual bits;
 * vfio virtualizes the whole low byte writable, which lets a guest overwrite Multiple Message
 * Capable and 64-bit Address Capable in its view: here they are constant, as the spec fixes them;</li>
 * <li>Extended Message Data (PCIe 6.0, 7.7.1.2) is not offered: its capable and enable bits and its
 * register read 0, because the router delivers 16-bit data;</li>
 * <li>the guest's values never reach the device (vfio copies Message Control to it after its fix-up).</li>
 * </ul>
 * Message Address bits 1:0 read 0 as on hardware. Bytes a layout does not have (Extended Message
 * Data of the short layouts) lie outside the capability and are not in the table.
 */
final class MsiPermissions {

    /** All bits of a 1-byte register. */
    static final int BYTE = 0xff;
    /** All bits of a 2-byte register. */
    static final int WORD = 0xffff;
    /** All bits of a 4-byte register. */
    static final int DWORD = 0xffffffff;

    /** Message Control bits the guest may change, kept in the shadow. */
    static final int FLAGS_GUEST = Msi.FLAGS_ENABLE | Msi.FLAGS_QSIZE;
    /** Message Control bits of Extended Message Data, virtual and 0: the feature is not offered. */
    static final int FLAGS_NOT_OFFERED = Msi.FLAGS_EXT_DATA_CAP | Msi.FLAGS_EXT_DATA_EN;
    /** Message Control bits fixed by hardware. */
    static final int FLAGS_FIXED = Msi.FLAGS_QMASK | Msi.FLAGS_64BIT | Msi.FLAGS_MASKBIT | Msi.FLAGS_RESERVED;

    private MsiPermissions() {
    }

    /**
     * Where the registers of one MSI capability are, from its Message Control value.
     *
     * @param flags Message Control as the device holds it
     */
    record Layout(int flags) {

        /** 64-bit Address Capable: a Message Upper Address register. */
        boolean is64() {
            return (flags & Msi.FLAGS_64BIT) != 0;
        }

        /** Per-vector masking capable: Mask Bits and Pending Bits registers. */
        boolean maskable() {
            return (flags & Msi.FLAGS_MASKBIT) != 0;
        }

        /** Offset of Message Data. */
        int data() {
            return is64() ? Msi.DATA_64 : Msi.DATA_32;
        }

        /** Offset of Extended Message Data (inside the capability only where it is maskable). */
        int extData() {
            return is64() ? Msi.EXT_DATA_64 : Msi.EXT_DATA_32;
        }

        /** Offset of Mask Bits; meaningful only where {@link #maskable()}. */
        int mask() {
            return is64() ? Msi.MASK_64 : Msi.MASK_32;
        }

        /** Offset of Pending Bits; meaningful only where {@link #maskable()}. */
        int pending() {
            return is64() ? Msi.PENDING_64 : Msi.PENDING_32;
        }

        /** Length of the capability: 10, 14, 20 or 24 bytes (reference 2.5). */
        int length() {
            if (maskable()) {
                return is64() ? Msi.SIZEOF_64_MASK : Msi.SIZEOF_32_MASK;
            }
            return is64() ? Msi.SIZEOF_64 : Msi.SIZEOF_32;
        }

        /**
         * Log2 of the vectors the function can signal: Multiple Message Capable, with the reserved
         * encodings 110b and 111b read as 32 vectors, the most MSI has.
         */
        int capableLog2() {
            int mmc = (flags & Msi.FLAGS_QMASK) >>> Integer.numberOfTrailingZeros(Msi.FLAGS_QMASK);
            return Math.min(mmc, Integer.numberOfTrailingZeros(Msi.MAX_VECTORS));
        }

        /** Mask (and pending) bits of the vectors the function has: one per vector, bit 0 for vector 0. */
        int vectorBits() {
            int vectors = 1 << capableLog2();
            return vectors == Msi.MAX_VECTORS ? DWORD : (1 << vectors) - 1;
        }
    }

    /** The permission table of an MSI capability with this layout. */
    static PermissionTable build(Layout layout) {
        PermissionTable.Builder table = PermissionTable.builder(layout.length())
                .at(CAP_LIST_ID, 1).constant(BYTE).because("capability id, fixed by hardware")
                .at(CAP_LIST_NEXT, 1).virtual(BYTE).because("the core relinks the chain to hide capabilities")
                .at(Msi.FLAGS, 2).virtual(FLAGS_GUEST | FLAGS_NOT_OFFERED).writable(FLAGS_GUEST).constant(FLAGS_FIXED)
                    .because("Enable and Multiple Message Enable virtual: the router delivers and the device's MSI"
                            + " stays the host's; Multiple Message Enable is clamped to Capable after the write;"
                            + " Extended Message Data not offered (its bits read 0); the capable bits are fixed")
                .at(Msi.ADDRESS_LO, 4).virtual(DWORD).writable(~Msi.ADDRESS_LO_RESERVED)
                    .because("the guest's message address, never written to the device; bits 1:0 read 0 as on"
                            + " hardware");
        if (layout.is64()) {
            table.at(Msi.ADDRESS_HI, 4).virtual(DWORD).writable(DWORD)
                    .because("the guest's upper message address, never written to the device");
        }
        table.at(layout.data(), 2).virtual(WORD).writable(WORD)
                .because("the guest's message data, never written to the device");
        if (layout.maskable()) {
            table.at(layout.extData(), 2).virtual(WORD)
                    .because("Extended Message Data not offered: reads 0, writes dropped")
                    .at(layout.mask(), 4).virtual(DWORD).writable(layout.vectorBits())
                    .because("per-vector masking virtual: the router masks (difference 2), the host owns the"
                            + " device's mask bits; bits of vectors the function lacks read 0")
                    .at(layout.pending(), 4).virtual(DWORD)
                    .because("pending bits virtual and read-only: the router sets them (difference 2)");
        }
        return table.build();
    }
}
