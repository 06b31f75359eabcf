package org.pciguard.cap.msi;

import org.pciguard.api.regs.PciRegs.Msi;

/**
 * The oracle of the MSI tests, written independently of the handler's table: vfio-pci's per-device
 * MSI table of reference 2.5 (virt and write masks), then DESIGN.md's differences and pciguard's
 * choices applied one by one. Per byte of the capability, relative to its start.
 */
final class ReferenceMsi {

    private static final int ALL = 0xffffffff;

    private final int flags;
    /** The capability's length: 10, 14, 20 or 24. */
    final int length;
    /** Per byte: bits served from the shadow. */
    final int[] virt;
    /** Per byte: bits the guest may write. */
    final int[] write;

    /** The reference table of the capability whose Message Control the device holds as {@code flags}. */
    ReferenceMsi(int flags) {
        this.flags = flags;
        boolean is64 = (flags & Msi.FLAGS_64BIT) != 0;
        boolean mask = (flags & Msi.FLAGS_MASKBIT) != 0;
        length = 10 + (is64 ? 4 : 0) + (mask ? 10 : 0);
        virt = new int[length];
        write = new int[length];

        // Reference 2.5, line by line.
        vfio(1, 1, 0xff, 0);                  // next
        vfio(2, 1, 0xff, 0xff);               // Message Control, low byte
        vfio(4, 4, ALL, ALL);                 // Message Address
        int data = is64 ? 12 : 8;
        if (is64) {
            vfio(8, 4, ALL, ALL);             // Message Upper Address
        }
        vfio(data, 2, 0xffff, 0xffff);        // Message Data
        if (mask) {
            vfio(data + 4, 4, 0, ALL);        // Mask Bits: HW RW
            vfio(data + 8, 4, 0, ALL);        // Pending Bits: passed to HW
        }

        // Difference 2: mask and pending bits are virtual; the router emulates them. Mask bits exist for
        // the vectors the function has; pending bits are read-only, as on hardware.
        if (mask) {
            int mmc = Math.min((flags & Msi.FLAGS_QMASK) >> 1, 5);
            int vectorBits = mmc == 5 ? ALL : (1 << (1 << mmc)) - 1;
            set(virt, data + 4, 4, ALL);
            set(write, data + 4, 4, vectorBits);
            set(virt, data + 8, 4, ALL);
            set(write, data + 8, 4, 0);
        }
        // pciguard: of Message Control's low byte only Enable and Multiple Message Enable are writable;
        // Multiple Message Capable and 64-bit are fixed by hardware.
        set(write, 2, 1, Msi.FLAGS_ENABLE | Msi.FLAGS_QSIZE);
        // pciguard: Message Address bits 1:0 are read-only 0, as on hardware.
        set(write, 4, 1, 0xff & ~Msi.ADDRESS_LO_RESERVED);
    }

    /** Log2 of the vectors the function has: the limit of Multiple Message Enable. */
    int capableLog2() {
        return Math.min((flags & Msi.FLAGS_QMASK) >> 1, 5);
    }

    private void vfio(int offset, int size, int virtMask, int writeMask) {
        set(virt, offset, size, virtMask);
        set(write, offset, size, writeMask);
    }

    private void set(int[] masks, int offset, int size, int bits) {
        for (int i = 0; i < size && offset + i < length; i++) {
            masks[offset + i] = bits >>> 8 * i & 0xff;
        }
    }
}
