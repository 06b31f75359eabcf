package org.pciguard.core;

import org.pciguard.api.handler.BarRegion;

/**
 * A claimed BAR region and its shadow: guest accesses inside it are served here and never reach the
 * device. Guarded by the device's lock.
 */
final class Region {

    final BarRegion region;
    /** The capability slot whose handler claimed it (and hears of guest writes). */
    final int slot;
    private final byte[] data;

    Region(BarRegion region, int slot, byte[] data) {
        this.region = region;
        this.slot = slot;
        this.data = data;
    }

    /** Little-endian value of {@code size} bytes at {@code offset} inside the BAR. */
    long read(long offset, int size) {
        int at = (int) (offset - region.offset());
        long v = 0;
        for (int k = 0; k < size; k++) {
            v |= (data[at + k] & 0xffL) << (8 * k);
        }
        return v;
    }

    /** Stores {@code size} bytes of {@code value} at {@code offset} inside the BAR. */
    void write(long offset, int size, long value) {
        int at = (int) (offset - region.offset());
        for (int k = 0; k < size; k++) {
            data[at + k] = (byte) (value >>> (8 * k));
        }
    }
}
