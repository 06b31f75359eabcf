package org.pciguard.backend.sim.internal;

/**
 * Little-endian composition of configuration values, by hand: config space is little-endian on
 * every host, whatever the native byte order.
 */
public final class Le {

    private Le() {
    }

    /** The {@code size}-byte (1..4) little-endian value at {@code off}. */
    public static int get(byte[] a, int off, int size) {
        switch (size) {
            case 1:
                return a[off] & 0xff;
            case 2:
                return (a[off] & 0xff) | (a[off + 1] & 0xff) << 8;
            case 4:
                return (a[off] & 0xff) | (a[off + 1] & 0xff) << 8 | (a[off + 2] & 0xff) << 16 | (a[off + 3] & 0xff) << 24;
            default:
                int v = 0;
                for (int i = 0; i < size; i++) {
                    v |= (a[off + i] & 0xff) << (8 * i);
                }
                return v;
        }
    }

    /** Stores the low {@code size} bytes (1..4) of {@code value} little-endian at {@code off}. */
    public static void put(byte[] a, int off, int size, int value) {
        for (int i = 0; i < size; i++) {
            a[off + i] = (byte) (value >>> (8 * i));
        }
    }

    /** Byte {@code at} of a {@code size}-byte value written at {@code off}, which must cover it. */
    public static int byteOf(int value, int off, int at) {
        return value >>> (8 * (at - off)) & 0xff;
    }

    /** Whether an access of {@code size} bytes at {@code off} covers byte {@code at}. */
    public static boolean covers(int off, int size, int at) {
        return at >= off && at < off + size;
    }
}
