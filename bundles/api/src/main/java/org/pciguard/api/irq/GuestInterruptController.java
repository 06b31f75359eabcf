package org.pciguard.api.irq;

import org.osgi.annotation.versioning.ConsumerType;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAddress;

/**
 * Injects interrupts into a guest: the service a hypervisor host implements. Called on the thread
 * that raised the interrupt; must not block and should not allocate.
 * <p>
 * The shape fits KVM: a controller keeps a GSI routing entry per (address, data) pair it is given
 * (KVM_SET_GSI_ROUTING with KVM_IRQ_ROUTING_MSI) and signals the route's irqfd in
 * {@link #deliverMsi}; {@link #setIntxLevel} maps to KVM_IRQ_LINE on the device's GSI, or to an
 * irqfd with a resample fd whose EOI the host reports back through the router.
 */
@ConsumerType
public interface GuestInterruptController {

    /**
     * Delivers a message-signalled interrupt.
     *
     * @param source  the device
     * @param kind    {@link InterruptKind#MSI} or {@link InterruptKind#MSIX}
     * @param address the message address the guest programmed
     * @param data    the message data (for MSI, with the vector in its low bits)
     */
    void deliverMsi(PciAddress source, InterruptKind kind, long address, int data);

    /**
     * Sets the level of the device's INTx line in the guest.
     *
     * @param source   the device
     * @param asserted true to assert
     */
    void setIntxLevel(PciAddress source, boolean asserted);
}
