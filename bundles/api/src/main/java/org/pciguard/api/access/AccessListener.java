package org.pciguard.api.access;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Observes every host-side access that reaches a physical function: for tests, for
 * {@code replay --trace}, and for audit. Called synchronously after the access completed, on the
 * accessing thread; must not call back into the device.
 */
@ConsumerType
public interface AccessListener {

    /**
     * A configuration access reached the device.
     *
     * @param device the function
     * @param write  true for a write
     * @param offset config offset
     * @param size   1, 2 or 4
     * @param value  the value read, or the value written
     */
    void configAccess(PciAddress device, boolean write, int offset, int size, int value);

    /**
     * A BAR access reached the device.
     *
     * @param device the function
     * @param write  true for a write
     * @param bar    BAR index 0..5
     * @param offset offset inside the BAR
     * @param size   1, 2, 4 or 8
     * @param value  the value read, or the value written
     */
    void barAccess(PciAddress device, boolean write, int bar, long offset, int size, long value);
}
