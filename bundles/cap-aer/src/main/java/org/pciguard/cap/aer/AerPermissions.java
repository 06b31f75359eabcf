package org.pciguard.cap.aer;

import static org.pciguard.api.regs.PciRegs.Err.CAP;
import static org.pciguard.api.regs.PciRegs.Err.COR_MASK;
import static org.pciguard.api.regs.PciRegs.Err.COR_STATUS;
import static org.pciguard.api.regs.PciRegs.Err.HEADER_LOG;
import static org.pciguard.api.regs.PciRegs.Err.HEADER_LOG_SIZE;
import static org.pciguard.api.regs.PciRegs.Err.PREFIX_LOG;
import static org.pciguard.api.regs.PciRegs.Err.PREFIX_SIZEOF;
import static org.pciguard.api.regs.PciRegs.Err.ROOT_COMMAND;
import static org.pciguard.api.regs.PciRegs.Err.ROOT_ERR_SRC;
import static org.pciguard.api.regs.PciRegs.Err.ROOT_SIZEOF;
import static org.pciguard.api.regs.PciRegs.Err.ROOT_STATUS;
import static org.pciguard.api.regs.PciRegs.Err.UNCOR_MASK;
import static org.pciguard.api.regs.PciRegs.Err.UNCOR_SEVER;
import static org.pciguard.api.regs.PciRegs.Err.UNCOR_STATUS;

import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.Err;

/**
 * The guest's rights to every register of Advanced Error Reporting (PCIe 6.0, 7.8.4), one line per
 * register with its reason. It follows Linux vfio-pci's table (reference 2.12): the guest's error
 * handling may clear, mask and grade the errors PCIe 3.0 defines and turn ECRC on; everything else
 * is read-only. Differences:
 * <ul>
 * <li>The status registers are RW1C in hardware, and so they are here: a guest 1 clears a bit of
 * the reference's mask, a 0 leaves it. The error bits newer specifications define (poisoned TLP
 * egress blocked and above) are device RW1C the guest may not clear: a read-modify-write of the
 * register writes 0 to them (DESIGN.md difference 1), where vfio writes back what it read and
 * clears them;</li>
 * <li>vfio's capability ends at Root Error Command (44 bytes), and the root registers and the TLP
 * Prefix Log after it are raw; here they are part of the capability and read-only, with Root Error
 * Status device RW1C the guest may not clear.</li>
 * </ul>
 */
final class AerPermissions {

    /**
     * The uncorrectable errors the guest may clear, mask and grade: those of the reference's mask,
     * the undefined bit 0 (Training Error in PCIe 1.0a) through TLP Prefix Blocked.
     */
    static final int UNCOR_GUEST = Err.UNC_UND | Err.UNC_DLP | Err.UNC_SURPDN | Err.UNC_POISON_TLP | Err.UNC_FCP
            | Err.UNC_COMP_TIME | Err.UNC_COMP_ABORT | Err.UNC_UNX_COMP | Err.UNC_RX_OVER | Err.UNC_MALF_TLP
            | Err.UNC_ECRC | Err.UNC_UNSUP | Err.UNC_ACSV | Err.UNC_INTN | Err.UNC_MCBTLP | Err.UNC_ATOMEG
            | Err.UNC_TLPPRE;
    /** Uncorrectable error bits of newer specifications: RW1C in hardware, never cleared by the guest. */
    static final int UNCOR_NEWER = Err.UNC_DEFINED & ~UNCOR_GUEST;
    /** Every correctable error: the guest may clear and mask them all, as in the reference. */
    static final int COR_GUEST = Err.COR_DEFINED;
    /** The ECRC enables, effective where the function is capable. */
    static final int ECRC_ENABLES = Err.CAP_ECRC_GENE | Err.CAP_ECRC_CHKE;
    /** Advanced Error Capabilities fixed by hardware; the first error pointer follows the status. */
    static final int CAP_FIXED = Err.CAP_ECRC_GENC | Err.CAP_ECRC_CHKC | Err.CAP_MHRC | Err.CAP_PREFIX_LOG_PRESENT;

    /** Extended capability header, 32 bits at +0. */
    private static final int HEADER = 0;
    private static final int DWORD = Integer.BYTES;

    private AerPermissions() {
    }

    /**
     * The table of one device's AER capability.
     *
     * @param length 44, 56 with the root registers (root ports and event collectors), 72 with the
     *               TLP Prefix Log; a shorter capability (cut short by the end of config space) is
     *               read-only
     */
    static PermissionTable build(int length) {
        if (length < Err.SIZEOF) {
            // Cut short by the end of config space: the core hides such a capability; read-only if shown.
            return PermissionTable.readOnly(length);
        }
        PermissionTable.Builder t = PermissionTable.builder(length)
                .at(HEADER, 4).because("the core serves the header virtual read-only, the next pointer relinked")
                .at(UNCOR_STATUS, 4).writeOneToClear(UNCOR_GUEST).deviceWriteOneToClear(UNCOR_NEWER)
                    .because("RW1C: the guest clears the reference's errors; newer ones are never cleared")
                .at(UNCOR_MASK, 4).writable(UNCOR_GUEST).because("the guest's error handling masks errors")
                .at(UNCOR_SEVER, 4).writable(UNCOR_GUEST).because("the guest's error handling grades errors")
                .at(COR_STATUS, 4).writeOneToClear(COR_GUEST).because("RW1C: the guest clears correctable errors")
                .at(COR_MASK, 4).writable(COR_GUEST).because("the guest's error handling masks errors")
                .at(CAP, 4).writable(ECRC_ENABLES).constant(CAP_FIXED)
                    .because("ECRC generation and check enables reach the device; multiple header recording"
                            + " read-only; capabilities fixed; first error pointer read through");
        for (int log = HEADER_LOG; log < HEADER_LOG + HEADER_LOG_SIZE; log += DWORD) {
            t.at(log, 4).because("header log: read-only");
        }
        if (length >= ROOT_SIZEOF) {
            t.at(ROOT_COMMAND, 4).because("read-only: root error interrupts are the host's")
                    .at(ROOT_STATUS, 4).deviceWriteOneToClear(Err.ROOT_STATUS_RW1C)
                    .because("read-only; the received-message bits (RW1C) are never cleared")
                    .at(ROOT_ERR_SRC, 4).because("read-only");
        }
        if (length >= PREFIX_SIZEOF) {
            for (int log = PREFIX_LOG; log < PREFIX_SIZEOF; log += DWORD) {
                t.at(log, 4).because("TLP prefix log: read-only");
            }
        }
        return t.build();
    }
}
