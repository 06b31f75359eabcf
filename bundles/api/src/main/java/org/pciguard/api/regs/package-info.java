/**
 * PCI register constants, named as in Linux {@code include/uapi/linux/pci_regs.h}
 * ({@code PCI_COMMAND_MEMORY} is {@code PciRegs.Command.MEMORY}). Each constant's javadoc gives
 * its bit position, its access type as the PCI specifications define it (RO, RW, RW1C, HwInit)
 * and the specification section. Composite masks are ORs of named bits.
 */
@Export
@Version("1.0.0")
package org.pciguard.api.regs;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
