package org.pciguard.cap.af;

import static org.pciguard.api.regs.PciRegs.CAP_LIST_ID;
import static org.pciguard.api.regs.PciRegs.CAP_LIST_NEXT;

import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.Af;

/**
 * The guest's rights to every bit of the Advanced Features capability (PCI AF ECN), one line per
 * register with its reason, as vfio-pci's table (reference 2.10): Initiate FLR is virtual and
 * writable, and the handler turns it into a reset; everything else is read-only. Length,
 * capabilities and the id are fixed by the spec and served from the open-time snapshot.
 */
final class AfPermissions {

    /** All bits of a 1-byte register. */
    static final int BYTE = 0xff;

    private AfPermissions() {
    }

    /** The table, the same on every device. */
    static PermissionTable build() {
        return PermissionTable.builder(Af.SIZEOF)
                .at(CAP_LIST_ID, 1).constant(BYTE).because("capability id, fixed by hardware")
                .at(CAP_LIST_NEXT, 1).virtual(BYTE).because("the core relinks the chain to hide capabilities")
                .at(Af.LENGTH, 1).constant(BYTE).because("structure length, fixed by hardware")
                .at(Af.CAP, 1).constant(BYTE).because("Transactions Pending and FLR support, fixed by hardware")
                .at(Af.CTRL, 1).virtual(Af.CTRL_FLR).writable(Af.CTRL_FLR)
                    .because("Initiate FLR virtual: the handler asks the host for the reset and the bit reads 0;"
                            + " reserved bits read-only")
                .at(Af.STATUS, 1).because("Transactions Pending reads through; read-only")
                .build();
    }
}
