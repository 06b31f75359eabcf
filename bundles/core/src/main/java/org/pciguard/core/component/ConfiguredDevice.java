package org.pciguard.core.component;

import org.pciguard.api.access.PciAddress;
import org.pciguard.api.virt.DeviceOptions;

/** A device's configured options, as a service of this bundle only (one per factory configuration). */
public interface ConfiguredDevice {

    /** Factory PID of the device configurations. */
    String FACTORY_PID = "org.pciguard.device";

    /** The function configured. */
    PciAddress address();

    /** Its options. */
    DeviceOptions options();
}
