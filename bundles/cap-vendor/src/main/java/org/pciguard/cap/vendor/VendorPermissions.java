package org.pciguard.cap.vendor;

import static org.pciguard.api.regs.PciRegs.CAP_LIST_ID;
import static org.pciguard.api.regs.PciRegs.CAP_LIST_NEXT;

import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.Vndr;

/**
 * The guest's rights to a vendor-specific capability (PCI 3.0, 6.7): id, next and length, then
 * registers only the vendor knows. vfio-pci reads them through and writes every byte raw
 * (reference 2.8); here, as DESIGN.md treats what it cannot know (unknown means read-only), they
 * read through and are read-only, unless the device is configured {@code permissive}, which
 * restores vfio's raw writes of the vendor-defined bytes. Id and length are fixed by the spec and
 * never writable (vfio writes them raw, read-only in hardware).
 */
final class VendorPermissions {

    /** All bits of a 1-byte register. */
    static final int BYTE = 0xff;

    private VendorPermissions() {
    }

    /**
     * The table of a vendor-specific capability of {@code length} bytes (the byte at +2, as the
     * walker reads it).
     *
     * @param permissive whether the device is configured permissive
     */
    static PermissionTable build(int length, boolean permissive) {
        PermissionTable.Builder table = PermissionTable.builder(Math.max(length, Vndr.MIN_SIZEOF))
                .at(CAP_LIST_ID, 1).constant(BYTE).because("capability id, fixed by hardware")
                .at(CAP_LIST_NEXT, 1).virtual(BYTE).because("the core relinks the chain to hide capabilities")
                .at(Vndr.LEN, 1).constant(BYTE).because("capability length, fixed by hardware");
        String reason = permissive
                ? "vendor-defined: raw writes, the device is configured permissive (vfio's raw write)"
                : "vendor-defined: reads through, read-only (raw writes only for a permissive device)";
        for (int off = Vndr.MIN_SIZEOF; off < length;) {
            int width = off % Integer.BYTES == 0 && off + Integer.BYTES <= length ? Integer.BYTES
                    : off % Short.BYTES == 0 && off + Short.BYTES <= length ? Short.BYTES : Byte.BYTES;
            table.at(off, width).writable(permissive ? all(width) : 0).because(reason);
            off += width;
        }
        return table.build();
    }

    private static int all(int width) {
        return width == Integer.BYTES ? -1 : (1 << Byte.SIZE * width) - 1;
    }
}
