package org.pciguard.api.virt.dto;

import org.osgi.dto.DTO;

/** The whole state of the virtualization runtime at one moment. */
public class RuntimeDTO extends DTO {
    /** Every open virtual device, in address order. */
    public VirtualDeviceDTO[] devices;
    /** Every capability handler service the runtime tracks, active or shadowed. */
    public HandlerDTO[] handlers;
    /** The {@code service.changecount} this snapshot corresponds to. */
    public long changeCount;
}
