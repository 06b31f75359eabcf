package org.pciguard.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

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
 * A physical function that fails on purpose: it wraps a working one and throws on the accesses a
 * test chooses (by kind, offset, count or at random), or loses the device for good from a chosen
 * access on, as hardware that fell off the bus would. Every injected fault is recorded.
 */
public final class FaultyDevice implements PhysicalDevice {

    /** Kinds of host access. */
    public enum Op { CONFIG_READ, CONFIG_WRITE, BAR_READ, BAR_WRITE, RESET }

    /** One access to the device, numbered from 0 in the order they arrived. */
    public record Access(Op op, long offset, int size, long number) {
    }

    /** How an injected fault is thrown: as the backend's own exception, or as a raw I/O failure. */
    public enum Style {
        /** A {@link PciAccessException} naming the device, offset and width, as a backend throws it. */
        BACKEND,
        /** An {@link UncheckedIOException}, as a careless backend would let one escape. */
        RAW
    }

    private final PhysicalDevice inner;
    private final AtomicLong count = new AtomicLong();
    private volatile Predicate<Access> fail = a -> false;
    private volatile Style style = Style.BACKEND;
    private volatile long lostFrom = Long.MAX_VALUE;
    private volatile DeviceInterruptListener interruptListener;
    private volatile boolean readOnly;
    /** Every access a fault was injected into. */
    public final List<Access> injected = new CopyOnWriteArrayList<>();

    public FaultyDevice(PhysicalDevice inner) {
        this.inner = inner;
    }

    /** Fails every access matching {@code when} from now on. */
    public FaultyDevice failWhen(Predicate<Access> when) {
        this.fail = when;
        return this;
    }

    /** Throws injected faults in this style. */
    public FaultyDevice style(Style s) {
        this.style = s;
        return this;
    }

    /** The device disappears: this access and every later one fails. */
    public FaultyDevice loseFrom(long accessNumber) {
        this.lostFrom = accessNumber;
        return this;
    }

    /**
     * The backend refuses every config write from now on, as the sysfs backend does unless configured
     * otherwise: {@link #writable()} is false.
     */
    public FaultyDevice readOnly() {
        this.readOnly = true;
        return this;
    }

    /** Number of accesses so far. */
    public long accesses() {
        return count.get();
    }

    /** Stops injecting faults (the device is back, for tests of recovery). */
    public void heal() {
        fail = a -> false;
        lostFrom = Long.MAX_VALUE;
    }

    private void gate(Op op, long offset, int size) {
        Access a = new Access(op, offset, size, count.getAndIncrement());
        boolean lost = a.number() >= lostFrom;
        if (!lost && !fail.test(a)) {
            return;
        }
        injected.add(a);
        String what = (lost ? "device lost" : "injected fault") + " on " + op;
        throw switch (style) {
            case BACKEND -> new PciAccessException(inner.address(), offset, size, what);
            case RAW -> new UncheckedIOException(new IOException(what + " at " + offset));
        };
    }

    @Override
    public PciAddress address() {
        return inner.address();
    }

    @Override
    public DeviceDTO describe() {
        return inner.describe();
    }

    @Override
    public int configSize() {
        return inner.configSize();
    }

    @Override
    public int readConfig(int offset, int size) {
        gate(Op.CONFIG_READ, offset, size);
        return inner.readConfig(offset, size);
    }

    @Override
    public void writeConfig(int offset, int size, int value) {
        gate(Op.CONFIG_WRITE, offset, size);
        if (readOnly) {
            throw new PciAccessException(inner.address(), offset, size, "the backend is read-only");
        }
        inner.writeConfig(offset, size, value);
    }

    @Override
    public List<BarInfo> bars() {
        return inner.bars();
    }

    @Override
    public long readBar(int bar, long offset, int size) {
        gate(Op.BAR_READ, offset, size);
        return inner.readBar(bar, offset, size);
    }

    @Override
    public void writeBar(int bar, long offset, int size, long value) {
        gate(Op.BAR_WRITE, offset, size);
        inner.writeBar(bar, offset, size, value);
    }

    @Override
    public Set<ResetKind> resets() {
        return inner.resets();
    }

    @Override
    public void reset(ResetKind kind) {
        gate(Op.RESET, -1, 0);
        inner.reset(kind);
    }

    @Override
    public boolean writable() {
        return inner.writable() && !readOnly;
    }

    @Override
    public void setInterruptListener(DeviceInterruptListener listener) {
        interruptListener = listener;
        inner.setInterruptListener(listener);
    }

    @Override
    public void raiseInterrupt(InterruptKind kind, int index) {
        inner.raiseInterrupt(kind, index);
    }

    /**
     * Raises an interrupt of any kind and index, as a buggy function or backend could (an MSI-X entry
     * past the table, a negative vector): straight to the listener the core set, without the backend's
     * check that the function has that source.
     */
    public void raiseUnchecked(InterruptKind kind, int index) {
        DeviceInterruptListener l = interruptListener;
        if (l != null) {
            l.interrupt(address(), kind, index);
        }
    }

    @Override
    public void addAccessListener(AccessListener listener) {
        inner.addAccessListener(listener);
    }

    @Override
    public void removeAccessListener(AccessListener listener) {
        inner.removeAccessListener(listener);
    }

    @Override
    public void close() {
        inner.close();
    }
}
