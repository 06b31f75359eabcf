package org.pciguard.cap.vpd;

import static org.pciguard.api.regs.PciRegs.CAP_LIST_ID;
import static org.pciguard.api.regs.PciRegs.CAP_LIST_NEXT;

import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.Vpd;

/**
 * The guest's rights to every bit of the VPD capability (PCI 3.0, 6.4), one line per register with
 * its reason, as vfio-pci's table (reference 2.4): the Address (with F) and Data registers are
 * virtual and writable, and the device's registers are only ever driven by the core's handshake
 * ({@code VpdAccess}), never by a guest write.
 */
final class VpdPermissions {

    /** All bits of a 1-byte register. */
    static final int BYTE = 0xff;
    /** All bits of a 2-byte register. */
    static final int WORD = 0xffff;
    /** All bits of a 4-byte register. */
    static final int DWORD = 0xffffffff;

    private VpdPermissions() {
    }

    /** The table, the same on every device. */
    static PermissionTable build() {
        return PermissionTable.builder(Vpd.SIZEOF)
                .at(CAP_LIST_ID, 1).constant(BYTE).because("capability id, fixed by hardware")
                .at(CAP_LIST_NEXT, 1).virtual(BYTE).because("the core relinks the chain to hide capabilities")
                .at(Vpd.ADDR, 2).virtual(WORD).writable(WORD)
                    .because("address and F virtual: the handler bounds the address by the VPD size and the core runs"
                            + " the transfer on the device")
                .at(Vpd.DATA, 4).virtual(DWORD).writable(DWORD)
                    .because("virtual: the four bytes a read brought or a write will store")
                .build();
    }
}
