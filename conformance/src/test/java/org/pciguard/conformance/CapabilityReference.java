package org.pciguard.conformance;

import org.pciguard.api.access.ResetKind;

/**
 * The oracle of one capability, written independently of its handler's table: per byte relative
 * to the capability's start, the masks of the reference table (vfio-pci's virt and write, set
 * line by line as vfio's {@code p_setb/w/d} do), the bits the hardware makes RW1C, and DESIGN.md's
 * differences applied one by one. Bytes past the capability's length are not the capability's:
 * a line is cut at its end (vfio leaves them raw, pciguard read-only: difference 5).
 */
final class CapabilityReference {

    final int length;
    /** Per byte: bits served from the shadow. */
    private final int[] virt;
    /** Per byte: bits the guest may write (to the shadow if virtual, else to the device). */
    private final int[] write;
    /** Per byte: bits RW1C in hardware; a device write carries 0 there unless the guest may clear them and wrote 1. */
    private final int[] rw1c;
    /** Per byte: virtual bits that always read 0 (Initiate FLR). */
    private final int[] zero;
    private int resetRel = -1;
    private int resetBits;
    private ResetKind resetKind;

    CapabilityReference(int length) {
        this.length = length;
        virt = new int[length];
        write = new int[length];
        rw1c = new int[length];
        zero = new int[length];
    }

    /** An extended capability vfio exposes read-only (reference 2.14): the header virtual, the rest read through. */
    static CapabilityReference readOnlyExtended(int length) {
        return new CapabilityReference(length).vfio(0, 4, -1, 0);
    }

    /** One line of a vfio table: virt and write masks of a register. */
    CapabilityReference vfio(int rel, int size, int virtMask, int writeMask) {
        for (int i = 0; i < size && rel + i < length; i++) {
            virt[rel + i] = virtMask >>> 8 * i & 0xff;
            write[rel + i] = writeMask >>> 8 * i & 0xff;
        }
        return this;
    }

    /** Bits the hardware makes RW1C (PCIe 6.0). */
    CapabilityReference hardwareRw1c(int rel, int size, int bits) {
        return or(rw1c, rel, size, bits);
    }

    /** Virtual bits that always read 0. */
    CapabilityReference readsZero(int rel, int size, int bits) {
        return or(zero, rel, size, bits);
    }

    /** A guest write of 1 to these bits resets the function with this kind. */
    CapabilityReference resetsOn(int rel, int bits, ResetKind kind) {
        resetRel = rel;
        resetBits = bits;
        resetKind = kind;
        return this;
    }

    private CapabilityReference or(int[] masks, int rel, int size, int bits) {
        for (int i = 0; i < size && rel + i < length; i++) {
            masks[rel + i] |= bits >>> 8 * i & 0xff;
        }
        return this;
    }

    /** Bits of an access the guest writes to the device, in the access's little-endian value. */
    int deviceWritable(int rel, int size) {
        int v = 0;
        for (int i = 0; i < size; i++) {
            v |= (write[rel + i] & ~virt[rel + i] & 0xff) << 8 * i;
        }
        return v;
    }

    /** The hardware RW1C bits of an access. */
    int rw1c(int rel, int size) {
        int v = 0;
        for (int i = 0; i < size; i++) {
            v |= rw1c[rel + i] << 8 * i;
        }
        return v;
    }

    /** The reset a guest write causes, or null. */
    ResetKind reset(int rel, int size, int value) {
        int shift = 8 * (resetRel - rel);
        if (resetKind == null || shift < 0 || shift >= 8 * size) {
            return null;
        }
        return (value >>> shift & resetBits) != 0 ? resetKind : null;
    }

    /**
     * The byte the guest reads at {@code b} after a write that did not reset the function: virtual
     * bits from the shadow (what it held, with the written value where the guest may write),
     * the rest from the device.
     *
     * @param before  the guest's byte before the write
     * @param written the written value's byte, or -1 when the write did not cover {@code b}
     * @param device  the device's byte after the write
     */
    int expected(int b, int before, int written, int device) {
        int v = virt[b];
        int vw = written < 0 ? 0 : v & write[b];
        int shadow = (before & ~vw | written & vw) & ~zero[b];
        return (device & ~v | shadow & v) & 0xff;
    }
}
