package org.pciguard.backend.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pciguard.api.access.AccessListener;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.regs.PciRegs;

/** The config read path allocates nothing per access (one reused direct buffer, a listener array). */
class SysfsReadAllocationTest {

    private static final int READS = 100_000;
    /** Far below one small object per read ({@value #READS} reads); leaves room for the measurement's own noise. */
    private static final long BUDGET_BYTES = 64 * 1024;

    @TempDir
    Path tmp;

    @Test
    void configReadsDoNotAllocate() throws IOException {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "this JVM cannot measure a thread's allocations");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "thread allocation accounting is off in this JVM");
        new FakeSysfs(tmp).add("0000:00:03.0", FakeSysfs.config(PciRegs.CFG_SPACE_SIZE));
        int[] seen = new int[1];
        AccessListener counter = new AccessListener() {
            @Override
            public void configAccess(PciAddress device, boolean write, int offset, int size, int value) {
                seen[0]++;
            }

            @Override
            public void barAccess(PciAddress device, boolean write, int bar, long offset, int size, long value) {
            }
        };
        try (PhysicalDevice d = new SysfsBackend(tmp, false).open(PciAddress.parse("0000:00:03.0"))) {
            d.addAccessListener(counter);
            long sum = readMany(d); // warm up: class loading, JIT, the channel's first-use state
            long before = threads.getCurrentThreadAllocatedBytes();
            sum += readMany(d);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(2L * READS * 0x1041, sum);
            assertEquals(2 * READS, seen[0]);
            assertTrue(allocated < BUDGET_BYTES, READS + " config reads allocated " + allocated + " bytes");
        }
    }

    private static long readMany(PhysicalDevice d) {
        long sum = 0;
        for (int i = 0; i < READS; i++) {
            sum += d.readConfig(PciRegs.DEVICE_ID, 2);
        }
        return sum;
    }
}
