package org.pciguard.core;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.pciguard.api.access.AccessListener;
import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.DeviceInterruptListener;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.access.dto.DeviceDTO;

/**
 * A small hardware-like function for tests: config bytes with per-bit hardware write masks (RW and
 * RW1C), BAR memory, FLR back to the power-on image, and a record of every access that reached it.
 */
final class FakeDevice implements PhysicalDevice {

    /** One access that reached the device. */
    record Access(boolean write, int offset, int size, long value, int bar) {
        @Override
        public String toString() {
            return (bar < 0 ? "" : "bar" + bar + " ") + (write ? "w " : "r ") + size + " 0x" + Integer.toHexString(offset)
                    + " 0x" + Long.toHexString(value);
        }
    }

    final PciAddress address;
    private final byte[] config;
    private final byte[] powerOn;
    private final byte[] rw;
    private final byte[] rw1c;
    private final List<BarInfo> bars = new ArrayList<>();
    private final byte[][] barMemory = new byte[7][];
    private final List<AccessListener> listeners = new CopyOnWriteArrayList<>();
    /** Every access, while {@link #recording}; guarded by this. */
    private final List<Access> accesses = new ArrayList<>();
    /** Whether accesses are recorded (the concurrency test turns it off). */
    volatile boolean recording = true;
    final List<ResetKind> resetsDone = new CopyOnWriteArrayList<>();
    boolean writableBackend = true;
    private volatile DeviceInterruptListener interruptListener;
    /** Refuse {@link #setInterruptListener}, as a backend closed under the virtual device may. */
    volatile boolean refuseInterruptListener;

    FakeDevice(PciAddress address, byte[] image) {
        this.address = address;
        this.config = image.clone();
        this.powerOn = image.clone();
        this.rw = new byte[image.length];
        this.rw1c = new byte[image.length];
    }

    FakeDevice(byte[] image) {
        this(new PciAddress(0, 3, 0, 0), image);
    }

    /** Marks hardware read-write bits. */
    FakeDevice rw(int offset, int size, int mask) {
        Dwords.or(rw, offset, size, mask);
        return this;
    }

    /** Marks hardware RW1C bits. */
    FakeDevice rw1c(int offset, int size, int mask) {
        Dwords.or(rw1c, offset, size, mask);
        return this;
    }

    /** Adds a BAR whose register masks its address bits as hardware does, with memory behind it. */
    FakeDevice bar(BarInfo info) {
        bars.add(info);
        barMemory[info.index()] = new byte[(int) info.size()];
        int flags = info.kind() == org.pciguard.api.access.BarKind.IO ? 0x3 : 0xf;
        rw(info.registerOffset(), 4, (int) ~(info.size() - 1) & ~flags);
        return this;
    }

    /** Changes the power-on image that FLR restores. */
    FakeDevice powerOn(int offset, int size, int value) {
        for (int k = 0; k < size; k++) {
            powerOn[offset + k] = (byte) (value >>> (8 * k));
        }
        return this;
    }

    /** The hardware changed: sets bytes without any mask, records nothing. */
    synchronized void hw(int offset, int size, int value) {
        for (int k = 0; k < size; k++) {
            config[offset + k] = (byte) (value >>> (8 * k));
        }
    }

    /** The register now, without recording an access. */
    synchronized int peek(int offset, int size) {
        int v = 0;
        for (int k = 0; k < size; k++) {
            v |= (config[offset + k] & 0xff) << (8 * k);
        }
        return v;
    }

    /** Sets BAR memory without recording an access. */
    synchronized void pokeBar(int bar, long offset, int size, long value) {
        for (int k = 0; k < size; k++) {
            barMemory[bar][(int) offset + k] = (byte) (value >>> (8 * k));
        }
    }

    synchronized long peekBar(int bar, long offset, int size) {
        long v = 0;
        for (int k = 0; k < size; k++) {
            v |= (barMemory[bar][(int) offset + k] & 0xffL) << (8 * k);
        }
        return v;
    }

    synchronized List<Access> accesses() {
        return List.copyOf(accesses);
    }

    synchronized void clearAccesses() {
        accesses.clear();
    }

    List<Access> configAccesses() {
        return accesses().stream().filter(a -> a.bar() < 0).toList();
    }

    private void record(Access a) {
        if (recording) {
            accesses.add(a);
        }
    }

    @Override
    public PciAddress address() {
        return address;
    }

    @Override
    public DeviceDTO describe() {
        DeviceDTO d = new DeviceDTO();
        d.address = address.toString();
        d.configSize = config.length;
        d.description = "fake function";
        return d;
    }

    @Override
    public int configSize() {
        return config.length;
    }

    private void check(int offset, int size) {
        if ((size != 1 && size != 2 && size != 4) || offset < 0 || offset % size != 0 || offset + size > config.length) {
            throw new PciAccessException(address, offset, size, "malformed access reached the fake device");
        }
    }

    @Override
    public synchronized int readConfig(int offset, int size) {
        check(offset, size);
        int v = peek(offset, size);
        record(new Access(false, offset, size, v, -1));
        for (AccessListener l : listeners) {
            l.configAccess(address, false, offset, size, v);
        }
        return v;
    }

    @Override
    public synchronized void writeConfig(int offset, int size, int value) {
        check(offset, size);
        if (!writableBackend) {
            throw new PciAccessException(address, offset, size, "read-only backend");
        }
        record(new Access(true, offset, size, value, -1));
        for (int k = 0; k < size; k++) {
            int at = offset + k;
            int v = (value >>> (8 * k)) & 0xff;
            int cur = config[at] & 0xff;
            int w = rw[at] & 0xff;
            int c = rw1c[at] & 0xff;
            cur = (cur & ~w) | (v & w);
            cur &= ~(v & c);
            config[at] = (byte) cur;
        }
        for (AccessListener l : listeners) {
            l.configAccess(address, true, offset, size, value);
        }
    }

    @Override
    public List<BarInfo> bars() {
        return List.copyOf(bars);
    }

    @Override
    public synchronized long readBar(int bar, long offset, int size) {
        long v = peekBar(bar, offset, size);
        record(new Access(false, (int) offset, size, v, bar));
        return v;
    }

    @Override
    public synchronized void writeBar(int bar, long offset, int size, long value) {
        record(new Access(true, (int) offset, size, value, bar));
        for (int k = 0; k < size; k++) {
            barMemory[bar][(int) offset + k] = (byte) (value >>> (8 * k));
        }
    }

    @Override
    public Set<ResetKind> resets() {
        return EnumSet.of(ResetKind.FLR);
    }

    @Override
    public synchronized void reset(ResetKind kind) {
        if (kind != ResetKind.FLR) {
            throw new PciAccessException(address, "reset " + kind + " not supported");
        }
        resetsDone.add(kind);
        System.arraycopy(powerOn, 0, config, 0, config.length);
    }

    @Override
    public boolean writable() {
        return writableBackend;
    }

    @Override
    public void setInterruptListener(DeviceInterruptListener listener) {
        if (refuseInterruptListener) {
            throw new PciAccessException(address, "the fake device is closed");
        }
        interruptListener = listener;
    }

    /** Tells the listener, whatever the source: the router is what is tested. */
    @Override
    public void raiseInterrupt(InterruptKind kind, int index) {
        DeviceInterruptListener l = interruptListener;
        if (l != null) {
            l.interrupt(address, kind, index);
        }
    }

    /** The interrupt listener the virtualizer set, or null. */
    DeviceInterruptListener interruptListener() {
        return interruptListener;
    }

    @Override
    public void addAccessListener(AccessListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeAccessListener(AccessListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void close() {
    }
}
