package org.pciguard.backend.sim.internal;

/**
 * The memory behind one BAR, sparse: 4 KiB pages allocated on the first non-zero write and kept
 * in an open-addressing map keyed by page number, so a 16 GiB BAR costs nothing until it is
 * written, and a read never allocates. Never-written bytes read 0. Accesses are naturally aligned
 * and at most 8 bytes, so one never crosses a page. Not thread-safe: the owner locks.
 */
final class BarMemory {

    private static final int PAGE_SHIFT = 12;
    private static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    private static final int INITIAL_SLOTS = 16;
    /** Fibonacci hashing multiplier (2^64 / golden ratio). */
    private static final long HASH = 0x9E3779B97F4A7C15L;

    private final long size;
    /** Page number + 1 per slot; 0 marks a free slot. */
    private long[] keys = new long[INITIAL_SLOTS];
    private byte[][] pages = new byte[INITIAL_SLOTS][];
    private int count;

    BarMemory(long size) {
        this.size = size;
    }

    long size() {
        return size;
    }

    /** The little-endian value of {@code n} bytes at {@code off}. */
    long read(long off, int n) {
        byte[] page = page(off >>> PAGE_SHIFT);
        if (page == null) {
            return 0;
        }
        int at = (int) (off & (PAGE_SIZE - 1));
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (page[at + i] & 0xffL) << (8 * i);
        }
        return v;
    }

    /** Stores the low {@code n} bytes of {@code value} little-endian at {@code off}. */
    void write(long off, int n, long value) {
        long pageNumber = off >>> PAGE_SHIFT;
        byte[] page = page(pageNumber);
        if (page == null) {
            if (value == 0 || n < Long.BYTES && (value & ((1L << (8 * n)) - 1)) == 0) {
                return; // a zero into a never-written page changes nothing
            }
            page = allocate(pageNumber);
        }
        int at = (int) (off & (PAGE_SIZE - 1));
        for (int i = 0; i < n; i++) {
            page[at + i] = (byte) (value >>> (8 * i));
        }
    }

    /** Forgets every page: all bytes read 0 again. */
    void clear() {
        keys = new long[INITIAL_SLOTS];
        pages = new byte[INITIAL_SLOTS][];
        count = 0;
    }

    /** Pages allocated so far (for tests of the sparse behaviour). */
    int pageCount() {
        return count;
    }

    private byte[] page(long pageNumber) {
        long key = pageNumber + 1;
        int mask = keys.length - 1;
        for (int slot = slot(key, mask);; slot = (slot + 1) & mask) {
            long k = keys[slot];
            if (k == key) {
                return pages[slot];
            }
            if (k == 0) {
                return null;
            }
        }
    }

    private byte[] allocate(long pageNumber) {
        if (2 * (count + 1) > keys.length) {
            grow();
        }
        byte[] page = new byte[PAGE_SIZE];
        insert(pageNumber + 1, page);
        count++;
        return page;
    }

    private void insert(long key, byte[] page) {
        int mask = keys.length - 1;
        int slot = slot(key, mask);
        while (keys[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        pages[slot] = page;
    }

    private void grow() {
        long[] oldKeys = keys;
        byte[][] oldPages = pages;
        keys = new long[oldKeys.length * 2];
        pages = new byte[oldKeys.length * 2][];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                insert(oldKeys[i], oldPages[i]);
            }
        }
    }

    private static int slot(long key, int mask) {
        return (int) ((key * HASH) >>> 32) & mask;
    }
}
