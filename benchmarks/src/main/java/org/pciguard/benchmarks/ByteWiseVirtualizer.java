package org.pciguard.benchmarks;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.handler.BarRegion;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.virt.DeviceOptions;

/**
 * The baseline: the guest read path of the first VFIO patch (2010, "VFIO V4"), rebuilt from the same
 * {@link CapabilityMap} and {@link PermissionTable} data the core uses. A guest access is split into
 * 1-byte accesses; for each byte the owning capability's id is looked up in a per-byte map (vfio's
 * {@code pci_config_map}), then that capability's permissions by id in a {@code HashMap<Integer, ...>}
 * (vfio's {@code pci_cap_perms[id]}), and the byte is merged from the shadow, the open-time snapshot
 * (constant bits, which the core also serves without a device access) or one 1-byte device read.
 * <p>
 * Kept honest: tables are flattened to byte arrays at build time, ids of the header and standard
 * capabilities are small enough for {@link Integer#valueOf} to return cached boxes (no allocation),
 * and a byte whose bits are all virtual or constant costs no device access. Like the 2010 patch it
 * knows the header and standard capabilities only; bytes of extended capabilities have no owner
 * here and read through. Not thread-safe (a benchmark baseline, not a virtualizer).
 */
final class ByteWiseVirtualizer {

    /** Per-byte owner id for a byte no served capability owns. */
    private static final int NO_OWNER = -1;

    /** The permissions of one capability, by byte, and where the capability starts. */
    private record Perms(int start, byte[] virtual, byte[] constant) {
    }

    private final PhysicalDevice device;
    /** Per config byte: the id of the owning header or standard capability, or {@link #NO_OWNER}. */
    private final int[] ownerId;
    /** Per capability id: its permissions; ids without a handler are absent (read through, read-only). */
    private final Map<Integer, Perms> perms;
    private final byte[] shadow;
    private final byte[] snapshot;

    private ByteWiseVirtualizer(PhysicalDevice device, int[] ownerId, Map<Integer, Perms> perms, byte[] shadow,
            byte[] snapshot) {
        this.device = device;
        this.ownerId = ownerId;
        this.perms = perms;
        this.shadow = shadow;
        this.snapshot = snapshot;
    }

    /**
     * Builds the baseline for one device.
     *
     * @param device   the physical function
     * @param snapshot its config bytes now
     * @param map      the walker's map of {@code snapshot}
     * @param handlers the handlers by capability id (0 for the header), as the core has them
     * @param shadow   the guest-visible bytes (what the core's virtual device reads now)
     */
    static ByteWiseVirtualizer build(PhysicalDevice device, byte[] snapshot, CapabilityMap map,
            Map<Integer, CapabilityHandler> handlers, byte[] shadow) {
        int[] ownerId = new int[snapshot.length];
        Arrays.fill(ownerId, NO_OWNER);
        Map<Integer, Perms> perms = new HashMap<>();
        for (Capability c : map.all()) {
            if (c.space() == CapabilitySpace.EXTENDED) {
                continue;
            }
            int end = Math.min(c.end(), snapshot.length);
            for (int b = c.offset(); b < end; b++) {
                if (ownerId[b] == NO_OWNER) {
                    ownerId[b] = c.id();
                }
            }
            CapabilityHandler handler = handlers.get(c.id());
            if (handler != null && !perms.containsKey(c.id())) {
                PermissionTable t = handler.permissions(new TableContext(device, snapshot, map, c));
                byte[] virtual = new byte[t.length()];
                byte[] constant = new byte[t.length()];
                for (int i = 0; i < t.length(); i++) {
                    virtual[i] = (byte) t.virtualByte(i);
                    constant[i] = (byte) t.constantByte(i);
                }
                perms.put(c.id(), new Perms(c.offset(), virtual, constant));
            }
        }
        return new ByteWiseVirtualizer(device, ownerId, perms, shadow.clone(), snapshot.clone());
    }

    /** A guest read, 1 byte at a time. */
    int read(int offset, int size) {
        int value = 0;
        for (int k = 0; k < size; k++) {
            int at = offset + k;
            int id = ownerId[at];
            Perms p = id == NO_OWNER ? null : perms.get(id);
            int virtual = 0;
            int constant = 0;
            if (p != null) {
                int rel = at - p.start;
                if (rel < p.virtual.length) {
                    virtual = p.virtual[rel] & 0xff;
                    constant = p.constant[rel] & 0xff;
                }
            }
            int b = (shadow[at] & virtual) | (snapshot[at] & constant);
            int fromDevice = 0xff & ~(virtual | constant);
            if (fromDevice != 0) {
                b |= device.readConfig(at, 1) & fromDevice;
            }
            value |= (b & 0xff) << (Byte.SIZE * k);
        }
        return value;
    }

    /**
     * What a handler needs to build its table, answered from the device and its map. The baseline
     * asks for tables only: it never initializes handlers nor calls their hooks, so the shadow and
     * BAR-region operations are refused.
     */
    private static final class TableContext implements HandlerContext {
        private final PhysicalDevice device;
        private final byte[] snapshot;
        private final CapabilityMap map;
        private final Capability capability;

        TableContext(PhysicalDevice device, byte[] snapshot, CapabilityMap map, Capability capability) {
            this.device = device;
            this.snapshot = snapshot;
            this.map = map;
            this.capability = capability;
        }

        @Override
        public DeviceDTO identity() {
            return device.describe();
        }

        @Override
        public PciAddress address() {
            return device.address();
        }

        @Override
        public Capability capability() {
            return capability;
        }

        @Override
        public CapabilityMap capabilities() {
            return map;
        }

        @Override
        public List<BarInfo> bars() {
            return device.bars();
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
            int v = 0;
            for (int k = 0; k < size; k++) {
                v |= (snapshot[offset + k] & 0xff) << (Byte.SIZE * k);
            }
            return v;
        }

        /** Before any handler initialized it, the shadow is the snapshot. */
        @Override
        public int shadow(int offset, int size) {
            return snapshot(offset, size);
        }

        @Override
        public void setShadow(int offset, int size, int value) {
            throw refused("setShadow");
        }

        @Override
        public int device(int offset, int size) {
            return device.readConfig(offset, size);
        }

        @Override
        public long region(BarRegion region, long offset, int size) {
            throw refused("region");
        }

        @Override
        public void setRegion(BarRegion region, long offset, int size, long value) {
            throw refused("setRegion");
        }

        @Override
        public void report(Level level, Supplier<String> message) {
            throw refused("report");
        }

        private UnsupportedOperationException refused(String what) {
            return new UnsupportedOperationException(device.address() + ": " + capability.label()
                    + ": the byte-wise baseline builds permission tables only, " + what + " is not offered");
        }
    }
}
