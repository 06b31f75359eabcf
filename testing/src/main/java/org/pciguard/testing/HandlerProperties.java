package org.pciguard.testing;

import java.util.Map;

import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.handler.CapabilityHandler;

/** The service properties a capability handler is registered with. */
public final class HandlerProperties {

    private HandlerProperties() {
    }

    /** A handler serving capability {@code id} of {@code space}. */
    public static Map<String, Object> of(CapabilitySpace space, int id) {
        return Map.of(CapabilityHandler.CAPABILITY_ID, id, CapabilityHandler.CAPABILITY_SPACE, space.property());
    }
}
