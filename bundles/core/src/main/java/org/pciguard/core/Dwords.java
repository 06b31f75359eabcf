package org.pciguard.core;

/** Little-endian composition over configuration bytes held one int per dword. */
final class Dwords {

    private Dwords() {
    }

    /** All bits of an access of {@code size} bytes (1, 2 or 4). */
    static int widthMask(int size) {
        return size == 4 ? -1 : (1 << (size << 3)) - 1;
    }

    /** Whether {@code size} is 1, 2 or 4 and {@code offset} is aligned to it and inside {@code limit} bytes. */
    static boolean wellFormed(int offset, int size, int limit) {
        return (size == 1 || size == 2 || size == 4) && offset >= 0 && (offset & (size - 1)) == 0
                && offset <= limit - size;
    }

    /** Little-endian value of {@code size} bytes (1..4) at any {@code offset}. */
    static int get(int[] dwords, int offset, int size) {
        int v = 0;
        for (int k = 0; k < size; k++) {
            int at = offset + k;
            v |= ((dwords[at >>> 2] >>> ((at & 3) << 3)) & 0xff) << (8 * k);
        }
        return v;
    }

    /** Packs bytes into little-endian dwords. */
    static int[] pack(byte[] bytes) {
        int[] d = new int[bytes.length >>> 2];
        for (int i = 0; i < d.length; i++) {
            int b = i << 2;
            d[i] = (bytes[b] & 0xff) | (bytes[b + 1] & 0xff) << 8 | (bytes[b + 2] & 0xff) << 16 | (bytes[b + 3] & 0xff) << 24;
        }
        return d;
    }

    /** ORs {@code size} bytes of {@code mask} into {@code bytes} at {@code offset}. */
    static void or(byte[] bytes, int offset, int size, int mask) {
        for (int k = 0; k < size; k++) {
            bytes[offset + k] |= (byte) (mask >>> (8 * k));
        }
    }
}
