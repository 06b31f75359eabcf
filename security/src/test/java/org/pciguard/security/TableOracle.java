package org.pciguard.security;

import java.lang.System.Logger.Level;
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
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.virt.DeviceOptions;
import org.pciguard.testing.ConfigBytes;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * The oracle of "which device bits may a guest write change": the union, over every capability a
 * registered handler serves, of the handler's own table's writable non-virtual bits, asked of the
 * handler directly (not through the core's flattening). An over-approximation (it ignores hiding and
 * the chain bits the core forces), which is the safe side for a property that no bit outside it changes.
 */
final class TableOracle {

    private final int[] deviceWritable;

    TableOracle(byte[] config, List<BarInfo> bars, PciAddress address) {
        CapabilityMap map = new DefaultCapabilityWalker().walk(config.clone());
        byte[] w = new byte[config.length];
        for (Handlers.Registered r : Handlers.all()) {
            for (Capability c : map.all()) {
                if (c.space() != r.space() || c.id() != r.id()) {
                    continue;
                }
                PermissionTable t = r.handler().permissions(new Context(config, bars, address, map, c));
                for (int k = 0; k < t.length() && c.offset() + k < w.length; k++) {
                    w[c.offset() + k] |= (byte) (t.writableByte(k) & ~t.virtualByte(k));
                }
            }
        }
        deviceWritable = new int[config.length];
        for (int b = 0; b < w.length; b++) {
            deviceWritable[b] = w[b] & 0xff;
        }
    }

    /** Device bits a guest write may change in the byte at {@code offset}. */
    int deviceWritable(int offset) {
        return deviceWritable[offset];
    }

    /** A handler's view of a device that is not open: the open-time bytes, nothing else. */
    private record Context(byte[] config, List<BarInfo> bars, PciAddress address, CapabilityMap map, Capability cap)
            implements HandlerContext {

        @Override
        public DeviceDTO identity() {
            DeviceDTO d = new DeviceDTO();
            d.address = address.toString();
            d.vendorId = snapshot(0, 2);
            d.deviceId = snapshot(2, 2);
            return d;
        }

        @Override
        public Capability capability() {
            return cap;
        }

        @Override
        public CapabilityMap capabilities() {
            return map;
        }

        @Override
        public DeviceOptions options() {
            return DeviceOptions.DEFAULT;
        }

        @Override
        public boolean express() {
            return map.find(CapabilitySpace.STANDARD, CapId.EXP).isPresent();
        }

        @Override
        public int snapshot(int offset, int size) {
            return ConfigBytes.get(config, offset, size);
        }

        @Override
        public int shadow(int offset, int size) {
            return snapshot(offset, size);
        }

        @Override
        public void setShadow(int offset, int size, int value) {
            throw new UnsupportedOperationException("the oracle only asks for tables");
        }

        @Override
        public int device(int offset, int size) {
            return snapshot(offset, size);
        }

        @Override
        public long region(BarRegion region, long offset, int size) {
            throw new UnsupportedOperationException("the oracle only asks for tables");
        }

        @Override
        public void setRegion(BarRegion region, long offset, int size, long value) {
            throw new UnsupportedOperationException("the oracle only asks for tables");
        }

        @Override
        public void report(Level level, Supplier<String> message) {
            throw new UnsupportedOperationException("the oracle only asks for tables");
        }
    }
}
