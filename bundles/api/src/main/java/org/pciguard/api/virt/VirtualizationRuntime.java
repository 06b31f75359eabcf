package org.pciguard.api.virt;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.virt.dto.RuntimeDTO;

/**
 * Opens physical functions for guests and reports the state of every open virtual device. The
 * service carries {@code service.changecount}, raised whenever the state a
 * {@link #snapshot()} reports changes (a device opened or closed, a handler bound, shadowed or
 * quarantined).
 */
@ProviderType
public interface VirtualizationRuntime {

    /**
     * Opens a virtual device with the options configured for its address (the default policy
     * where none are configured). The device is fully built before this returns.
     *
     * @throws PciAccessException when the function cannot be passed through (a bridge or CardBus
     *                            header, a device already open, a failing backend)
     */
    VirtualDevice open(PhysicalDevice device);

    /** Opens a virtual device with explicit options; see {@link #open(PhysicalDevice)}. */
    VirtualDevice open(PhysicalDevice device, DeviceOptions options);

    /** The open virtual device for an address, if any. */
    Optional<VirtualDevice> device(PciAddress address);

    /** A snapshot of every open device, its capabilities and handlers, and every handler service. */
    RuntimeDTO snapshot();
}
