package org.pciguard.conformance;

import java.util.List;
import java.util.Set;

import org.pciguard.api.access.AccessListener;
import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.DeviceInterruptListener;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.access.dto.DeviceDTO;

/** A {@link PhysicalDevice} that passes everything to another; tests override what a backend would do differently. */
class DelegatingDevice implements PhysicalDevice {

    private final PhysicalDevice delegate;

    DelegatingDevice(PhysicalDevice delegate) {
        this.delegate = delegate;
    }

    @Override
    public PciAddress address() {
        return delegate.address();
    }

    @Override
    public DeviceDTO describe() {
        return delegate.describe();
    }

    @Override
    public int configSize() {
        return delegate.configSize();
    }

    @Override
    public int readConfig(int offset, int size) {
        return delegate.readConfig(offset, size);
    }

    @Override
    public void writeConfig(int offset, int size, int value) {
        delegate.writeConfig(offset, size, value);
    }

    @Override
    public List<BarInfo> bars() {
        return delegate.bars();
    }

    @Override
    public long readBar(int bar, long offset, int size) {
        return delegate.readBar(bar, offset, size);
    }

    @Override
    public void writeBar(int bar, long offset, int size, long value) {
        delegate.writeBar(bar, offset, size, value);
    }

    @Override
    public Set<ResetKind> resets() {
        return delegate.resets();
    }

    @Override
    public void reset(ResetKind kind) {
        delegate.reset(kind);
    }

    @Override
    public boolean writable() {
        return delegate.writable();
    }

    @Override
    public void setInterruptListener(DeviceInterruptListener listener) {
        delegate.setInterruptListener(listener);
    }

    @Override
    public void raiseInterrupt(InterruptKind kind, int index) {
        delegate.raiseInterrupt(kind, index);
    }

    @Override
    public void addAccessListener(AccessListener listener) {
        delegate.addAccessListener(listener);
    }

    @Override
    public void removeAccessListener(AccessListener listener) {
        delegate.removeAccessListener(listener);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
