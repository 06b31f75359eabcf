package org.pciguard.cap.msix;

import static org.pciguard.api.regs.PciRegs.CAP_LIST_ID;
import static org.pciguard.api.regs.PciRegs.CAP_LIST_NEXT;

import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.Msix;

/**
 * The guest's rights to every bit of the MSI-X capability (PCI 3.0, 6.8.2), one line per register
 * with its reason. vfio-pci serves it read-only from the device and enables MSI-X itself through an
 * ioctl (reference 2.7); pciguard gives the guest Enable and Function Mask as virtual writable bits
 * (DESIGN.md difference 3) and reports them to the interrupt router. The table and PBA they refer to
 * are emulated in BAR space by {@link MsixHandler}; their locations and the table size are fixed by
 * hardware and served from the open-time snapshot.
 */
final class MsixPermissions {

    /** All bits of a 1-byte register. */
    static final int BYTE = 0xff;
    /** All bits of a 4-byte register. */
    static final int DWORD = 0xffffffff;

    /** Message Control bits the guest owns, kept in the shadow. */
    static final int FLAGS_GUEST = Msix.FLAGS_ENABLE | Msix.FLAGS_MASKALL;

    private MsixPermissions() {
    }

    /** The permission table of an MSI-X capability (the same on every function). */
    static PermissionTable build() {
        return PermissionTable.builder(Msix.SIZEOF)
                .at(CAP_LIST_ID, 1).constant(BYTE).because("capability id, fixed by hardware")
                .at(CAP_LIST_NEXT, 1).virtual(BYTE).because("the core relinks the chain to hide capabilities")
                .at(Msix.FLAGS, 2).virtual(FLAGS_GUEST).writable(FLAGS_GUEST)
                    .constant(Msix.FLAGS_QSIZE | Msix.FLAGS_RESERVED)
                    .because("Enable and Function Mask virtual (difference 3): the router delivers from the"
                            + " emulated table, the device's MSI-X stays the host's; Table Size fixed by hardware")
                .at(Msix.TABLE, 4).constant(DWORD)
                    .because("Table BIR and Offset fixed by hardware; the guest reaches the emulated table there")
                .at(Msix.PBA, 4).constant(DWORD)
                    .because("PBA BIR and Offset fixed by hardware; the guest reaches the emulated PBA there")
                .build();
    }
}
