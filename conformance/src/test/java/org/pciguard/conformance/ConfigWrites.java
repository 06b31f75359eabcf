package org.pciguard.conformance;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.pciguard.api.access.AccessListener;
import org.pciguard.api.access.PciAddress;
import org.pciguard.testing.ConfigBytes;

/** Records the config writes that reach a function. */
final class ConfigWrites implements AccessListener {

    /** One config write as the function saw it. */
    record Write(int offset, int size, int value) {
        @Override
        public String toString() {
            return size + " bytes at " + ConfigBytes.hex(offset) + " = " + ConfigBytes.hex(value);
        }
    }

    final List<Write> seen = new CopyOnWriteArrayList<>();

    @Override
    public void configAccess(PciAddress device, boolean write, int offset, int size, int value) {
        if (write) {
            seen.add(new Write(offset, size, value));
        }
    }

    @Override
    public void barAccess(PciAddress device, boolean write, int bar, long offset, int size, long value) {
    }
}
