package org.pciguard.backend.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.pciguard.api.access.AccessListener;
import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.BarKind;
import org.pciguard.api.access.DeviceInterruptListener;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.backend.sim.internal.FunctionModel;

/**
 * An open simulated function. The function itself (registers, BAR memory, VPD storage) belongs to
 * the backend and outlives this handle: a function closed and opened again keeps its state, as
 * hardware does.
 * <p>
 * Configuration writes have the hardware's semantics: read-only bits keep their value, RW1C bits
 * written 1 clear, BARs answer sizing with their size mask, Initiate FLR (PCIe Device Control) and
 * AF FLR reset the function to its power-on image, PMCSR changes the power state (D3hot to D0
 * without No_Soft_Reset resets the function), the VPD address/data registers run the F-flag
 * handshake over a synthetic VPD image.
 * <p>
 * BAR memory is the host's view of the resource: it is not gated by Command decode bits or the
 * power state (gating guest accesses is the virtualizer's job). The Expansion ROM ignores writes;
 * the MSI-X PBA is read-only and table entries come out of reset masked.
 * <p>
 * {@link #raiseInterrupt} is a hook that models the interrupt source only: it needs the function
 * to have the source (an interrupt pin, the MSI vector, the MSI-X entry) and notifies the listener
 * whatever the enable and mask bits say, which are the host's business. INTx also sets
 * Status.INTERRUPT until {@link #deassertIntx()} or a reset.
 */
public final class SimulatedDevice implements PhysicalDevice {

    private static final AccessListener[] NO_LISTENERS = {};
    private static final int MAX_BAR_ACCESS = Long.BYTES;
    private static final int MAX_IO_ACCESS = Integer.BYTES;

    private final FunctionModel model;
    private final PciAddress address;
    private final DeviceDTO description;
    private final int configSize;
    private final Object listenerLock = new Object();
    private volatile AccessListener[] listeners = NO_LISTENERS;
    private volatile DeviceInterruptListener interruptListener;
    private volatile boolean closed;

    SimulatedDevice(FunctionModel model, DeviceDTO description) {
        this.model = model;
        this.address = model.address();
        this.description = description;
        this.configSize = model.configSize();
    }

    @Override
    public PciAddress address() {
        return address;
    }

    @Override
    public DeviceDTO describe() {
        return SimulatedBackend.copy(description);
    }

    @Override
    public int configSize() {
        return configSize;
    }

    @Override
    public int readConfig(int offset, int size) {
        checkConfig(offset, size);
        int value = model.read(offset, size);
        AccessListener[] l = listeners;
        if (l.length != 0) {
            for (AccessListener listener : l) {
                listener.configAccess(address, false, offset, size, value);
            }
        }
        return value;
    }

    @Override
    public void writeConfig(int offset, int size, int value) {
        checkConfig(offset, size);
        model.write(offset, size, value);
        AccessListener[] l = listeners;
        if (l.length != 0) {
            int written = size == Integer.BYTES ? value : value & ((1 << (8 * size)) - 1);
            for (AccessListener listener : l) {
                listener.configAccess(address, true, offset, size, written);
            }
        }
    }

    private void checkConfig(int offset, int size) {
        checkOpen(offset, size);
        if (size != 1 && size != 2 && size != 4) {
            throw new PciAccessException(address, offset, size, "config access width must be 1, 2 or 4 bytes");
        }
        if (offset < 0 || offset > configSize - size) {
            throw new PciAccessException(address, offset, size, "offset " + offset + " is outside the " + configSize
                    + " bytes of config space");
        }
        if (offset % size != 0) {
            throw new PciAccessException(address, offset, size, "not naturally aligned");
        }
    }

    private void checkOpen(long offset, int size) {
        if (closed) {
            throw new PciAccessException(address, offset, size, "device is closed");
        }
    }

    @Override
    public List<BarInfo> bars() {
        checkOpen(-1, 0);
        return model.bars();
    }

    @Override
    public long readBar(int bar, long offset, int size) {
        checkBar(bar, offset, size);
        long value = model.readBar(bar, offset, size);
        AccessListener[] l = listeners;
        if (l.length != 0) {
            for (AccessListener listener : l) {
                listener.barAccess(address, false, bar, offset, size, value);
            }
        }
        return value;
    }

    @Override
    public void writeBar(int bar, long offset, int size, long value) {
        checkBar(bar, offset, size);
        long written = size == Long.BYTES ? value : value & ((1L << (8 * size)) - 1);
        model.writeBar(bar, offset, size, written);
        AccessListener[] l = listeners;
        if (l.length != 0) {
            for (AccessListener listener : l) {
                listener.barAccess(address, true, bar, offset, size, written);
            }
        }
    }

    private void checkBar(int bar, long offset, int size) {
        checkOpen(offset, size);
        BarInfo info = model.bar(bar);
        String name = bar == BarInfo.ROM_INDEX ? "Expansion ROM" : "BAR " + bar;
        if (info == null) {
            throw new PciAccessException(address, offset, size, name + " is not implemented");
        }
        int max = info.kind() == BarKind.IO ? MAX_IO_ACCESS : MAX_BAR_ACCESS;
        if (size <= 0 || size > max || Integer.bitCount(size) != 1) {
            throw new PciAccessException(address, offset, size, name + " access width must be 1, 2, 4"
                    + (max == MAX_BAR_ACCESS ? " or 8" : "") + " bytes");
        }
        if (offset < 0 || offset > info.size() - size) {
            throw new PciAccessException(address, offset, size, "offset " + offset + " is outside " + name + " of "
                    + info.size() + " bytes");
        }
        if (offset % size != 0) {
            throw new PciAccessException(address, offset, size, "not naturally aligned");
        }
    }

    @Override
    public Set<ResetKind> resets() {
        return model.resets();
    }

    @Override
    public void reset(ResetKind kind) {
        checkOpen(-1, 0);
        if (!model.resets().contains(kind)) {
            throw new PciAccessException(address, "reset " + kind + " is not supported by this function (it supports "
                    + model.resets() + ")");
        }
        model.reset();
    }

    @Override
    public boolean writable() {
        return true;
    }

    @Override
    public void setInterruptListener(DeviceInterruptListener listener) {
        interruptListener = listener;
    }

    @Override
    public void raiseInterrupt(InterruptKind kind, int index) {
        checkOpen(-1, 0);
        switch (kind) {
            case INTX:
                if (!model.hasIntx()) {
                    throw new PciAccessException(address, "no INTx: the interrupt pin is 0");
                }
                if (index != 0) {
                    throw new PciAccessException(address, "no INTx source " + index + ": INTx has index 0 only");
                }
                model.intx(true);
                break;
            case MSI:
                if (index < 0 || index >= model.msiVectors()) {
                    throw new PciAccessException(address, "no MSI vector " + index + " (the function has "
                            + model.msiVectors() + ")");
                }
                break;
            case MSIX:
                if (index < 0 || index >= model.msixEntries()) {
                    throw new PciAccessException(address, "no MSI-X entry " + index + " (the table has "
                            + model.msixEntries() + ")");
                }
                break;
            default:
                throw new PciAccessException(address, "unknown interrupt kind " + kind);
        }
        DeviceInterruptListener l = interruptListener;
        if (l != null) {
            l.interrupt(address, kind, index);
        }
    }

    /** The function stops asserting INTx: Status.INTERRUPT clears. */
    public void deassertIntx() {
        checkOpen(-1, 0);
        model.intx(false);
    }

    /** A copy of the power-on image that resets restore. */
    public byte[] powerOnImage() {
        return model.powerOnImage();
    }

    @Override
    public void addAccessListener(AccessListener listener) {
        synchronized (listenerLock) {
            AccessListener[] l = Arrays.copyOf(listeners, listeners.length + 1);
            l[l.length - 1] = listener;
            listeners = l;
        }
    }

    @Override
    public void removeAccessListener(AccessListener listener) {
        synchronized (listenerLock) {
            List<AccessListener> l = new ArrayList<>(Arrays.asList(listeners));
            l.remove(listener);
            listeners = l.toArray(NO_LISTENERS);
        }
    }

    @Override
    public void close() {
        closed = true;
        listeners = NO_LISTENERS;
        interruptListener = null;
    }

    @Override
    public String toString() {
        return "SimulatedDevice[" + address + " " + description.source + "]";
    }
}
