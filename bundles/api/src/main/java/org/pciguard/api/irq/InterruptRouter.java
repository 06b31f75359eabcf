package org.pciguard.api.irq;

import org.osgi.annotation.versioning.ProviderType;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.irq.dto.RouteDTO;

/**
 * Owns the interrupts of every open device: routes INTx, MSI vectors and MSI-X entries to the
 * {@link GuestInterruptController}, emulates masking and pending bits, and keeps counters. Only
 * one of MSI and MSI-X is delivered at a time; INTx is never delivered while either is enabled.
 */
@ProviderType
public interface InterruptRouter {

    /**
     * Starts routing a device (a device already attached is detached first).
     *
     * @param device  the device
     * @param pending told when a pending bit changes
     * @return the device's routes
     */
    DeviceRoutes attach(PciAddress device, PendingListener pending);

    /**
     * The host acknowledged the device's INTx (end of interrupt, a KVM resample irqfd): the same as
     * {@link DeviceRoutes#eoi()} on the device's routes; nothing for a device not attached. This is
     * the way back from a {@link GuestInterruptController}, which knows the source address only.
     */
    void eoi(PciAddress device);

    /** Every route of every attached device. */
    RouteDTO[] snapshot();
}
