package org.pciguard.core;

import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;

/**
 * What a handler serves: a capability id in its space (the header is id 0 in {@code header}).
 *
 * @param space the space
 * @param id    the capability id
 */
record HandlerKey(CapabilitySpace space, int id) {

    static HandlerKey of(Capability capability) {
        return new HandlerKey(capability.space(), capability.id());
    }

    @Override
    public String toString() {
        return space.property() + " 0x" + Integer.toHexString(id);
    }
}
