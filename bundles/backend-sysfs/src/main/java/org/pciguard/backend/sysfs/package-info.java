/**
 * The sysfs backend: real PCI functions of a Linux host through {@code /sys/bus/pci/devices}.
 * Config space is read with one positioned read per access at the access's offset and width;
 * nothing is written unless the backend is configured writable. Not exported: the backend is
 * reached as a {@link org.pciguard.api.access.PciBackend} service, or constructed directly by the
 * command line.
 */
package org.pciguard.backend.sysfs;
