package org.pciguard.core;

import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_0;
import static org.pciguard.api.regs.PciRegs.CFG_SPACE_EXP_SIZE;
import static org.pciguard.api.regs.PciRegs.CFG_SPACE_SIZE;
import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.api.regs.PciRegs.HEADER_TYPE;
import static org.pciguard.api.regs.PciRegs.HEADER_TYPE_BRIDGE;
import static org.pciguard.api.regs.PciRegs.HEADER_TYPE_CARDBUS;
import static org.pciguard.api.regs.PciRegs.HEADER_TYPE_MASK;
import static org.pciguard.api.regs.PciRegs.HEADER_TYPE_NORMAL;
import static org.pciguard.api.regs.PciRegs.ROM_ADDRESS;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.BarKind;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.capability.CapabilityWalker;
import org.pciguard.api.handler.BarRegion;
import org.pciguard.api.handler.Effect;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.irq.DeviceRoutes;
import org.pciguard.api.irq.InterruptRouter;
import org.pciguard.api.irq.PendingListener;
import org.pciguard.api.irq.dto.RouteDTO;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Pm;
import org.pciguard.api.regs.PciRegs.Vpd;
import org.pciguard.api.virt.DeviceOptions;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.dto.VirtualCapabilityDTO;
import org.pciguard.api.virt.dto.VirtualDeviceDTO;

/**
 * One open virtual device: the open-time snapshot, the shadow, the flattened masks, and the guest
 * access engine.
 * <p>
 * Every access is atomic: it runs under the device's lock, except a config read whose bits are all
 * virtual or constant, which is one acquire load of the shadow (the shadow is only changed under the
 * lock, one dword at a time). Different devices share no lock. The access path allocates nothing:
 * masks are int arrays indexed by dword, values are composed by hand, effects are walked by index.
 */
final class CoreDevice implements VirtualDevice {

    private static final Region[] NO_REGIONS = {};
    /** Largest BAR region a handler may claim; the MSI-X table of 2048 entries takes 32 KiB. */
    private static final int MAX_REGION = 1 << 20;
    /** Index of the dword holding Command. */
    private static final int COMMAND_DWORD = COMMAND >>> 2;
    /** Position of Command inside its dword. */
    private static final int COMMAND_SHIFT = (COMMAND & 3) << 3;
    /** The decode enables of Command; virtual for the guest (DESIGN.md difference 7), host-owned on the device. */
    private static final int DECODE = Command.IO | Command.MEMORY;
    /** Number of BAR registers of a type-0 header. */
    private static final int BARS = 6;
    /** First and longest pause between two polls of the VPD F flag (Linux: 10 us growing to 1 ms). */
    private static final long VPD_FIRST_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(10);
    private static final long VPD_LAST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Handler reports logged per slot before the limit starts (HandlerContext.report). */
    private static final long REPORTS_LOGGED_FIRST = 10;
    /** After the first ones, one handler report in this many is logged. */
    private static final long REPORTS_LOGGED_EVERY = 1_000;

    private final CoreRuntime runtime;
    private final PhysicalDevice device;
    private final PciAddress address;
    private final String description;
    /** What the backend reported of the function at open. */
    private final DeviceDTO identity;
    private final int configSize;
    /** Options given to open, or null when they come from the runtime's configuration at each rebuild. */
    private final DeviceOptions explicitOptions;
    private final byte[] snapshotBytes;
    /** The device's MSI-X table and PBA, never reached by a guest BAR access. */
    private final MsixGuard msix;
    /** The guest's interrupt programming, told again to a router bound under the open device. */
    private final Programming programming = new Programming();
    /** The config space at open, one int per dword; constant bits are served from it. */
    private final int[] snapshot;
    /** The guest-visible virtual copy. */
    final Shadow shadow;
    private final CapabilityMap map;
    private final List<BarInfo> bars;
    /** Size of BAR 0..5, 0 where not implemented (and for the upper half of a 64-bit BAR). */
    private final long[] barSize = new long[BARS];
    private final boolean[] barIo = new boolean[BARS];
    /** Host-owned state recorded at open: BAR0..5 and the ROM BAR as the device held them. */
    private final int[] hostBars = new int[BARS + 1];
    /** Host-owned state recorded at open: the device's decode enables. */
    private final int hostDecode;
    /** Absolute offset of PMCSR, or -1 without a PM capability. */
    private final int pmcsr;
    private final boolean deviceWritable;
    private final Object lock = new Object();
    /** Hears the router's pending-bit changes; one instance, so that handing it over allocates nothing. */
    private final PendingListener pendingListener = this::pendingChanged;

    /** The tables guest accesses use; null once the device is closed or failed. */
    private volatile Tables tables;
    /** Odd while {@link #rebuild()} runs, raised at its start and end: lock-free reads retry under the lock. */
    private volatile int rebuilds;
    /** Set when something the runtime snapshot reports changed; the runtime is told after the lock is released. */
    private volatile boolean changePending;

    // Guarded by lock.
    private Tables built;
    private boolean closed;
    private String failure;
    private long deniedWrites;
    private long refusedAccesses;
    private final long[] deniedPerSlot;
    /** Per slot: reports of its handler, and those of them not logged. */
    private final long[] reportsPerSlot;
    private final long[] suppressedPerSlot;
    private final HandlerEntry[] quarantinedEntry;
    private final String[] quarantineReason;
    private Region[] regions = NO_REGIONS;
    private int powerState;
    /** The device's dwords holding guest-written device bits, read when it entered D3hot with No_Soft_Reset clear; or null. */
    private int[] savedForSoftReset;
    private int generation;
    /** The router the interrupts go through, and this device's routes there; null without one. */
    private InterruptRouter router;
    private DeviceRoutes routes;

    private CoreDevice(CoreRuntime runtime, PhysicalDevice device, DeviceOptions explicitOptions, byte[] bytes,
            CapabilityMap map) {
        this.runtime = runtime;
        this.device = device;
        this.address = device.address();
        this.identity = device.describe();
        this.description = identity.description;
        this.configSize = bytes.length;
        this.explicitOptions = explicitOptions;
        this.snapshotBytes = bytes;
        this.snapshot = Dwords.pack(bytes);
        this.shadow = new Shadow(configSize);
        this.map = map;
        this.msix = MsixGuard.of(map, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
        this.bars = List.copyOf(device.bars());
        for (BarInfo b : bars) {
            if (b.index() < BARS) {
                barSize[b.index()] = b.size();
                barIo[b.index()] = b.kind() == BarKind.IO;
            }
        }
        for (int b = 0; b < BARS; b++) {
            hostBars[b] = snapshot(BASE_ADDRESS_0 + 4 * b, 4);
        }
        hostBars[BARS] = snapshot(ROM_ADDRESS, 4);
        hostDecode = snapshot(COMMAND, 2) & DECODE;
        int pm = map.find(CapabilitySpace.STANDARD, CapId.PM).map(Capability::offset).orElse(-1);
        pmcsr = pm >= 0 && pm + Pm.CTRL + 2 <= configSize ? pm + Pm.CTRL : -1;
        powerState = pmcsr < 0 ? Pm.STATE_D0 : snapshot(pmcsr, 2) & Pm.CTRL_STATE_MASK;
        deviceWritable = device.writable();
        int slots = map.all().size();
        deniedPerSlot = new long[slots];
        reportsPerSlot = new long[slots];
        suppressedPerSlot = new long[slots];
        quarantinedEntry = new HandlerEntry[slots];
        quarantineReason = new String[slots];
    }

    /**
     * Builds a virtual device completely: snapshot, walker map, visibility, shadow with the relinked
     * chain, flattened masks, handlers initialized.
     *
     * @throws PciAccessException when the function cannot be passed through or the backend fails
     */
    static CoreDevice open(CoreRuntime runtime, PhysicalDevice device, DeviceOptions explicitOptions,
            CapabilityWalker walker) {
        PciAddress a = device.address();
        int size = device.configSize();
        if (size != CFG_SPACE_SIZE && size != CFG_SPACE_EXP_SIZE) {
            throw new PciAccessException(a, "cannot be passed through: the backend reaches " + size
                    + " bytes of config space, " + CFG_SPACE_SIZE + " or " + CFG_SPACE_EXP_SIZE + " are needed");
        }
        byte[] bytes = new byte[size];
        for (int off = 0; off < size; off += 4) {
            int v;
            try {
                v = device.readConfig(off, 4);
            } catch (PciAccessException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new PciAccessException(a, off, 4, "config read failed while opening", e);
            }
            for (int k = 0; k < 4; k++) {
                bytes[off + k] = (byte) (v >>> (8 * k));
            }
        }
        int type = bytes[HEADER_TYPE] & HEADER_TYPE_MASK;
        if (type != HEADER_TYPE_NORMAL) {
            String what = type == HEADER_TYPE_BRIDGE ? " (PCI-to-PCI bridge)"
                    : type == HEADER_TYPE_CARDBUS ? " (CardBus bridge)" : "";
            throw new PciAccessException(a, "cannot be passed through: header type " + type + what
                    + "; only type-0 functions are, as with vfio-pci");
        }
        CapabilityMap map = walker.walk(bytes.clone());
        CoreDevice d = new CoreDevice(runtime, device, explicitOptions, bytes, map);
        synchronized (d.lock) {
            // Attached first, so that the handlers' initialize programs the routes.
            d.routeThrough(runtime.interruptRouter());
            d.rebuild();
        }
        return d;
    }

    // ---- guest configuration accesses --------------------------------------------------------

    @Override
    public int read(int offset, int size) {
        Tables t = tables;
        if (t == null || !Dwords.wellFormed(offset, size, configSize)) {
            throw refuse(offset, size, "config read");
        }
        int i = offset >>> 2;
        int shift = (offset & 3) << 3;
        int mask = Dwords.widthMask(size);
        int virt = (t.virt[i] >>> shift) & mask;
        int constant = (t.constant[i] >>> shift) & mask;
        if ((mask & ~(virt | constant)) == 0) {
            // Nothing to read from the device: one load of the shadow, atomic without the lock, unless a
            // rebuild (open, reset) ran meanwhile: the shadow then passes through the open-time snapshot,
            // host BAR addresses included, before the handlers set the guest's values.
            int before = rebuilds;
            int value = ((shadow.acquire(i) >>> shift) & virt) | ((snapshot[i] >>> shift) & constant);
            if ((before & 1) == 0 && rebuilds == before) {
                return value;
            }
        }
        try {
            synchronized (lock) {
                t = tables;
                if (t == null) {
                    throw refuse(offset, size, "config read");
                }
                virt = (t.virt[i] >>> shift) & mask;
                constant = (t.constant[i] >>> shift) & mask;
                int fromDevice = mask & ~(virt | constant);
                int hw = fromDevice != 0 ? deviceRead(offset, size) : 0;
                return ((shadow.plain(i) >>> shift) & virt) | ((snapshot[i] >>> shift) & constant) | (hw & fromDevice);
            }
        } finally {
            flushChange();
        }
    }

    @Override
    public void write(int offset, int size, int value) {
        try {
            synchronized (lock) {
                Tables t = tables;
                if (t == null || !Dwords.wellFormed(offset, size, configSize)) {
                    throw refuse(offset, size, "config write");
                }
                merge(t, offset, size, value & Dwords.widthMask(size));
            }
        } finally {
            flushChange();
        }
    }

    /**
     * The generic write of DESIGN.md: virtual writable bits to the shadow (RW1C: writing 1 clears),
     * non-virtual writable bits to the device by one read-modify-write at the access width, then the
     * owners' hooks and their effects. Caller holds the lock.
     */
    private void merge(Tables t, int offset, int size, int value) {
        int i = offset >>> 2;
        int shift = (offset & 3) << 3;
        int mask = Dwords.widthMask(size);
        int writable = (t.writable[i] >>> shift) & mask;
        if (writable == 0) {
            countDenied(t.layout, offset, size);
            return;
        }
        if (enablesDecode(offset, size, value & writable)) {
            restoreHostStateIfLost();
        }
        int virt = (t.virt[i] >>> shift) & mask;
        int constant = (t.constant[i] >>> shift) & mask;
        int fromDevice = mask & ~(virt | constant);
        // At most one device read per guest write, at the guest's width: it serves both the
        // read-modify-write and the value the hooks are told was there before.
        int hw = fromDevice != 0 ? deviceRead(offset, size) : 0;
        int current = shadow.plain(i);
        int shadowBits = (current >>> shift) & mask;
        int before = (shadowBits & virt) | ((snapshot[i] >>> shift) & constant) | (hw & fromDevice);

        // The device first: when its write fails, the device is failed and the shadow keeps no half of the write.
        int toDevice = writable & ~virt;
        if (toDevice != 0) {
            // Bits the guest may not write are written back as read, except device RW1C bits, which get 0
            // unless the guest wrote 1 to them and may clear them (DESIGN.md difference 1).
            int deviceW1c = (t.deviceW1c[i] >>> shift) & mask;
            int out = (hw & ~(toDevice | deviceW1c)) | (value & toDevice);
            deviceWrite(offset, size, out);
            trackPowerState(offset, size, out, toDevice);
        }
        int toShadow = writable & virt;
        if (toShadow != 0) {
            int w1c = (t.virtW1c[i] >>> shift) & toShadow;
            int plain = toShadow & ~w1c;
            int bits = ((shadowBits & ~plain) | (value & plain)) & ~(value & w1c);
            shadow.store(i, (current & ~(mask << shift)) | (bits << shift));
        }
        written(t.layout, offset, size, value, before);
    }

    /** Calls configWritten of every owner of the written bytes and carries out their effects. */
    private void written(Layout layout, int offset, int size, int value, int before) {
        int gen = generation;
        int prev = -1;
        for (int b = offset; b < offset + size; b++) {
            int s = layout.owner[b];
            if (s < 0 || s == prev) {
                continue;
            }
            prev = s;
            Tables now = tables;
            if (now == null || now.layout != layout || generation != gen) {
                return;
            }
            Binding binding = now.bindings[s];
            if (!binding.active) {
                continue;
            }
            List<Effect> effects;
            try {
                effects = binding.entry.handler().configWritten(binding.context, offset, size, value, before);
            } catch (RuntimeException | Error e) {
                fallBack(s, binding.entry, "configWritten", "config write of " + size + " bytes at 0x"
                        + Integer.toHexString(offset), e);
                continue;
            }
            apply(effects, s, true);
        }
    }

    private static boolean enablesDecode(int offset, int size, int bits) {
        int rel = COMMAND - offset;
        return rel >= 0 && rel < size && ((bits >>> (rel << 3)) & DECODE) != 0;
    }

    private void trackPowerState(int offset, int size, int out, int toDevice) {
        int rel = pmcsr - offset;
        if (pmcsr >= 0 && rel >= 0 && rel < size && ((toDevice >>> (rel << 3)) & Pm.CTRL_STATE_MASK) != 0) {
            powerState = (out >>> (rel << 3)) & Pm.CTRL_STATE_MASK;
        }
    }

    private void countDenied(Layout layout, int offset, int size) {
        deniedWrites++;
        int prev = -1;
        for (int b = offset; b < offset + size; b++) {
            int s = layout.owner[b];
            if (s >= 0 && s != prev) {
                deniedPerSlot[s]++;
            }
            prev = s;
        }
    }

    // ---- guest BAR accesses --------------------------------------------------------------------

    @Override
    public long barRead(int bar, long offset, int size) {
        try {
            synchronized (lock) {
                checkBar(bar, offset, size, "read");
                if (!decodes(bar)) {
                    refusedAccesses++;
                    return size == 8 ? -1L : (1L << (size << 3)) - 1;
                }
                Region r = regionAt(bar, offset, size, "read");
                if (r != null) {
                    checkRegionAccess(r, bar, offset, size, false);
                    return r.read(offset, size);
                }
                guardMsix(bar, offset, size, "read");
                try {
                    return device.readBar(bar, offset, size);
                } catch (PciAccessException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw new PciAccessException(address, offset, size, "BAR " + bar + " read failed", e);
                }
            }
        } finally {
            flushChange();
        }
    }

    @Override
    public void barWrite(int bar, long offset, int size, long value) {
        try {
            synchronized (lock) {
                checkBar(bar, offset, size, "write");
                if (!decodes(bar)) {
                    refusedAccesses++;
                    return;
                }
                Region r = regionAt(bar, offset, size, "write");
                if (r == null) {
                    guardMsix(bar, offset, size, "write");
                    try {
                        device.writeBar(bar, offset, size, value);
                    } catch (PciAccessException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        throw new PciAccessException(address, offset, size, "BAR " + bar + " write failed", e);
                    }
                    return;
                }
                checkRegionAccess(r, bar, offset, size, true);
                long v = size == 8 ? value : value & ((1L << (size << 3)) - 1);
                r.write(offset, size, v);
                Binding binding = tables.bindings[r.slot];
                if (binding.active) {
                    List<Effect> effects;
                    try {
                        effects = binding.entry.handler().regionWritten(binding.context, r.region, offset, size, v);
                    } catch (RuntimeException | Error e) {
                        fallBack(r.slot, binding.entry, "regionWritten", "BAR " + bar + " write of " + size
                                + " bytes at 0x" + Long.toHexString(offset), e);
                        return;
                    }
                    apply(effects, r.slot, true);
                }
            }
        } finally {
            flushChange();
        }
    }

    private void checkBar(int bar, long offset, int size, String what) {
        if (tables != null && bar >= 0 && bar < BARS && barSize[bar] != 0
                && (size == 1 || size == 2 || size == 4 || size == 8) && offset >= 0 && (offset & (size - 1)) == 0
                && offset <= barSize[bar] - size) {
            return;
        }
        refusedAccesses++;
        String reason;
        if (tables == null) {
            reason = stateReason();
        } else if (bar < 0 || bar >= BARS || barSize[bar] == 0) {
            reason = "no such BAR";
        } else if (size != 1 && size != 2 && size != 4 && size != 8) {
            reason = "width must be 1, 2, 4 or 8";
        } else if (offset < 0 || offset > barSize[bar] - size) {
            reason = "outside the BAR of " + barSize[bar] + " bytes";
        } else {
            reason = "not aligned to its width";
        }
        throw new PciAccessException(address, offset, size, "BAR " + bar + " " + what + " refused: " + reason);
    }

    /** Refuses an access that no handler emulates and that touches the device's own MSI-X table or PBA. */
    private void guardMsix(int bar, long offset, int size, String what) {
        String touched = msix.touched(bar, offset, size);
        if (touched != null) {
            refusedAccesses++;
            throw new PciAccessException(address, offset, size, "BAR " + bar + " " + what + " refused: " + touched
                    + " is never exposed to a guest (no MSI-X handler emulates it)");
        }
    }

    /** Whether the guest's decode for the BAR is on and the device is not in D3hot (DESIGN.md difference 7). */
    private boolean decodes(int bar) {
        if (powerState == Pm.STATE_D3HOT) {
            return false;
        }
        int need = barIo[bar] ? Command.IO : Command.MEMORY;
        Tables t = tables;
        int virt = t.virt[COMMAND_DWORD] >>> COMMAND_SHIFT;
        int command = (virt & need) != 0 ? shadow.plain(COMMAND_DWORD) >>> COMMAND_SHIFT : deviceRead(COMMAND, 2);
        return (command & need) != 0;
    }

    /** The claimed region holding the access, null when none touches it; refuses an access straddling a region's edge. */
    private Region regionAt(int bar, long offset, int size, String what) {
        Region[] rs = regions;
        for (int k = 0; k < rs.length; k++) {
            BarRegion r = rs[k].region;
            if (r.overlaps(bar, offset, size)) {
                if (r.covers(bar, offset, size)) {
                    return rs[k];
                }
                refusedAccesses++;
                throw new PciAccessException(address, offset, size, "BAR " + bar + " " + what
                        + " refused: straddles the edge of the emulated " + r.purpose());
            }
        }
        return null;
    }

    /**
     * Asks the handler serving the region whether it takes the access, and refuses the access
     * (counted, nothing changed) when it does not. A handler that throws is quarantined and the
     * access proceeds, as with no handler.
     */
    private void checkRegionAccess(Region r, int bar, long offset, int size, boolean write) {
        Binding b = tables.bindings[r.slot];
        if (!b.active) {
            return;
        }
        boolean allowed;
        try {
            allowed = b.entry.handler().regionAccess(b.context, r.region, offset, size, write);
        } catch (RuntimeException | Error e) {
            fallBack(r.slot, b.entry, "regionAccess", "BAR " + bar + (write ? " write" : " read") + " of " + size
                    + " bytes at 0x" + Long.toHexString(offset), e);
            return;
        }
        if (!allowed) {
            refusedAccesses++;
            throw new PciAccessException(address, offset, size, "BAR " + bar + (write ? " write" : " read")
                    + " refused: the emulated " + r.region.purpose() + " of " + map.all().get(r.slot).label()
                    + " does not take this access");
        }
    }

    // ---- reset, effects, host-owned state ------------------------------------------------------

    @Override
    public void reset(ResetKind kind) {
        try {
            synchronized (lock) {
                if (tables == null) {
                    throw new PciAccessException(address, "reset " + kind + " refused: " + stateReason());
                }
                resetLocked(kind);
            }
        } finally {
            flushChange();
        }
    }

    /**
     * Resets the function, writes the host-owned state back, and returns the guest view to its
     * open-time state with the current options and handlers (visibility changes take effect here).
     */
    private void resetLocked(ResetKind kind) {
        try {
            device.reset(kind);
        } catch (PciAccessException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PciAccessException(address, "reset " + kind + " failed", e);
        }
        restoreHostState();
        powerState = pmcsr < 0 ? Pm.STATE_D0 : deviceRead(pmcsr, 2) & Pm.CTRL_STATE_MASK;
        programming.clear();
        if (routes != null) {
            // No route survives a reset; the handlers' initialize programs the post-reset state.
            routes.release();
        }
        rebuild();
    }

    private void apply(List<Effect> effects, int slot, boolean resetAllowed) {
        if (effects == null) {
            return;
        }
        int gen = generation;
        for (int k = 0, n = effects.size(); k < n && generation == gen; k++) {
            Effect e = effects.get(k);
            if (e instanceof Effect.BarRegionClaim c) {
                claim(c.region(), slot);
            } else if (e instanceof Effect.PowerStateChange p) {
                changePowerState(p.to(), slot);
            } else if (e instanceof Effect.InterruptReprogrammed || e instanceof Effect.MsiProgrammed
                    || e instanceof Effect.MsixControl || e instanceof Effect.MsixEntryProgrammed) {
                program(e);
            } else if (e instanceof Effect.VpdAccess v) {
                vpdAccess(v, slot);
            } else if (e instanceof Effect.ResetRequest r) {
                guestReset(r.kind(), slot, resetAllowed);
            }
        }
    }

    // ---- interrupts --------------------------------------------------------------------------------

    /**
     * Routes the device's interrupts through {@code next} (null: none) from now on: attaches the
     * device there and makes its routes the physical device's interrupt listener, then detaches the
     * previous routes, and tells the new routes the guest's programming so far, so that a router bound
     * or restarted under an open device loses no route. Caller holds the lock.
     */
    private void routeThrough(InterruptRouter next) {
        if (next == router) {
            return;
        }
        DeviceRoutes previous = routes;
        router = next;
        routes = next == null ? null : next.attach(address, pendingListener);
        try {
            device.setInterruptListener(routes);
        } catch (RuntimeException e) {
            // A backend closed under the device: it raises nothing any more, and closing must go on.
            log(Level.WARNING, "the backend refused the interrupt listener", e);
        }
        if (previous != null) {
            previous.detach();
        }
        if (routes != null) {
            programming.replay(this::route);
        }
    }

    /** The runtime's router changed. */
    void routerChanged(InterruptRouter next) {
        synchronized (lock) {
            if (!closed) {
                routeThrough(next);
            }
        }
    }

    /** Records a handler's interrupt programming and hands it to the router; caller holds the lock. */
    private void program(Effect e) {
        programming.record(e);
        route(e);
    }

    private void route(Effect e) {
        DeviceRoutes r = routes;
        if (r == null) {
            return;
        }
        try {
            if (e instanceof Effect.InterruptReprogrammed p) {
                if (p.kind() == InterruptKind.INTX) {
                    r.intx(p.enabled());
                }
            } else if (e instanceof Effect.MsiProgrammed m) {
                r.msi(m.enabled(), m.address(), m.data(), m.vectors(), m.mask());
            } else if (e instanceof Effect.MsixControl m) {
                r.msix(m.enabled(), m.functionMask(), m.tableSize());
            } else if (e instanceof Effect.MsixEntryProgrammed m) {
                r.msixEntry(m.entry(), m.address(), m.data(), m.masked());
            }
        } catch (RuntimeException x) {
            log(Level.ERROR, "the interrupt router failed on " + e, x);
        }
    }

    /**
     * The router changed the pending bit of an MSI vector or MSI-X entry: the handler of the MSI or
     * MSI-X capability reflects it in the guest-visible register, under the lock, with the bit the
     * routes hold now (notifications of racing threads may arrive out of order).
     */
    private void pendingChanged(InterruptKind kind, int index, boolean pending) {
        if (kind != InterruptKind.MSI && kind != InterruptKind.MSIX) {
            return;
        }
        try {
            synchronized (lock) {
                Tables t = tables;
                DeviceRoutes r = routes;
                if (t == null || r == null) {
                    return;
                }
                int slot = t.layout.find(CapabilitySpace.STANDARD, kind == InterruptKind.MSI ? CapId.MSI : CapId.MSIX);
                if (slot < 0 || !t.bindings[slot].active) {
                    return;
                }
                Binding b = t.bindings[slot];
                boolean now = r.pending(kind, index);
                try {
                    b.entry.handler().pendingChanged(b.context, kind, index, now);
                } catch (RuntimeException | Error e) {
                    fallBack(slot, b.entry, "pendingChanged", kind + " " + index + (now ? " pending" : " not pending"), e);
                }
            }
        } finally {
            if (!Thread.holdsLock(lock)) {
                flushChange();
            }
        }
    }

    private void guestReset(ResetKind kind, int slot, boolean allowed) {
        if (!allowed) {
            log(Level.WARNING, "reset " + kind + " asked by " + map.all().get(slot).label()
                    + " while the device is being built: ignored", null);
            return;
        }
        try {
            resetLocked(kind);
        } catch (PciAccessException e) {
            if (failure != null) {
                throw e;
            }
            // Guest-caused, and the guest may ask again and again: limited as handler reports are (R15).
            report(slot, Level.WARNING, () -> "reset " + kind + " asked by the guest failed: " + e.getMessage());
        }
    }

    /**
     * Carries out a power-state change on the device, through PMCSR, and takes the state the device
     * reports (it ignores a state it does not support), also into the shadow. A function without
     * No_Soft_Reset resets itself on D3hot to D0 (PM 1.2, 5.4.1): as vfio's save and restore around the
     * transition, the host's BARs and decode are written back, then the bits the guest had written to
     * the device; the shadow, the rest of the guest's view, stays as the guest left it.
     */
    private void changePowerState(int to, int slot) {
        if (pmcsr < 0 || !deviceWritable) {
            report(slot, Level.WARNING, () -> "power state change to D" + to + " not carried out: "
                    + (pmcsr < 0 ? "no PM capability" : "the backend is read-only"));
            return;
        }
        int hw = deviceRead(pmcsr, 2);
        boolean softReset = (hw & Pm.CTRL_NO_SOFT_RESET) == 0;
        int from = powerState;
        if (softReset && from != Pm.STATE_D3HOT && (to & Pm.CTRL_STATE_MASK) == Pm.STATE_D3HOT) {
            savedForSoftReset = saveGuestDeviceBits();
        }
        deviceWrite(pmcsr, 2, (hw & ~(Pm.CTRL_STATE_MASK | Pm.CTRL_PME_STATUS))
                | (to & Pm.CTRL_STATE_MASK));
        powerState = deviceRead(pmcsr, 2) & Pm.CTRL_STATE_MASK;
        // A handler that keeps PowerState virtual shows the guest the state the device took.
        shadow.set(pmcsr, 1, (shadow.get(pmcsr, 1) & ~Pm.CTRL_STATE_MASK) | powerState);
        if (from == Pm.STATE_D3HOT && powerState == Pm.STATE_D0) {
            if (softReset) {
                report(slot, Level.INFO, () -> "D3hot to D0 reset the function (No_Soft_Reset clear): restoring the"
                        + " host's BARs and decode and the guest's device bits");
                restoreHostState();
                restoreGuestDeviceBits(savedForSoftReset);
                savedForSoftReset = null;
            } else {
                restoreHostStateIfLost();
            }
        }
    }

    /** The device's dwords that hold bits the guest may write there (non-virtual writable), 0 elsewhere. */
    private int[] saveGuestDeviceBits() {
        Tables t = built;
        int[] saved = new int[t.writable.length];
        for (int i = 0; i < saved.length; i++) {
            if ((t.writable[i] & ~t.virt[i]) != 0) {
                saved[i] = deviceRead(i << 2, 4);
            }
        }
        return saved;
    }

    /**
     * Writes the guest's device bits saved by {@link #saveGuestDeviceBits} back, by read-modify-write
     * of only the bytes that hold them; RW1C bits are written 0.
     */
    private void restoreGuestDeviceBits(int[] saved) {
        Tables t = built;
        for (int i = 0; saved != null && i < saved.length; i++) {
            int bits = t.writable[i] & ~t.virt[i] & ~t.deviceW1c[i];
            if (bits == 0) {
                continue;
            }
            int first = Integer.numberOfTrailingZeros(bits) >>> 3;
            int last = (31 - Integer.numberOfLeadingZeros(bits)) >>> 3;
            int size = first == last ? 1 : first >>> 1 == last >>> 1 ? 2 : 4;
            int start = size == 4 ? 0 : first & -size;
            int shift = start << 3;
            int mask = Dwords.widthMask(size);
            int offset = (i << 2) + start;
            int hw = deviceRead(offset, size);
            int w1c = (t.deviceW1c[i] >>> shift) & mask;
            int b = (bits >>> shift) & mask;
            deviceWrite(offset, size, (hw & ~(b | w1c)) | ((saved[i] >>> shift) & b));
        }
    }

    /**
     * Runs a guest's VPD transfer on the device (PCI 3.0, 6.4): the F-flag handshake on the VPD
     * registers of the slot's capability, polled with a growing pause for at most
     * {@link Effect.VpdAccess#TIMEOUT_MILLIS}, then the result into the shadow. It holds the device's
     * lock that long at most; reads of virtual registers (a driver polling F) never wait for it.
     */
    private void vpdAccess(Effect.VpdAccess v, int slot) {
        Capability c = map.all().get(slot);
        // Guest-caused, each transfer: reported through the slot's limit (R15), as handler reports are.
        if (c.space() != CapabilitySpace.STANDARD || c.id() != CapId.VPD || (v.address() & ~Vpd.ADDR_MASK) != 0) {
            report(slot, Level.WARNING, () -> vpdTransfer(v) + " not carried out: not a VPD capability or not a VPD"
                    + " address");
            return;
        }
        if (!deviceWritable) {
            report(slot, Level.WARNING, () -> vpdTransfer(v) + " not carried out: the backend is read-only; F does not"
                    + " toggle");
            return;
        }
        int addr = c.offset() + Vpd.ADDR;
        int data = c.offset() + Vpd.DATA;
        if (v.write()) {
            deviceWrite(data, 4, v.data());
        }
        deviceWrite(addr, 2, v.address() | (v.write() ? Vpd.ADDR_F : 0));
        int done = v.write() ? 0 : Vpd.ADDR_F;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Effect.VpdAccess.TIMEOUT_MILLIS);
        long pause = VPD_FIRST_PAUSE_NANOS;
        while ((deviceRead(addr, 2) & Vpd.ADDR_F) != done) {
            if (System.nanoTime() - deadline > 0) {
                report(slot, Level.WARNING, () -> vpdTransfer(v) + " timed out after " + Effect.VpdAccess.TIMEOUT_MILLIS
                        + " ms: F does not toggle, the guest's driver times out");
                return;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(2 * pause, VPD_LAST_PAUSE_NANOS);
        }
        if (!v.write()) {
            shadow.set(data, 4, deviceRead(data, 4));
        }
        shadow.set(addr, 2, v.address() | done);
    }

    private static String vpdTransfer(Effect.VpdAccess v) {
        return "VPD " + (v.write() ? "write" : "read") + " at 0x" + Integer.toHexString(v.address());
    }

    /**
     * The backdoor-reset check (as vfio's): when the guest enables decode and the device no longer
     * holds the BARs or decode enables it held at open, something reset it behind our back; the
     * host-owned state is written back before the guest's write proceeds.
     */
    private void restoreHostStateIfLost() {
        if (!deviceWritable) {
            return;
        }
        boolean lost = (deviceRead(COMMAND, 2) & hostDecode) != hostDecode;
        for (int b = 0; b < BARS && !lost; b++) {
            lost = hostBars[b] != 0 && deviceRead(BASE_ADDRESS_0 + 4 * b, 4) != hostBars[b];
        }
        if (lost) {
            // Guest-caused (a device-specific reset through a BAR register): limited like the handlers' reports.
            report(0, Level.INFO, () -> "the device lost its BARs (backdoor reset): restoring them");
            restoreHostState();
        }
    }

    /** Writes the BARs, ROM BAR and decode enables recorded at open back to the device. */
    private void restoreHostState() {
        if (!deviceWritable) {
            return;
        }
        for (int b = 0; b < BARS; b++) {
            deviceWrite(BASE_ADDRESS_0 + 4 * b, 4, hostBars[b]);
        }
        deviceWrite(ROM_ADDRESS, 4, hostBars[BARS]);
        int command = deviceRead(COMMAND, 2);
        deviceWrite(COMMAND, 2, (command & ~DECODE) | hostDecode);
    }

    private void claim(BarRegion r, int slot) {
        String label = map.all().get(slot).label();
        if (barSize[r.bar()] == 0 || r.length() > MAX_REGION || r.offset() + r.length() > barSize[r.bar()]) {
            log(Level.WARNING, label + " claimed " + r + " outside an implemented BAR: refused", null);
            return;
        }
        for (Region existing : regions) {
            if (existing.region.equals(r)) {
                return;
            }
            if (existing.region.bar() == r.bar() && existing.region.offset() < r.offset() + r.length()
                    && r.offset() < existing.region.offset() + existing.region.length()) {
                log(Level.WARNING, label + " claimed " + r + " overlapping " + existing.region + ": refused", null);
                return;
            }
        }
        // The emulated region starts as zeros, never as the device holds it (an MSI-X table holds the
        // host's messages); the handler sets the guest's initial contents.
        Region[] next = Arrays.copyOf(regions, regions.length + 1);
        next[regions.length] = new Region(r, slot, new byte[(int) r.length()]);
        regions = next;
        Binding b = built.bindings[slot];
        if (b.active) {
            try {
                b.entry.handler().regionClaimed(b.context, r);
            } catch (RuntimeException | Error e) {
                fallBack(slot, b.entry, "regionClaimed", "claiming " + r.purpose(), e);
            }
        }
    }

    /** The claimed region equal to {@code r} holding the access (handlers' {@code region}/{@code setRegion}). */
    Region region(BarRegion r, long offset, int size) {
        for (Region existing : regions) {
            if (existing.region.equals(r)) {
                if (size < 1 || size > 8 || !r.covers(r.bar(), offset, size)) {
                    throw new IllegalArgumentException(address + ": " + size + " bytes at 0x" + Long.toHexString(offset)
                            + " lie outside " + r.purpose());
                }
                return existing;
            }
        }
        throw new IllegalArgumentException(address + ": " + r.purpose() + " (" + r + ") is not claimed");
    }

    // ---- building: layout, bindings, handlers ----------------------------------------------------

    /** Builds the guest view from the snapshot with the current options and handlers. Caller holds the lock. */
    private void rebuild() {
        rebuilds++;
        try {
            build();
        } finally {
            rebuilds++;
        }
    }

    private void build() {
        DeviceOptions options = explicitOptions != null ? explicitOptions : runtime.configuredOptions(address);
        Map<HandlerKey, HandlerEntry> winners = runtime.winners();
        List<Capability> caps = map.all();
        String[] hidden = Layout.visibility(map, configSize, options);
        int[] lengths = new int[caps.size()];
        for (int s = 0; s < caps.size(); s++) {
            HandlerEntry e = hidden[s] == null ? winners.get(HandlerKey.of(caps.get(s))) : null;
            if (e != null && !quarantined(s, e)) {
                hidden[s] = s == 0 ? null : anomaly(s, e);
                lengths[s] = hidden[s] == null ? length(s, e) : 0;
            } else if (hidden[s] == null && Layout.needsHandler(caps.get(s))) {
                hidden[s] = "no handler: a guest never sees this capability raw";
            }
        }
        Layout layout = Layout.build(map, configSize, options, hidden, lengths);
        Binding[] bindings = new Binding[caps.size()];
        for (int s = 0; s < caps.size(); s++) {
            bindings[s] = layout.visible[s] ? bind(layout, s, winners.get(HandlerKey.of(caps.get(s))), null)
                    : Binding.NONE;
        }
        generation++;
        regions = NO_REGIONS;
        shadow.load(snapshot);
        layout.applyChain(shadow);
        publish(Tables.flatten(layout, bindings, options.permissive(), deviceWritable));
        changePending = true;
        for (int s = 0; s < caps.size(); s++) {
            Binding b = built.bindings[s];
            if (!b.active) {
                continue;
            }
            List<Effect> effects;
            try {
                effects = b.entry.handler().initialize(b.context);
            } catch (RuntimeException | Error e) {
                fallBack(s, b.entry, "initialize", "building the device", e);
                continue;
            }
            apply(effects, s, false);
        }
        if (!built.bindings[0].active) {
            // No header handler initialized the guest's BARs: they read 0, never the host's addresses.
            for (int reg : HeaderFallback.HOST_ADDRESS_REGISTERS) {
                shadow.set(reg, 4, 0);
            }
        }
    }

    private int length(int slot, HandlerEntry e) {
        Capability c = map.all().get(slot);
        try {
            return e.handler().length(c, config());
        } catch (RuntimeException | Error x) {
            quarantine(slot, e, "length", "building the device", x);
            return 0;
        }
    }

    /**
     * The anomaly the handler finds in its capability against the device's BARs, as the reason the
     * capability is hidden, or null. A handler that throws is quarantined and finds nothing.
     */
    private String anomaly(int slot, HandlerEntry e) {
        Capability c = map.all().get(slot);
        Optional<String> found;
        try {
            found = e.handler().anomaly(c, config(), bars);
        } catch (RuntimeException | Error x) {
            quarantine(slot, e, "anomaly", "building the device", x);
            return null;
        }
        if (found.isEmpty()) {
            return null;
        }
        log(Level.WARNING, c.label() + " hidden: " + found.get() + " (found by " + e.label() + ")", null);
        return "anomaly: " + found.get();
    }

    /** The config bytes at open, for handlers: read-only, little-endian. */
    private ByteBuffer config() {
        return ByteBuffer.wrap(snapshotBytes).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Binds a visible slot to the handler ranked first for it. Without a handler, or when the handler
     * is quarantined or throws, the slot falls back to {@code previous}'s table read-only (at open and
     * reset: read-through, and {@link HeaderFallback} for the header).
     */
    private Binding bind(Layout layout, int slot, HandlerEntry entry, Binding previous) {
        PermissionTable last = previous != null ? previous.table : slot == 0 ? HeaderFallback.TABLE : null;
        if (entry == null) {
            return last == null ? Binding.NONE : Binding.readOnly(last, null, null, false);
        }
        DeviceContext context = new DeviceContext(this, layout, slot);
        if (quarantined(slot, entry)) {
            return Binding.readOnly(last, entry, context, true);
        }
        try {
            PermissionTable table = entry.handler().permissions(context);
            if (table == null) {
                throw new IllegalStateException("permissions returned no table");
            }
            return Binding.serving(entry, table, context);
        } catch (RuntimeException | Error e) {
            quarantine(slot, entry, "permissions", "building the device", e);
            return Binding.readOnly(last, entry, context, true);
        }
    }

    /**
     * Takes over with the handlers ranked first now, for every visible capability whose handler
     * changed. The new tables are built outside the lock and published only if nothing was published
     * meanwhile; the shadow is kept and initialize is not called (DESIGN.md, "Hot deployment").
     */
    void refresh(Map<HandlerKey, HandlerEntry> winners) {
        for (;;) {
            Tables base = tables;
            if (base == null) {
                return;
            }
            Layout layout = base.layout;
            Binding[] next = null;
            for (int s = 0; s < layout.caps.size(); s++) {
                HandlerEntry w = winners.get(HandlerKey.of(layout.capability(s)));
                if (!layout.visible[s] || base.bindings[s].entry == w) {
                    continue;
                }
                if (next == null) {
                    next = base.bindings.clone();
                }
                next[s] = bind(layout, s, w, base.bindings[s]);
            }
            if (next == null) {
                return;
            }
            Tables t = Tables.flatten(layout, next, layout.options.permissive(), deviceWritable);
            synchronized (lock) {
                if (built == base && tables == base) {
                    publish(t);
                    return;
                }
            }
        }
    }

    /** Publishes new tables; caller holds the lock. */
    private void publish(Tables t) {
        built = t;
        if (!closed && failure == null) {
            tables = t;
        }
    }

    /** Quarantines a handler that threw during a guest access and serves its capability read-only. */
    private void fallBack(int slot, HandlerEntry entry, String hook, String during, Throwable e) {
        quarantine(slot, entry, hook, during, e);
        Tables t = built;
        if (t.bindings[slot].entry != entry || t.bindings[slot].quarantined) {
            return;
        }
        Binding[] next = t.bindings.clone();
        next[slot] = Binding.readOnly(t.bindings[slot].table, entry, t.bindings[slot].context, true);
        publish(Tables.flatten(t.layout, next, t.layout.options.permissive(), deviceWritable));
    }

    /** Whether this handler service is quarantined for the slot (a change of its properties does not lift it). */
    private boolean quarantined(int slot, HandlerEntry entry) {
        synchronized (lock) {
            HandlerEntry q = quarantinedEntry[slot];
            return q != null && q.serviceId() == entry.serviceId() && q.handler() == entry.handler();
        }
    }

    private void quarantine(int slot, HandlerEntry entry, String hook, String during, Throwable e) {
        if (e instanceof VirtualMachineError vme && !(e instanceof StackOverflowError)) {
            throw vme;
        }
        Capability c = map.all().get(slot);
        String reason = entry.label() + " threw in " + hook + " (" + during + "): " + e;
        synchronized (lock) {
            quarantinedEntry[slot] = entry;
            quarantineReason[slot] = reason;
        }
        changePending = true;
        log(Level.WARNING, "handler quarantined for " + c.space().property() + " capability id 0x"
                + Integer.toHexString(c.id()) + " at 0x" + Integer.toHexString(c.offset()) + ": " + reason, e);
    }

    // ---- device access, failure, state -------------------------------------------------------

    /** One config read of the device; a backend failure fails the virtual device. */
    int deviceRead(int offset, int size) {
        try {
            return device.readConfig(offset, size);
        } catch (RuntimeException e) {
            throw fail(offset, size, "read", e);
        }
    }

    private void deviceWrite(int offset, int size, int value) {
        try {
            device.writeConfig(offset, size, value);
        } catch (RuntimeException e) {
            throw fail(offset, size, "write", e);
        }
    }

    private PciAccessException fail(int offset, int size, String what, RuntimeException e) {
        synchronized (lock) {
            if (failure == null) {
                failure = "config " + what + " of " + size + " bytes at 0x" + Integer.toHexString(offset) + ": " + e.getMessage();
            }
            tables = null;
        }
        changePending = true;
        log(Level.ERROR, "the backend failed; the device refuses further accesses", e);
        return e instanceof PciAccessException p ? p
                : new PciAccessException(address, offset, size, "config " + what + " failed", e);
    }

    private PciAccessException refuse(int offset, int size, String what) {
        String reason;
        synchronized (lock) {
            refusedAccesses++;
            reason = tables == null ? stateReason() : null;
        }
        if (reason == null) {
            if (size != 1 && size != 2 && size != 4) {
                reason = "width must be 1, 2 or 4";
            } else if (offset < 0 || offset > configSize - size) {
                reason = "outside config space of " + configSize + " bytes"
                        + (offset < 0 ? " (offset " + offset + ", width " + size + ")" : "");
            } else {
                reason = "not aligned to its width";
            }
        }
        return new PciAccessException(address, offset, size, what + " refused: " + reason);
    }

    private String stateReason() {
        return closed ? "the device is closed" : "the device failed: " + failure;
    }

    private void flushChange() {
        if (changePending) {
            changePending = false;
            runtime.changed();
        }
    }

    void setShadow(int offset, int size, int value) {
        synchronized (lock) {
            shadow.set(offset, size, value);
        }
    }

    int snapshot(int offset, int size) {
        return Dwords.get(snapshot, offset, size);
    }

    List<BarInfo> bars() {
        return bars;
    }

    private void log(Level level, String message, Throwable e) {
        runtime.logger().log(level, address + ": " + message, e);
    }

    /**
     * A guest-caused event the handler of the slot reports: logged with the device and capability,
     * limited per slot (the first ones, then one in every {@value #REPORTS_LOGGED_EVERY} with the count
     * suppressed). A suppressed report is only counted: nothing allocated, the supplier not called.
     */
    void report(int slot, Level level, Supplier<String> message) {
        long suppressed;
        synchronized (lock) {
            long n = ++reportsPerSlot[slot];
            if (n > REPORTS_LOGGED_FIRST && (n - REPORTS_LOGGED_FIRST) % REPORTS_LOGGED_EVERY != 0) {
                suppressedPerSlot[slot]++;
                return;
            }
            suppressed = suppressedPerSlot[slot];
        }
        System.Logger logger = runtime.logger();
        if (!logger.isLoggable(level)) {
            return;
        }
        Capability c = map.all().get(slot);
        String line = address + ": " + c.label() + " (capability id 0x" + Integer.toHexString(c.id()) + "): "
                + message.get();
        if (suppressed > 0) {
            line += " [" + (REPORTS_LOGGED_EVERY - 1) + " similar reports suppressed since the last one logged, "
                    + suppressed + " in all]";
        }
        logger.log(level, line);
    }

    DeviceDTO identity() {
        return identity;
    }

    @Override
    public PciAddress address() {
        return address;
    }

    @Override
    public int configSize() {
        return configSize;
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            tables = null;
            regions = NO_REGIONS;
            routeThrough(null);
        }
        runtime.closed(this);
    }

    /** This device in the runtime snapshot. */
    VirtualDeviceDTO dto() {
        synchronized (lock) {
            Tables t = built;
            Layout layout = t.layout;
            VirtualDeviceDTO d = new VirtualDeviceDTO();
            d.address = address.toString();
            d.description = description;
            d.permissive = layout.options.permissive();
            d.failed = failure != null;
            d.failure = failure;
            d.deniedWrites = deniedWrites;
            d.refusedAccesses = refusedAccesses;
            d.interrupts = routes != null ? routes.snapshot() : new RouteDTO[0];
            d.capabilities = new VirtualCapabilityDTO[layout.caps.size()];
            for (int s = 0; s < layout.caps.size(); s++) {
                Capability c = layout.capability(s);
                Binding b = t.bindings[s];
                VirtualCapabilityDTO v = new VirtualCapabilityDTO();
                v.space = c.space().property();
                v.id = c.id();
                v.offset = c.offset();
                v.length = c.length();
                v.version = c.version();
                v.name = c.name();
                v.hidden = !layout.visible[s];
                v.hiddenReason = layout.hiddenReason[s];
                v.handlerServiceId = b.active ? b.entry.serviceId() : -1;
                v.handlerBundle = b.active ? b.entry.bundle() : null;
                v.quarantined = b.quarantined;
                v.quarantineReason = b.quarantined ? quarantineReason[s] : null;
                v.deniedWrites = deniedPerSlot[s];
                v.suppressedReports = suppressedPerSlot[s];
                d.capabilities[s] = v;
            }
            return d;
        }
    }
}
