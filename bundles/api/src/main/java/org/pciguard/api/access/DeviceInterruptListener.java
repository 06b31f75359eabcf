package org.pciguard.api.access;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives the interrupts a physical function raises. Called on the backend's thread; an
 * implementation must not block and should not allocate.
 */
@ConsumerType
public interface DeviceInterruptListener {

    /**
     * The function raised an interrupt.
     *
     * @param device the function
     * @param kind   INTx (asserted; level), MSI or MSI-X
     * @param index  the MSI vector or MSI-X table entry; 0 for INTx
     */
    void interrupt(PciAddress device, InterruptKind kind, int index);
}
