package org.pciguard.walker;

/**
 * Little-endian reads from configuration bytes that never fail: a byte past the end reads as 0, so
 * length rules can read the fields of a capability cut by the end of the space (the walker then
 * reports it as past the end).
 */
final class ConfigBytes {

    private ConfigBytes() {
    }

    /** The byte at {@code off}, 0 outside the array. */
    static int u8(byte[] c, int off) {
        return off >= 0 && off < c.length ? c[off] & 0xff : 0;
    }

    /** The 16-bit little-endian value at {@code off}. */
    static int u16(byte[] c, int off) {
        return u8(c, off) | u8(c, off + 1) << 8;
    }

    /** The 32-bit little-endian value at {@code off}. */
    static int u32(byte[] c, int off) {
        if (off >= 0 && off + 4 <= c.length) {
            return (c[off] & 0xff) | (c[off + 1] & 0xff) << 8 | (c[off + 2] & 0xff) << 16 | (c[off + 3] & 0xff) << 24;
        }
        return u16(c, off) | u16(c, off + 2) << 16;
    }
}
