package org.pciguard.api.irq.dto;

import org.osgi.dto.DTO;

/** One interrupt route of one device. */
public class RouteDTO extends DTO {
    /** {@code dddd:bb:dd.f} of the device. */
    public String device;
    /** {@code intx}, {@code msi} or {@code msix}. */
    public String source;
    /** MSI vector or MSI-X entry; 0 for INTx. */
    public int index;
    /** Message address (0 for INTx). */
    public long address;
    /** Message data (0 for INTx). */
    public int data;
    /** Whether the route is enabled (its kind enabled by the guest). */
    public boolean enabled;
    /** Masked: per-vector or entry mask, function mask, INTx Disable, or INTx awaiting EOI. */
    public boolean masked;
    /** Pending: raised while masked, to be delivered on unmask. */
    public boolean pending;
    /** Interrupts delivered to the guest. */
    public long delivered;
    /** Interrupts held (raised while masked or disabled). */
    public long held;
}
