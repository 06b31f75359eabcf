package org.pciguard.cap.header;

import static org.pciguard.api.regs.PciRegs.STD_HEADER_SIZEOF;
import static org.pciguard.testing.ConfigBytes.get;
import static org.pciguard.testing.ConfigBytes.put;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.handler.BarRegion;
import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.virt.DeviceOptions;

/**
 * A {@link HandlerContext} over a 256-byte config image: the snapshot is the image, the shadow
 * starts as a copy of it (as in the core), and only header bytes may be changed in the shadow.
 */
final class FakeContext implements HandlerContext {

    private static final Capability HEADER = new Capability(CapabilitySpace.HEADER, HeaderHandler.HEADER_ID, 0,
            STD_HEADER_SIZEOF, 0, "header", 0, false);

    private final byte[] snapshot;
    private final byte[] shadow;
    private final List<BarInfo> bars;
    /** What the backend reports of the function; tests set the ids of a VF here. */
    final DeviceDTO identity = new DeviceDTO();
    /** Every {@link #report} line, {@code LEVEL message}, in order. */
    final List<String> reports = new ArrayList<>();

    FakeContext(byte[] config, List<BarInfo> bars) {
        this.snapshot = config.clone();
        this.shadow = config.clone();
        this.bars = List.copyOf(bars);
    }

    @Override
    public DeviceDTO identity() {
        return identity;
    }

    @Override
    public PciAddress address() {
        return new PciAddress(0, 1, 0, 0);
    }

    @Override
    public Capability capability() {
        return HEADER;
    }

    @Override
    public CapabilityMap capabilities() {
        return new CapabilityMap(snapshot.length, HEADER, List.of(), List.of(), List.of());
    }

    @Override
    public List<BarInfo> bars() {
        return bars;
    }

    @Override
    public DeviceOptions options() {
        return DeviceOptions.DEFAULT;
    }

    @Override
    public boolean express() {
        return false;
    }

    @Override
    public int snapshot(int offset, int size) {
        return get(snapshot, offset, size);
    }

    @Override
    public int shadow(int offset, int size) {
        return get(shadow, offset, size);
    }

    @Override
    public void setShadow(int offset, int size, int value) {
        if (offset < 0 || offset + size > STD_HEADER_SIZEOF) {
            throw new IllegalArgumentException("offset 0x" + Integer.toHexString(offset) + " outside the header");
        }
        put(shadow, offset, size, value);
    }

    @Override
    public int device(int offset, int size) {
        return get(snapshot, offset, size);
    }

    @Override
    public long region(BarRegion region, long offset, int size) {
        throw new UnsupportedOperationException("the header claims no BAR region");
    }

    @Override
    public void setRegion(BarRegion region, long offset, int size, long value) {
        throw new UnsupportedOperationException("the header claims no BAR region");
    }

    @Override
    public void report(Level level, Supplier<String> message) {
        reports.add(level + " " + message.get());
    }
}
