package org.pciguard.cap.pm;

import static org.pciguard.api.regs.PciRegs.CAP_LIST_ID;
import static org.pciguard.api.regs.PciRegs.CAP_LIST_NEXT;

import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.Pm;

/**
 * The guest's rights to every bit of the Power Management capability (PM 1.2, 3.2), one line per
 * register with its reason. It follows vfio-pci's table (reference 2.2) with DESIGN.md's rules:
 * <ul>
 * <li>PowerState is virtual and writable, which is how the handler traps the write: the host
 * carries the change out ({@code PowerStateChange}) and the core puts the state the device took
 * into the shadow, so the guest reads the real state, as from vfio, whose PowerState reads through
 * and is not writable while its write hook acts;</li>
 * <li>PME_Support, PME_En and PME_Status are virtual and read 0: guests cannot process PME. The
 * device's PME_Status is RW1C and stays the host's: no read-modify-write of PMCSR writes back the 1
 * it read (difference 1; vfio clears it on a Data_Select write);</li>
 * <li>Data_Select reaches the device; where vfio passes every other PMCSR, bridge-extension and
 * Data bit to the device (read-only there), they are read-only here: unknown means read-only;</li>
 * <li>PMC (but PME_Support), No_Soft_Reset and the bridge extensions are fixed by the spec and
 * served from the open-time snapshot.</li>
 * </ul>
 */
final class PmPermissions {

    /** All bits of a 1-byte register. */
    static final int BYTE = 0xff;
    /** All bits of a 2-byte register. */
    static final int WORD = 0xffff;
    /** PMCSR bits kept in the shadow, reading 0: PME is not given to guests. */
    static final int PME_VIRTUAL = Pm.CTRL_PME_ENABLE | Pm.CTRL_PME_STATUS;

    private PmPermissions() {
    }

    /** The table, the same on every device. */
    static PermissionTable build() {
        return PermissionTable.builder(Pm.SIZEOF)
                .at(CAP_LIST_ID, 1).constant(BYTE).because("capability id, fixed by hardware")
                .at(CAP_LIST_NEXT, 1).virtual(BYTE).because("the core relinks the chain to hide capabilities")
                .at(Pm.PMC, 2).virtual(Pm.CAP_PME_MASK).constant(WORD & ~Pm.CAP_PME_MASK)
                    .because("PME_Support virtual and 0: guests cannot process PME; version, D1/D2 support and aux"
                            + " current fixed by hardware")
                .at(Pm.CTRL, 2).virtual(Pm.CTRL_STATE_MASK | PME_VIRTUAL)
                    .writable(Pm.CTRL_STATE_MASK | Pm.CTRL_DATA_SEL_MASK)
                    .deviceWriteOneToClear(Pm.CTRL_PME_STATUS).constant(Pm.CTRL_NO_SOFT_RESET)
                    .because("PowerState trapped: the host carries the change out and the guest reads the state the"
                            + " device took; PME_En and PME_Status virtual and 0, the device's PME_Status never"
                            + " cleared by the guest; Data_Select on the device; No_Soft_Reset fixed; Data_Scale and"
                            + " reserved bits read through, read-only")
                .at(Pm.PPB_EXTENSIONS, 1).constant(BYTE).because("bridge support extensions, fixed by hardware")
                .at(Pm.DATA_REGISTER, 1).because("reads through what Data_Select chooses; read-only")
                .build();
    }
}
