package org.pciguard.api.access.dto;

import org.osgi.dto.DTO;

/** What identifies one physical function. */
public class DeviceDTO extends DTO {
    /** {@code dddd:bb:dd.f}. */
    public String address;
    /** Vendor ID (0x00). */
    public int vendorId;
    /** Device ID (0x02). */
    public int deviceId;
    /** Class code: base class, sub-class, programming interface (0x09..0x0b), 24 bits. */
    public int classCode;
    /** Revision ID (0x08). */
    public int revision;
    /** Header type (0x0e) without the multi-function bit: 0 endpoint, 1 bridge, 2 CardBus. */
    public int headerType;
    /** Bytes of configuration space the backend reaches (64, 256 or 4096). */
    public int configSize;
    /** True when the backend reaches less configuration space than the function has. */
    public boolean truncated;
    /** A human description (the lspci header line, or the sysfs path). */
    public String description;
    /** Where the function comes from: a dump file, or a sysfs directory. */
    public String source;
}
