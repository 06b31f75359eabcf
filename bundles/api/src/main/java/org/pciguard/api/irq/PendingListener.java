package org.pciguard.api.irq;

import org.osgi.annotation.versioning.ConsumerType;
import org.pciguard.api.access.InterruptKind;

/**
 * Told when a source's pending bit changes, so the guest-visible pending registers (MSI Pending
 * Bits, the MSI-X PBA) follow the router. Implemented by the core; called without any router lock
 * held.
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
