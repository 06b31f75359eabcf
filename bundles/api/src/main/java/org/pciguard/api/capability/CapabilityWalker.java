package org.pciguard.api.capability;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Finds the capabilities of a configuration space. A pure function: no device access, no state;
 * malformed input yields a map with anomalies, never an exception or an endless walk.
 */
@ProviderType
public interface CapabilityWalker {

    /**
     * Walks the standard chain (from the Capabilities Pointer at 0x34, if Status says there is a
     * list; at most 48 steps, low two pointer bits masked) and, when {@code config} is longer
     * than 256 bytes, the extended chain (from 0x100; at most (4096-256)/8 steps).
     *
     * @param config the configuration bytes, 64, 256 or 4096 of them (other lengths are walked as
     *               far as they reach, with a {@link AnomalyKind#TRUNCATED} anomaly)
     * @return the map; never null
     */
    CapabilityMap walk(byte[] config);
}
