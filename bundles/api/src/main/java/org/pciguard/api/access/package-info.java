/**
 * The access SPI: how pciguard reaches a physical PCI function.
 * <p>
 * A {@link org.pciguard.api.access.PciBackend} (the simulated backend, or Linux sysfs) enumerates
 * functions and opens a {@link org.pciguard.api.access.PhysicalDevice}: configuration reads and
 * writes at 1, 2 or 4 bytes, BAR descriptions and BAR memory, the resets the function supports,
 * and its interrupt sources. Config space is little-endian everywhere; values are composed
 * explicitly by the backend, never taken from native memory order.
 */
@Export
@Version("1.0.0")
package org.pciguard.api.access;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
