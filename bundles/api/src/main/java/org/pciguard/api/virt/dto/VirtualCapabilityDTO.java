package org.pciguard.api.virt.dto;

import org.osgi.dto.DTO;

/** One capability of an open virtual device and who serves it. */
public class VirtualCapabilityDTO extends DTO {
    /** {@code header}, {@code standard} or {@code extended}. */
    public String space;
    /** Capability id. */
    public int id;
    /** Config offset. */
    public int offset;
    /** Length in bytes. */
    public int length;
    /** Capability version. */
    public int version;
    /** Short name ({@code MSI}, {@code AER} ...). */
    public String name;
    /** True when the guest does not see it (relinked out of the virtual chain). */
    public boolean hidden;
    /** Why it is hidden (default policy, configuration, anomaly), or null. */
    public String hiddenReason;
    /** Service id of the handler serving it, or -1 when it is served by the read-only fallback. */
    public long handlerServiceId;
    /** Bundle symbolic name of the handler serving it, or null. */
    public String handlerBundle;
    /** True when its handler threw and was quarantined for this device. */
    public boolean quarantined;
    /** The error that quarantined it, or null. */
    public String quarantineReason;
    /** Guest writes into this capability that were dropped. */
    public long deniedWrites;
    /**
     * Reports of guest-caused events by its handler
     * ({@link org.pciguard.api.handler.HandlerContext#report HandlerContext.report}) that the core
     * did not log because of the per-capability limit, since the device was opened.
     */
    public long suppressedReports;
}
