package org.pciguard.irq;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.irq.DeviceRoutes;
import org.pciguard.api.irq.GuestInterruptController;
import org.pciguard.api.irq.PendingListener;
import org.pciguard.api.irq.dto.RouteDTO;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.api.regs.PciRegs.Msix;

/**
 * The routes of one attached device: INTx, MSI vectors 0..31 and MSI-X entries 0..2047, with their
 * masks, pending bits and counters, in arrays and bit sets.
 * <p>
 * <b>Locking.</b> {@link #lock} guards the state; it is held only to read and change it, never while
 * the controller or the {@link PendingListener} is called. The decision and the call are therefore
 * not atomic for messages, which is the hardware's behaviour too: a message already sent when the
 * guest masks its vector still arrives. INTx is a level, whose last call must win: every INTx change
 * runs under {@link #intxCalls}, taken before {@link #lock}, and calls the controller under it, so
 * the controller sees the levels in the order of the changes.
 * <p>
 * <b>Rules</b> (DESIGN.md, "Interrupts"):
 * <ul>
 * <li>MSI-X takes precedence: when the guest sets both Enables (which PCI 3.0, 6.8.2 forbids), MSI-X is
 * delivered and MSI is suspended (raised vectors are held, its pending bits kept for when MSI-X is
 * disabled). INTx is not delivered while either is enabled, as the function may not use it.</li>
 * <li>A source raised while masked (MSI vector mask, MSI-X entry mask or Function Mask) sets its
 * pending bit, counts as held, and is delivered, with the address and data programmed then, when it is
 * unmasked. A source raised while its kind is disabled, or with no controller, is held and dropped.</li>
 * <li>Disabling a kind clears its pending bits; the MSI-X table entries the guest programmed stay (they
 * live in the table), so enabling again routes them.</li>
 * <li>INTx is a level: delivered, it masks itself until the host's EOI; an assertion while masked (by
 * INTx Disable or awaiting EOI) is held as one pending assertion, delivered at EOI or when INTx
 * Disable clears. Setting INTx Disable while the line is asserted deasserts it and keeps it pending,
 * as the function still asserts it.</li>
 * <li>An index the device does not have (a vector past the enabled count, an entry past the table) is
 * held on its counter when it fits the kind's range and ignored otherwise (so is INTx with an index
 * other than 0, and an unknown kind); programming values out of
 * range are clamped (vectors to a power of two in 1..32, table size to 0..2048). Nothing throws.</li>
 * </ul>
 * Delivery allocates nothing.
 */
final class RoutedDevice implements DeviceRoutes {

    private static final System.Logger LOG = System.getLogger("org.pciguard.irq");

    /** Most MSI vectors (PCI 3.0, 6.8.1.3). */
    static final int MSI_VECTORS = Msi.MAX_VECTORS;
    /** Most MSI-X entries (PCI 3.0, 6.8.2.3). */
    static final int MSIX_ENTRIES = Msix.MAX_ENTRIES;

    private static final long[] NO_LONGS = {};
    private static final int[] NO_INTS = {};

    /** INTx actions decided under the lock, carried out after it. */
    private static final int DEASSERT = 1;
    private static final int ASSERT = 2;

    private final InterruptRouterImpl router;
    private final PciAddress address;
    private final PendingListener pendingListener;
    private final Object lock = new Object();
    /** Serializes INTx changes and their controller calls; taken before {@link #lock}. */
    private final Object intxCalls = new Object();

    // ---- guarded by lock --------------------------------------------------------------------
    private boolean attached = true;

    /** The guest programmed INTx (the route exists). */
    private boolean intxProgrammed;
    /** A pin, and INTx Disable clear. */
    private boolean intxUnmasked;
    /** The line is asserted in the guest: masked until EOI. */
    private boolean intxAsserted;
    /** An assertion is held. */
    private boolean intxPending;
    private long intxDelivered;
    private long intxHeld;

    private boolean msiProgrammed;
    private boolean msiEnabled;
    private long msiAddress;
    private int msiData;
    /** Enabled vectors, a power of two in 1..32. */
    private int msiVectors = 1;
    private int msiMask;
    private int msiPending;
    private final long[] msiDelivered = new long[MSI_VECTORS];
    private final long[] msiHeld = new long[MSI_VECTORS];

    private boolean msixEnabled;
    private boolean functionMask;
    private int tableSize;
    /** Per entry, grown on demand up to {@link #MSIX_ENTRIES} (programming path only). */
    private long[] entryAddress = NO_LONGS;
    private int[] entryData = NO_INTS;
    private long[] entryDelivered = NO_LONGS;
    private long[] entryHeld = NO_LONGS;
    /** Bit sets over every possible entry; an entry is masked out of reset (PCI 3.0, 6.8.2.9). */
    private final long[] entryMasked = new long[MSIX_ENTRIES / Long.SIZE];
    private final long[] entryPending = new long[MSIX_ENTRIES / Long.SIZE];

    RoutedDevice(InterruptRouterImpl router, PciAddress address, PendingListener pendingListener) {
        this.router = router;
        this.address = address;
        this.pendingListener = pendingListener;
        Arrays.fill(entryMasked, -1L);
    }

    PciAddress address() {
        return address;
    }

    // ---- raised interrupts: the delivery path --------------------------------------------------

    @Override
    public void interrupt(PciAddress device, InterruptKind kind, int index) {
        if (kind == InterruptKind.MSIX) {
            raiseMsix(index);
        } else if (kind == InterruptKind.MSI) {
            raiseMsi(index);
        } else if (kind == InterruptKind.INTX && index == 0) {
            raiseIntx();
        }
    }

    private void raiseMsix(int e) {
        GuestInterruptController c = router.controller();
        boolean deliver;
        long addr = 0;
        int data = 0;
        synchronized (lock) {
            if (!attached || e < 0 || e >= tableSize) {
                return;
            }
            boolean masked = functionMask || bit(entryMasked, e);
            deliver = msixEnabled && !masked && c != null;
            if (deliver) {
                entryDelivered[e]++;
                addr = entryAddress[e];
                data = entryData[e];
            } else {
                entryHeld[e]++;
                if (!msixEnabled || !masked || bit(entryPending, e)) {
                    return;
                }
                entryPending[e >>> 6] |= 1L << e;
            }
        }
        if (deliver) {
            deliver(c, InterruptKind.MSIX, e, addr, data);
        } else {
            pendingChanged(InterruptKind.MSIX, e, true);
        }
    }

    private void raiseMsi(int v) {
        GuestInterruptController c = router.controller();
        boolean deliver;
        long addr = 0;
        int data = 0;
        synchronized (lock) {
            if (!attached || v < 0 || v >= MSI_VECTORS) {
                return;
            }
            boolean routed = msiEnabled && !msixEnabled && v < msiVectors;
            boolean masked = (msiMask & 1 << v) != 0;
            deliver = routed && !masked && c != null;
            if (deliver) {
                msiDelivered[v]++;
                addr = msiAddress;
                data = msiVectorData(v);
            } else {
                msiHeld[v]++;
                if (!routed || !masked || (msiPending & 1 << v) != 0) {
                    return;
                }
                msiPending |= 1 << v;
            }
        }
        if (deliver) {
            deliver(c, InterruptKind.MSI, v, addr, data);
        } else {
            pendingChanged(InterruptKind.MSI, v, true);
        }
    }

    private void raiseIntx() {
        synchronized (intxCalls) {
            GuestInterruptController c = router.controller();
            synchronized (lock) {
                if (!attached) {
                    return;
                }
                if (msiEnabled || msixEnabled) {
                    intxHeld++;
                    return;
                }
                if (!intxUnmasked || intxAsserted) {
                    intxHeld++;
                    intxPending = true;
                    return;
                }
                if (c == null) {
                    intxHeld++;
                    return;
                }
                intxAsserted = true;
                intxDelivered++;
            }
            level(c, true);
        }
    }

    /** Message data of MSI vector {@code v}: the low log2(vectors) bits replaced by {@code v} (PCI 3.0, 6.8.1.6). */
    private int msiVectorData(int v) {
        return (msiData & -msiVectors) | v;
    }

    // ---- programming -------------------------------------------------------------------------

    @Override
    public void intx(boolean enabled) {
        synchronized (lock) {
            if (!attached) {
                return;
            }
            intxProgrammed = true;
            intxUnmasked = enabled;
        }
        settleIntx();
    }

    @Override
    public void msi(boolean enabled, long address, int data, int vectors, int mask) {
        synchronized (lock) {
            if (!attached) {
                return;
            }
            msiProgrammed = true;
            msiEnabled = enabled;
            msiAddress = address;
            msiData = data;
            msiVectors = powerOfTwoVectors(vectors);
            msiMask = mask;
        }
        settle();
    }

    @Override
    public void msix(boolean enabled, boolean functionMask, int tableSize) {
        int size = Math.max(0, Math.min(MSIX_ENTRIES, tableSize));
        synchronized (lock) {
            if (!attached) {
                return;
            }
            ensureEntries(size);
            this.msixEnabled = enabled;
            this.functionMask = functionMask;
            this.tableSize = size;
        }
        settle();
    }

    @Override
    public void msixEntry(int entry, long address, int data, boolean masked) {
        if (entry < 0 || entry >= MSIX_ENTRIES) {
            return;
        }
        synchronized (lock) {
            if (!attached) {
                return;
            }
            ensureEntries(entry + 1);
            entryAddress[entry] = address;
            entryData[entry] = data;
            if (masked) {
                entryMasked[entry >>> 6] |= 1L << entry;
            } else {
                entryMasked[entry >>> 6] &= ~(1L << entry);
            }
        }
        settleMsix(entry, entry + 1);
    }

    /** Vectors as MSI can enable them: a power of two in 1..32 (Multiple Message Enable is log2 of it). */
    private static int powerOfTwoVectors(int vectors) {
        return vectors < 1 ? 1 : Integer.highestOneBit(Math.min(vectors, MSI_VECTORS));
    }

    /** Grows the per-entry arrays to {@code n} entries; caller holds the lock. */
    private void ensureEntries(int n) {
        if (entryAddress.length >= n) {
            return;
        }
        entryAddress = Arrays.copyOf(entryAddress, n);
        entryData = Arrays.copyOf(entryData, n);
        entryDelivered = Arrays.copyOf(entryDelivered, n);
        entryHeld = Arrays.copyOf(entryHeld, n);
    }

    @Override
    public void eoi() {
        synchronized (intxCalls) {
            GuestInterruptController c = router.controller();
            int actions;
            synchronized (lock) {
                if (!attached || !intxAsserted) {
                    return;
                }
                intxAsserted = false;
                actions = DEASSERT | intxStep(c);
            }
            carryOut(c, actions);
        }
    }

    // ---- settling: what a programming change delivers, drops or deasserts ------------------------

    /** Brings every kind in line with the programming. */
    private void settle() {
        settleIntx();
        settleMsi();
        settleMsix(0, MSIX_ENTRIES);
    }

    private void settleIntx() {
        synchronized (intxCalls) {
            GuestInterruptController c = router.controller();
            int actions;
            synchronized (lock) {
                if (!attached) {
                    return;
                }
                actions = intxStep(c);
            }
            carryOut(c, actions);
        }
    }

    /**
     * The INTx line after a change: deasserted when masked or superseded by MSI/MSI-X (kept pending
     * when masked, as the function still asserts it), a held assertion delivered when nothing masks it.
     * Caller holds both locks.
     */
    private int intxStep(GuestInterruptController c) {
        boolean messages = msiEnabled || msixEnabled;
        int actions = 0;
        if (intxAsserted && (messages || !intxUnmasked)) {
            intxAsserted = false;
            intxPending = !messages;
            actions |= DEASSERT;
        }
        if (messages) {
            intxPending = false;
        }
        if (intxPending && intxUnmasked && !intxAsserted && !messages) {
            intxPending = false;
            if (c != null) {
                intxAsserted = true;
                intxDelivered++;
                actions |= ASSERT;
            }
        }
        return actions;
    }

    private void carryOut(GuestInterruptController c, int actions) {
        if ((actions & DEASSERT) != 0 && c != null) {
            level(c, false);
        }
        if ((actions & ASSERT) != 0) {
            level(c, true);
        }
    }

    /** Drops the MSI pending bits of a disabled kind or a vector past the enabled count; delivers unmasked ones. */
    private void settleMsi() {
        for (int from = 0; from < MSI_VECTORS;) {
            GuestInterruptController c = router.controller();
            int v = -1;
            boolean deliver = false;
            long addr = 0;
            int data = 0;
            synchronized (lock) {
                if (!attached) {
                    return;
                }
                for (int bits = msiPending & -1 << from; bits != 0; bits &= bits - 1) {
                    int k = Integer.numberOfTrailingZeros(bits);
                    if (!msiEnabled || k >= msiVectors) {
                        v = k;
                        break;
                    }
                    if (!msixEnabled && (msiMask & 1 << k) == 0) {
                        v = k;
                        deliver = c != null;
                        break;
                    }
                }
                if (v < 0) {
                    return;
                }
                msiPending &= ~(1 << v);
                if (deliver) {
                    msiDelivered[v]++;
                    addr = msiAddress;
                    data = msiVectorData(v);
                }
            }
            if (deliver) {
                deliver(c, InterruptKind.MSI, v, addr, data);
            }
            pendingChanged(InterruptKind.MSI, v, false);
            from = v + 1;
        }
    }

    /** As {@link #settleMsi} for the MSI-X entries in {@code [from, to)}. */
    private void settleMsix(int from, int to) {
        while (from < to) {
            GuestInterruptController c = router.controller();
            int e = -1;
            boolean deliver = false;
            long addr = 0;
            int data = 0;
            synchronized (lock) {
                if (!attached) {
                    return;
                }
                for (int k = nextSet(entryPending, from, to); k >= 0; k = nextSet(entryPending, k + 1, to)) {
                    if (!msixEnabled || k >= tableSize) {
                        e = k;
                        break;
                    }
                    if (!functionMask && !bit(entryMasked, k)) {
                        e = k;
                        deliver = c != null;
                        break;
                    }
                }
                if (e < 0) {
                    return;
                }
                entryPending[e >>> 6] &= ~(1L << e);
                if (deliver) {
                    entryDelivered[e]++;
                    addr = entryAddress[e];
                    data = entryData[e];
                }
            }
            if (deliver) {
                deliver(c, InterruptKind.MSIX, e, addr, data);
            }
            pendingChanged(InterruptKind.MSIX, e, false);
            from = e + 1;
        }
    }

    private static boolean bit(long[] set, int i) {
        return (set[i >>> 6] & 1L << i) != 0;
    }

    /** The first set bit in {@code [from, to)}, or -1. */
    private static int nextSet(long[] set, int from, int to) {
        if (from >= to) {
            return -1;
        }
        int w = from >>> 6;
        long word = set[w] & -1L << from;
        for (;;) {
            if (word != 0) {
                int i = (w << 6) + Long.numberOfTrailingZeros(word);
                return i < to ? i : -1;
            }
            if (++w >= set.length || w << 6 >= to) {
                return -1;
            }
            word = set[w];
        }
    }

    // ---- release, detach, controller change -----------------------------------------------------

    @Override
    public void release() {
        if (clearRoutes(false)) {
            // The pending bits go with the routes; the listener hears of each.
            settleMsi();
            settleMsix(0, MSIX_ENTRIES);
        }
    }

    @Override
    public void detach() {
        if (clearRoutes(true)) {
            router.detached(this);
        }
    }

    /**
     * Clears every route and deasserts an asserted INTx line (outside the lock, in INTx call order);
     * detaching also drops the pending bits silently and marks the handle dead.
     *
     * @return false when the device was no longer attached, and nothing was done
     */
    private boolean clearRoutes(boolean detach) {
        synchronized (intxCalls) {
            GuestInterruptController c = router.controller();
            boolean deassert;
            synchronized (lock) {
                if (!attached) {
                    return false;
                }
                deassert = intxAsserted;
                clear();
                if (detach) {
                    attached = false;
                    msiPending = 0;
                    Arrays.fill(entryPending, 0L);
                }
            }
            if (deassert && c != null) {
                level(c, false);
            }
        }
        return true;
    }

    /** Every route back to its state at attach, except the pending bits; caller holds the lock. */
    private void clear() {
        intxProgrammed = false;
        intxUnmasked = false;
        intxAsserted = false;
        intxPending = false;
        intxDelivered = 0;
        intxHeld = 0;
        msiProgrammed = false;
        msiEnabled = false;
        msiAddress = 0;
        msiData = 0;
        msiVectors = 1;
        msiMask = 0;
        Arrays.fill(msiDelivered, 0L);
        Arrays.fill(msiHeld, 0L);
        msixEnabled = false;
        functionMask = false;
        tableSize = 0;
        Arrays.fill(entryAddress, 0L);
        Arrays.fill(entryData, 0);
        Arrays.fill(entryDelivered, 0L);
        Arrays.fill(entryHeld, 0L);
        Arrays.fill(entryMasked, -1L);
    }

    /**
     * The controller changed: an asserted INTx line is asserted on the new one (the assertion awaits
     * an EOI that the old one will not send), or dropped when none is left.
     */
    void controllerChanged() {
        synchronized (intxCalls) {
            GuestInterruptController c = router.controller();
            synchronized (lock) {
                if (!attached || !intxAsserted) {
                    return;
                }
                if (c == null) {
                    intxAsserted = false;
                    return;
                }
            }
            level(c, true);
        }
    }

    // ---- calls out, without the lock ----------------------------------------------------------

    private void deliver(GuestInterruptController c, InterruptKind kind, int index, long addr, int data) {
        try {
            c.deliverMsi(address, kind, addr, data);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, address + ": the guest interrupt controller failed to deliver " + kind + " "
                    + index, e);
        }
    }

    private void level(GuestInterruptController c, boolean asserted) {
        try {
            c.setIntxLevel(address, asserted);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, address + ": the guest interrupt controller failed to "
                    + (asserted ? "assert" : "deassert") + " INTx", e);
        }
    }

    private void pendingChanged(InterruptKind kind, int index, boolean pending) {
        try {
            pendingListener.pendingChanged(kind, index, pending);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, address + ": the pending listener failed on " + kind + " " + index, e);
        }
    }

    // ---- introspection -------------------------------------------------------------------------

    @Override
    public boolean pending(InterruptKind kind, int index) {
        synchronized (lock) {
            if (kind == InterruptKind.MSI) {
                return index >= 0 && index < MSI_VECTORS && (msiPending & 1 << index) != 0;
            }
            return kind == InterruptKind.MSIX && index >= 0 && index < MSIX_ENTRIES && bit(entryPending, index);
        }
    }

    /**
     * INTx once programmed; MSI vectors up to the enabled count once programmed, and any other vector
     * with counts; MSI-X entries up to the table size.
     */
    @Override
    public RouteDTO[] snapshot() {
        String device = address.toString();
        List<RouteDTO> routes = new ArrayList<>();
        synchronized (lock) {
            if (!attached) {
                return new RouteDTO[0];
            }
            boolean messages = msiEnabled || msixEnabled;
            if (intxProgrammed || intxDelivered + intxHeld > 0) {
                routes.add(route(device, "intx", 0, 0, 0, !messages, !intxUnmasked || intxAsserted, intxPending,
                        intxDelivered, intxHeld));
            }
            for (int v = 0; v < MSI_VECTORS; v++) {
                boolean pending = (msiPending & 1 << v) != 0;
                if ((msiProgrammed && v < msiVectors) || pending || msiDelivered[v] + msiHeld[v] > 0) {
                    routes.add(route(device, "msi", v, msiAddress, msiVectorData(v),
                            msiEnabled && !msixEnabled && v < msiVectors, (msiMask & 1 << v) != 0, pending,
                            msiDelivered[v], msiHeld[v]));
                }
            }
            for (int e = 0; e < tableSize; e++) {
                routes.add(route(device, "msix", e, entryAddress[e], entryData[e], msixEnabled,
                        functionMask || bit(entryMasked, e), bit(entryPending, e), entryDelivered[e], entryHeld[e]));
            }
        }
        return routes.toArray(new RouteDTO[0]);
    }

    private static RouteDTO route(String device, String source, int index, long address, int data, boolean enabled,
            boolean masked, boolean pending, long delivered, long held) {
        RouteDTO r = new RouteDTO();
        r.device = device;
        r.source = source;
        r.index = index;
        r.address = address;
        r.data = data;
        r.enabled = enabled;
        r.masked = masked;
        r.pending = pending;
        r.delivered = delivered;
        r.held = held;
        return r;
    }
}
