package org.pciguard.cap.pwr;

import static org.pciguard.api.regs.PciRegs.Pwr.CAP;
import static org.pciguard.api.regs.PciRegs.Pwr.DATA;
import static org.pciguard.api.regs.PciRegs.Pwr.DSR;

import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.Pwr;

/**
 * The guest's rights to every register of Power Budgeting (PCIe 6.0, 7.8.1), one line per
 * register with its reason.
 * <p>
 * <b>Deliberate difference from vfio-pci.</b> vfio's source says "Writing the data selector is OK,
 * the info is still read-only", but its table makes the first byte of the read-only Data register
 * writable and leaves Data Select read-only (reference 2.13), so a guest can read only the entry
 * the host last selected. pciguard follows the stated intent and the specification: the guest
 * writes Data Select on the device and reads the entry it selected from Data; Data, the budget
 * capability and the reserved bytes are read-only. Selecting an entry changes nothing but what
 * Data reports.
 */
final class PwrPermissions {

    /** Extended capability header, 32 bits at +0. */
    private static final int HEADER = 0;
    /** Data Select, the low byte of the dword at +4; bytes +5..+7 are reserved. */
    private static final int DATA_SELECT = 0xff;

    private PwrPermissions() {
    }

    /**
     * The table of one device's Power Budgeting capability.
     *
     * @param length 16; a shorter capability (cut short by the end of config space) is read-only
     */
    static PermissionTable build(int length) {
        if (length < Pwr.SIZEOF) {
            // Cut short by the end of config space: the core hides such a capability; read-only if shown.
            return PermissionTable.readOnly(length);
        }
        return PermissionTable.builder(length)
                .at(HEADER, 4).because("the core serves the header virtual read-only, the next pointer relinked")
                .at(DSR, 4).writable(DATA_SELECT)
                    .because("Data Select reaches the device: the guest chooses the entry Data reports; reserved"
                            + " bytes read-only (vfio makes the Data byte writable instead, reference 2.13)")
                .at(DATA, 4).because("read-only: the selected entry, as the device reports it")
                .at(CAP, 4).constant(Pwr.CAP_BUDGET).because("System Allocated fixed by hardware; reserved bytes"
                        + " read-only")
                .build();
    }
}
