package org.pciguard.api.virt.dto;

import org.osgi.dto.DTO;

/** One open virtual device. */
public class VirtualDeviceDTO extends DTO {
    /** {@code dddd:bb:dd.f}. */
    public String address;
    /** The backend's description of the function. */
    public String description;
    /** Whether the device is configured permissive. */
    public boolean permissive;
    /** True once the backend failed under this device; its accesses are then refused. */
    public boolean failed;
    /** Why the device failed, or null. */
    public String failure;
    /** The capabilities the walker found (header first), visible and hidden. */
    public VirtualCapabilityDTO[] capabilities;
    /** Guest writes (or parts of them) dropped because no bit they touched was writable. */
    public long deniedWrites;
    /** Guest accesses refused as malformed, or refused because decode was off. */
    public long refusedAccesses;
    /** The device's interrupt routes (empty when no router is present). */
    public org.pciguard.api.irq.dto.RouteDTO[] interrupts;
}
