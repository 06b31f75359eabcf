package org.pciguard.backend.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BarMemoryTest {

    @Test
    void pagesAreAllocatedOnlyForNonZeroWrites() {
        BarMemory m = new BarMemory(16L << 30);
        assertEquals(0, m.read(12L << 30, 8));
        m.write(8L << 30, 4, 0);
        assertEquals(0, m.pageCount(), "zero into a fresh page allocates nothing");
        m.write(8L << 30, 4, 0x1_0000_0000L);
        assertEquals(0, m.pageCount(), "only the low 4 bytes of the value are written");
        m.write((16L << 30) - 8, 8, 0x0102030405060708L);
        assertEquals(1, m.pageCount());
        assertEquals(0x0102030405060708L, m.read((16L << 30) - 8, 8));
        assertEquals(0x0506, m.read((16L << 30) - 6, 2));
    }

    @Test
    void manyPagesGrowTheMapAndKeepTheirBytes() {
        BarMemory m = new BarMemory(1L << 40);
        for (long i = 0; i < 5000; i++) {
            m.write(i * 4096 * 1021, 8, i + 1);
        }
        assertEquals(5000, m.pageCount());
        for (long i = 0; i < 5000; i++) {
            assertEquals(i + 1, m.read(i * 4096 * 1021, 8), "page " + i);
        }
        m.clear();
        assertEquals(0, m.pageCount());
        assertEquals(0, m.read(4096 * 1021, 8));
    }
}
