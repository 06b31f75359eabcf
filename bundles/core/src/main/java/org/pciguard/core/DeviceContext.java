package org.pciguard.core;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.handler.BarRegion;
import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.virt.DeviceOptions;

/** A handler's view of one capability slot of one device. */
final class DeviceContext implements HandlerContext {

    private final CoreDevice device;
    private final Layout layout;
    private final int slot;

    DeviceContext(CoreDevice device, Layout layout, int slot) {
        this.device = device;
        this.layout = layout;
        this.slot = slot;
    }

    @Override
    public PciAddress address() {
        return device.address();
    }

    @Override
    public DeviceDTO identity() {
        return device.identity();
    }

    @Override
    public Capability capability() {
        return layout.capability(slot);
    }

    @Override
    public CapabilityMap capabilities() {
        return layout.map;
    }

    @Override
    public List<BarInfo> bars() {
        return device.bars();
    }

    @Override
    public DeviceOptions options() {
        return layout.options;
    }

    @Override
    public boolean express() {
        return layout.find(CapabilitySpace.STANDARD, CapId.EXP) >= 0;
    }

    @Override
    public int snapshot(int offset, int size) {
        check(offset, size);
        return device.snapshot(offset, size);
    }

    @Override
    public int shadow(int offset, int size) {
        check(offset, size);
        return device.shadow.get(offset, size);
    }

    @Override
    public void setShadow(int offset, int size, int value) {
        check(offset, size);
        int start = layout.capability(slot).offset();
        if (offset < start || offset + size > layout.end[slot]) {
            throw new IllegalArgumentException(device.address() + ": shadow write of " + size + " bytes at 0x"
                    + Integer.toHexString(offset) + " lies outside " + layout.capability(slot).label());
        }
        device.setShadow(offset, size, value);
    }

    @Override
    public int device(int offset, int size) {
        return device.deviceRead(offset, size);
    }

    @Override
    public long region(BarRegion region, long offset, int size) {
        return device.region(region, offset, size).read(offset, size);
    }

    @Override
    public void setRegion(BarRegion region, long offset, int size, long value) {
        device.region(region, offset, size).write(offset, size, value);
    }

    @Override
    public void report(Level level, Supplier<String> message) {
        device.report(slot, Objects.requireNonNull(level, "level"), Objects.requireNonNull(message, "message"));
    }

    private void check(int offset, int size) {
        if (size < 1 || size > 4 || offset < 0 || offset + size > layout.configSize) {
            throw new IllegalArgumentException(device.address() + ": " + size + " bytes at 0x"
                    + Integer.toHexString(offset) + " lie outside config space (" + layout.configSize + " bytes)");
        }
    }
}
