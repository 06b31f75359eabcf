package org.pciguard.walker;

import org.osgi.service.component.annotations.Component;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilityWalker;

/**
 * The capability walker: a pure function from configuration bytes to a {@link CapabilityMap}.
 * <p>
 * The standard chain is walked when Status has Capabilities List, from the Capabilities Pointer
 * (0x34, or 0x14 for a CardBus bridge), at most 48 steps with a visited set. The extended chain is
 * walked from 0x100 when more than 256 bytes are given; it is listed only for a function with a PCI
 * Express or PCI-X capability (others have no extended config space, as Linux and lspci decide), but
 * followed for every function so a broken chain is reported. Lengths follow vfio-pci's rules, and
 * the specifications for the capabilities vfio hides; {@code hiddenByDefault} follows vfio's tables.
 * Malformed input of any length yields a map with anomalies, never an exception or an endless walk.
 * <p>
 * A DS component, and plain Java too: {@code new DefaultCapabilityWalker().walk(bytes)}.
 */
@Component(service = CapabilityWalker.class)
public final class DefaultCapabilityWalker implements CapabilityWalker {

    /** The walker has no configuration and no state. */
    public DefaultCapabilityWalker() {
    }

    /** {@inheritDoc} A null array is walked as an empty one. */
    @Override
    public CapabilityMap walk(byte[] config) {
        return new ConfigWalk(config == null ? new byte[0] : config).run();
    }
}
