package org.pciguard.api.irq;

import org.osgi.annotation.versioning.ProviderType;
import org.pciguard.api.access.DeviceInterruptListener;
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
     * @param data    message data; vector {@code v} is sent with {@code data | v} in the low bits
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

    /** Releases every route (device reset or guest reboot): nothing enabled, nothing pending. */
    void release();

    /** Stops routing this device (device closed); the handle is dead afterwards. */
    void detach();

    /** Each route with its mask, pending bit and counters. */
    RouteDTO[] snapshot();
}
