package org.pciguard.api.access;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.pciguard.api.access.dto.DeviceDTO;

/**
 * A source of physical PCI functions: the simulated backend (dumps of real devices) or Linux
 * sysfs. Registered as an OSGi service with {@link #NAME_PROPERTY}.
 */
@ProviderType
public interface PciBackend {

    /** Service property naming the backend: {@code sim} or {@code sysfs}. */
    String NAME_PROPERTY = "pciguard.backend";

    /** The backend's name, the value of {@link #NAME_PROPERTY}. */
    String name();

    /** The functions this backend offers, in address order. */
    List<DeviceDTO> devices();

    /**
     * Opens one function.
     *
     * @throws PciAccessException naming the address when there is no such function or it cannot
     *                            be opened
     */
    PhysicalDevice open(PciAddress address);
}
