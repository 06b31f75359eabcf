package org.pciguard.testing;

import org.pciguard.api.access.AccessListener;
import org.pciguard.api.access.PciAddress;

/** Counts the BAR accesses that reach a function. */
public final class BarAccesses implements AccessListener {

    /** BAR reads and writes seen so far. */
    public int count;

    @Override
    public void configAccess(PciAddress device, boolean write, int offset, int size, int value) {
    }

    @Override
    public void barAccess(PciAddress device, boolean write, int bar, long offset, int size, long value) {
        count++;
    }
}
