package org.pciguard.api.virt.dto;

import org.osgi.dto.DTO;

/** One capability handler service as the runtime tracks it. */
public class HandlerDTO extends DTO {
    /** {@link #failureReason}: the handler serves its capability id. */
    public static final int ACTIVE = 0;
    /** {@link #failureReason}: a handler of higher {@code service.ranking} serves the same capability id. */
    public static final int SHADOWED = 1;

    /** The service id. */
    public long serviceId;
    /** Bundle symbolic name of the registering bundle. */
    public String bundle;
    /** Bundle version of the registering bundle. */
    public String bundleVersion;
    /** {@code header}, {@code standard} or {@code extended}. */
    public String space;
    /** The capability id it serves. */
    public int capabilityId;
    /** Its {@code service.ranking}. */
    public int ranking;
    /** {@link #ACTIVE} or {@link #SHADOWED}. */
    public int failureReason;
    /** Service id of the handler shadowing this one, or -1. */
    public long shadowedBy;
}
