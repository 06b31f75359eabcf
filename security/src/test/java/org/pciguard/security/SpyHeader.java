package org.pciguard.security;

import java.util.List;

import org.pciguard.api.handler.BarRegion;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.handler.Effect;
import org.pciguard.api.handler.HandlerContext;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.cap.header.HeaderHandler;

/**
 * The real header handler with a window on the core's shadow: it keeps the last context the core
 * gave it, so a test can read the guest-visible copy after the device has failed and refuses
 * guest reads.
 */
final class SpyHeader implements CapabilityHandler {

    private final HeaderHandler real = new HeaderHandler();
    private volatile HandlerContext context;

    /** The shadow at {@code offset}, as the core holds it now. */
    int shadow(int offset, int size) {
        return context.shadow(offset, size);
    }

    @Override
    public PermissionTable permissions(HandlerContext c) {
        context = c;
        return real.permissions(c);
    }

    @Override
    public List<Effect> initialize(HandlerContext c) {
        context = c;
        return real.initialize(c);
    }

    @Override
    public List<Effect> configWritten(HandlerContext c, int offset, int size, int value, int before) {
        return real.configWritten(c, offset, size, value, before);
    }

    @Override
    public List<Effect> regionWritten(HandlerContext c, BarRegion region, long offset, int size, long value) {
        return real.regionWritten(c, region, offset, size, value);
    }
}
