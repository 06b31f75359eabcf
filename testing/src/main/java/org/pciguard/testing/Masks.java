package org.pciguard.testing;

import org.pciguard.api.handler.PermissionTable;

/**
 * The masks a permission table gives one register, as little-endian values: virtual, writable,
 * RW1C, constant.
 */
public record Masks(int virtual, int writable, int writeOneToClear, int constant) {

    /** The masks of the {@code width} bytes at {@code offset} of {@code table}. */
    public static Masks of(PermissionTable table, int offset, int width) {
        int v = 0, w = 0, c = 0, k = 0;
        for (int i = 0; i < width; i++) {
            int shift = 8 * i;
            v |= table.virtualByte(offset + i) << shift;
            w |= table.writableByte(offset + i) << shift;
            c |= table.writeOneToClearByte(offset + i) << shift;
            k |= table.constantByte(offset + i) << shift;
        }
        return new Masks(v, w, c, k);
    }
}
