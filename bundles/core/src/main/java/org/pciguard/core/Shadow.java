package org.pciguard.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The guest-visible virtual copy of a device's configuration space, little-endian, one int per
 * dword. Changed only under the device's lock; a store publishes with release semantics so that a
 * lock-free reader of a fully virtual register (one acquire load) sees a whole value, never a torn one.
 */
final class Shadow {

    private static final VarHandle DWORD = MethodHandles.arrayElementVarHandle(int[].class);

    private final int[] dwords;

    Shadow(int configSize) {
        this.dwords = new int[configSize >>> 2];
    }

    /** The dword at index {@code i}, for a reader without the lock. */
    int acquire(int i) {
        return (int) DWORD.getAcquire(dwords, i);
    }

    /** The dword at index {@code i}, for a reader holding the lock. */
    int plain(int i) {
        return dwords[i];
    }

    /** Stores the dword at index {@code i}; caller holds the lock. */
    void store(int i, int value) {
        DWORD.setRelease(dwords, i, value);
    }

    /** Little-endian value of {@code size} bytes at any {@code offset}. */
    int get(int offset, int size) {
        return Dwords.get(dwords, offset, size);
    }

    /** Stores {@code size} bytes of {@code value} at any {@code offset}; caller holds the lock. */
    void set(int offset, int size, int value) {
        for (int k = 0; k < size; k++) {
            int at = offset + k;
            int i = at >>> 2;
            int shift = (at & 3) << 3;
            store(i, (dwords[i] & ~(0xff << shift)) | (((value >>> (8 * k)) & 0xff) << shift));
        }
    }

    /** Replaces the whole copy (open and reset); caller holds the lock. */
    void load(int[] source) {
        for (int i = 0; i < dwords.length; i++) {
            store(i, source[i]);
        }
    }
}
