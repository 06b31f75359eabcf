package org.pciguard.api.irq;

import org.osgi.annotation.versioning.ConsumerType;
import org.pciguard.api.access.InterruptKind;

/**
 * Told when a source's pending bit changes, so the guest-visible pending registers (MSI Pending
 * Bits, the MSI-X PBA) follow the router. Implemented by the core; called without any router lock
 * held, on the thread that changed the bit (a backend's interrupt thread, or a guest's thread whose
 * write unmasked a source). Notifications of one source may arrive out of order when threads race:
 * read {@link DeviceRoutes#pending} under your own lock for the current bit.
 */
@ConsumerType
public interface PendingListener {

    /**
     * @param kind    MSI or MSI-X
     * @param index   the vector or entry
     * @param pending its pending bit now
     */
    void pendingChanged(InterruptKind kind, int index, boolean pending);
}
