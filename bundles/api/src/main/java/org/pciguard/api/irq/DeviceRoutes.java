package org.pciguard.api.irq;

import org.osgi.annotation.versioning.ProviderType;
import org.pciguard.api.access.DeviceInterruptListener;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.irq.dto.RouteDTO;

/**
 * The routes of one device, as the router keeps them; obtained from
 * {@link InterruptRouter#attach}. The core programs it from handler effects and sets it as the
 * physical device's {@link DeviceInterruptListener}, so a raised interrupt reaches it without a
 * lookup. Every method is thread-safe; delivery is allocation-free.
 */
@ProviderType
public interface DeviceRoutes extends DeviceInterruptListener {

    /** INTx enabled for the guest (a pin, and the virtual INTx Disable clear) or not. */
    void intx(boolean enabled);

    /**
     * MSI programming.
     *
     * @param enabled MSI Enable
     * @param address message address
     * @param data    message data; vector {@code v} is sent with the low log2({@code vectors}) bits
     *                replaced by {@code v} (PCI 3.0, 6.8.1.6)
     * @param vectors enabled vectors (1, 2, 4 ... 32: from Multiple Message Enable, never above Capable)
     * @param mask    per-vector mask bits (0 where the capability has no masking)
     */
    void msi(boolean enabled, long address, int data, int vectors, int mask);

    /**
     * MSI-X control.
     *
     * @param enabled      MSI-X Enable
     * @param functionMask Function Mask
     * @param tableSize    number of table entries
     */
    void msix(boolean enabled, boolean functionMask, int tableSize);

    /** One MSI-X table entry as the guest programmed it. */
    void msixEntry(int entry, long address, int data, boolean masked);

    /** The host acknowledged INTx (end of interrupt): the line is unmasked, a held assertion delivered. */
    void eoi();

    /**
     * The current pending bit of an MSI vector or MSI-X entry (false for INTx, or an index the device
     * does not have). {@link PendingListener} notifications may arrive out of order when interrupts
     * are raised and unmasked on several threads at once; a listener that reads this under its own
     * lock ends with the right bit.
     */
    boolean pending(InterruptKind kind, int index);

    /** Releases every route (device reset or guest reboot): nothing enabled, nothing pending. */
    void release();

    /** Stops routing this device (device closed); the handle is dead afterwards. */
    void detach();

    /** Each route with its mask, pending bit and counters. */
    RouteDTO[] snapshot();
}
