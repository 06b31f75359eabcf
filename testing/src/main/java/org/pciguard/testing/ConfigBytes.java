package org.pciguard.testing;

import java.util.function.IntBinaryOperator;

/** Little-endian values in configuration bytes, as the bus composes them, and how tests print them. */
public final class ConfigBytes {

    private ConfigBytes() {
    }

    /** The little-endian value of {@code size} bytes at {@code offset}. */
    public static int get(byte[] config, int offset, int size) {
        int v = 0;
        for (int i = 0; i < size; i++) {
            v |= (config[offset + i] & 0xff) << 8 * i;
        }
        return v;
    }

    /** Stores {@code size} bytes of {@code value} at {@code offset}, little-endian. */
    public static void put(byte[] config, int offset, int size, int value) {
        for (int i = 0; i < size; i++) {
            config[offset + i] = (byte) (value >>> 8 * i);
        }
    }

    /**
     * Bytes {@code [from, to)} (dword aligned) read by dwords through {@code read}, which takes an
     * offset and a width: a device's {@code readConfig} or a guest's {@code read}.
     */
    public static byte[] dwords(IntBinaryOperator read, int from, int to) {
        byte[] bytes = new byte[to - from];
        for (int off = from; off < to; off += 4) {
            put(bytes, off - from, 4, read.applyAsInt(off, 4));
        }
        return bytes;
    }

    /** All ones at an access width of 1, 2 or 4 bytes. */
    public static int ones(int size) {
        return size == 4 ? -1 : (1 << 8 * size) - 1;
    }

    /** {@code 0x} and the value's unsigned hex digits. */
    public static String hex(int v) {
        return "0x" + Integer.toHexString(v);
    }
}
