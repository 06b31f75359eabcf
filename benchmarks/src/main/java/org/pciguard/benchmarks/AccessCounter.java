package org.pciguard.benchmarks;

import org.pciguard.api.access.AccessListener;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PhysicalDevice;

/**
 * Counts the config accesses that reach a device, so that a benchmark's setup proves each measured
 * access takes the path its name claims (no device access for a virtual register, exactly one for
 * a passthrough one...). Attached during setup only; never while measuring.
 * <p>
 * In {@link #refusingWrites() refusing} mode, an observed write throws: the guard on a real device,
 * which must never be written.
 */
final class AccessCounter implements AccessListener {

    private final boolean refuseWrites;
    private int reads;
    private int writes;
    private int lastOffset = -1;
    private int lastSize;

    private AccessCounter(boolean refuseWrites) {
        this.refuseWrites = refuseWrites;
    }

    /** A counter that only counts. */
    static AccessCounter counting() {
        return new AccessCounter(false);
    }

    /** A counter that throws {@link IllegalStateException} when it observes a write. */
    static AccessCounter refusingWrites() {
        return new AccessCounter(true);
    }

    @Override
    public void configAccess(PciAddress device, boolean write, int offset, int size, int value) {
        if (write) {
            writes++;
            if (refuseWrites) {
                throw new IllegalStateException(device + ": config write of " + size + " bytes at 0x"
                        + Integer.toHexString(offset) + " (value 0x" + Integer.toHexString(value)
                        + ") reached a device that must only be read");
            }
        } else {
            reads++;
        }
        lastOffset = offset;
        lastSize = size;
    }

    @Override
    public void barAccess(PciAddress device, boolean write, int bar, long offset, int size, long value) {
        throw new IllegalStateException(device + ": unexpected BAR " + bar + (write ? " write" : " read") + " of "
                + size + " bytes at 0x" + Long.toHexString(offset) + " during a config benchmark");
    }

    /** Config writes observed so far. */
    int writes() {
        return writes;
    }

    /**
     * Runs {@code access} and checks the device saw exactly {@code expectedReads} reads and
     * {@code expectedWrites} writes, the last of them of {@code size} bytes at {@code offset} (when any).
     *
     * @throws IllegalStateException naming the benchmark, device, offset and counts otherwise
     */
    void expect(String benchmark, PhysicalDevice device, int offset, int size, int expectedReads, int expectedWrites,
            Runnable access) {
        reads = 0;
        writes = 0;
        lastOffset = -1;
        lastSize = 0;
        access.run();
        boolean where = expectedReads + expectedWrites == 0 || lastOffset == offset && lastSize == size;
        if (reads != expectedReads || writes != expectedWrites || !where) {
            throw new IllegalStateException(benchmark + " on " + device.address() + " at 0x" + Integer.toHexString(offset)
                    + " (" + size + " bytes) does not take the path it measures: expected " + expectedReads
                    + " device reads and " + expectedWrites + " writes, saw " + reads + " and " + writes
                    + (lastOffset < 0 ? "" : ", last at 0x" + Integer.toHexString(lastOffset) + " (" + lastSize + " bytes)"));
        }
    }
}
