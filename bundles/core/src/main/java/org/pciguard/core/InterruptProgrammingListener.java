package org.pciguard.core;

import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.virt.VirtualDevice;

/**
 * Receives the {@code InterruptReprogrammed} effects of capability handlers: the seam where the
 * interrupt router plugs in. Called synchronously, under the device's lock, on the guest's thread;
 * it may read the device's virtual registers ({@link VirtualDevice#read}), must not block.
 */
@FunctionalInterface
public interface InterruptProgrammingListener {

    /**
     * A guest write changed the interrupt programming of a kind.
     *
     * @param device  the virtual device
     * @param kind    INTx, MSI or MSI-X
     * @param enabled whether that kind is enabled after the write
     */
    void interruptReprogrammed(VirtualDevice device, InterruptKind kind, boolean enabled);
}
