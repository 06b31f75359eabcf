package org.pciguard.security;

/** Little-endian access to configuration bytes, as the bus composes values. */
public final class Bytes {

    private Bytes() {
    }

    /** The little-endian value of {@code size} bytes at {@code offset}. */
    public static int get(byte[] c, int offset, int size) {
        int v = 0;
        for (int k = 0; k < size; k++) {
            v |= (c[offset + k] & 0xff) << (8 * k);
        }
        return v;
    }

    /** Stores {@code size} bytes of {@code value} at {@code offset}, little-endian. */
    public static void set(byte[] c, int offset, int size, int value) {
        for (int k = 0; k < size; k++) {
            c[offset + k] = (byte) (value >>> (8 * k));
        }
    }
}
