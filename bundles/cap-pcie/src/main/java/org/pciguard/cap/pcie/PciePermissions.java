package org.pciguard.cap.pcie;

import static org.pciguard.api.regs.PciRegs.Exp.DEVCAP;
import static org.pciguard.api.regs.PciRegs.Exp.DEVCAP2;
import static org.pciguard.api.regs.PciRegs.Exp.DEVCTL;
import static org.pciguard.api.regs.PciRegs.Exp.DEVCTL2;
import static org.pciguard.api.regs.PciRegs.Exp.DEVSTA;
import static org.pciguard.api.regs.PciRegs.Exp.DEVSTA2;
import static org.pciguard.api.regs.PciRegs.Exp.FLAGS;
import static org.pciguard.api.regs.PciRegs.Exp.LNKCAP;
import static org.pciguard.api.regs.PciRegs.Exp.LNKCAP2;
import static org.pciguard.api.regs.PciRegs.Exp.LNKCTL;
import static org.pciguard.api.regs.PciRegs.Exp.LNKCTL2;
import static org.pciguard.api.regs.PciRegs.Exp.LNKSTA;
import static org.pciguard.api.regs.PciRegs.Exp.LNKSTA2;
import static org.pciguard.api.regs.PciRegs.Exp.RTCAP;
import static org.pciguard.api.regs.PciRegs.Exp.RTCTL;
import static org.pciguard.api.regs.PciRegs.Exp.RTSTA;
import static org.pciguard.api.regs.PciRegs.Exp.SLTCAP;
import static org.pciguard.api.regs.PciRegs.Exp.SLTCAP2;
import static org.pciguard.api.regs.PciRegs.Exp.SLTCTL;
import static org.pciguard.api.regs.PciRegs.Exp.SLTCTL2;
import static org.pciguard.api.regs.PciRegs.Exp.SLTSTA;
import static org.pciguard.api.regs.PciRegs.Exp.SLTSTA2;

import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.Exp;

/**
 * The guest's rights to every register of the PCI Express capability (PCIe 6.0, 7.5.3), one line
 * per register with its reason. It follows Linux vfio-pci's table (reference 2.9 and 3.8):
 * <ul>
 * <li>Device Control: error reporting enables, relaxed ordering, extended tags, aux power PM and no
 * snoop reach the device; Phantom Functions Enable is read-only (it could confuse the IOMMU);
 * Max_Payload_Size is virtual (a proper MPS needs a system-wide view, the device keeps the
 * host's); Initiate FLR is virtual and always reads 0, and the handler asks the host for the reset;</li>
 * <li>Max_Read_Request_Size is virtual too. vfio programs the guest's value into the device with a
 * floor at the device's MPS; pciguard keeps the host's MRRS on the device and shows the guest the
 * value it wrote. A handler cannot write the device outside the table merge, and the merge would
 * pass the guest's field as is, reserved encodings 110b and 111b included. MRRS only tunes the
 * size of the function's own read requests, so the host's value is always a valid one; a guest
 * that raises it for throughput does not get the larger requests;</li>
 * <li>Device Control 2 reaches the device except ARI Forwarding Enable, which the host sets at
 * probe time;</li>
 * <li>Device Status, the link, slot and root registers are read-only: the guest cannot retrain or
 * disable the link the host owns, nor clear the RW1C status bits. Those are declared device RW1C
 * so that a 4-byte write at Device Control (which covers Device Status) writes 0 to them and
 * never clears them (DESIGN.md difference 1; vfio writes back what it read and clears them).</li>
 * </ul>
 * Registers are listed only as far as the capability's length goes (by version and device/port
 * type, reference 4.2); the link registers only for a function with a link. Capability registers
 * the spec fixes at initialization are constant: served from the open-time snapshot.
 */
final class PciePermissions {

    /** Device Control bits the guest sets on the device: no harm to the host or other functions. */
    static final int DEVCTL_DEVICE = Exp.DEVCTL_CERE | Exp.DEVCTL_NFERE | Exp.DEVCTL_FERE | Exp.DEVCTL_URRE
            | Exp.DEVCTL_RELAX_EN | Exp.DEVCTL_EXT_TAG | Exp.DEVCTL_AUX_PME | Exp.DEVCTL_NOSNOOP_EN;
    /** Device Control sizes kept in the shadow: the device keeps the host's MPS and MRRS. */
    static final int DEVCTL_SIZES = Exp.DEVCTL_PAYLOAD | Exp.DEVCTL_READRQ;
    /** Device Control 2 bits the guest sets on the device: every defined bit but ARI Forwarding Enable. */
    static final int DEVCTL2_DEVICE = Exp.DEVCTL2_COMP_TIMEOUT | Exp.DEVCTL2_COMP_TMOUT_DIS | Exp.DEVCTL2_ATOMIC_REQ
            | Exp.DEVCTL2_ATOMIC_EGRESS_BLOCK | Exp.DEVCTL2_IDO_REQ_EN | Exp.DEVCTL2_IDO_CMP_EN | Exp.DEVCTL2_LTR_EN
            | Exp.DEVCTL2_EMERG_PWR_REDUCTION_REQ | Exp.DEVCTL2_10BIT_TAG_REQ | Exp.DEVCTL2_OBFF_WAKE_EN
            | Exp.DEVCTL2_EE_PREFIX_BLOCK;
    /** PCIe Capabilities fields fixed by hardware; the interrupt message number follows the vectors enabled. */
    static final int FLAGS_FIXED = Exp.FLAGS_VERS | Exp.FLAGS_TYPE | Exp.FLAGS_SLOT;
    /** Device Capabilities fields fixed by hardware; the captured slot power limit changes with the port's message. */
    static final int DEVCAP_FIXED = Exp.DEVCAP_PAYLOAD | Exp.DEVCAP_PHANTOM | Exp.DEVCAP_EXT_TAG | Exp.DEVCAP_L0S
            | Exp.DEVCAP_L1 | Exp.DEVCAP_ATN_BUT | Exp.DEVCAP_ATN_IND | Exp.DEVCAP_PWR_IND | Exp.DEVCAP_RBER
            | Exp.DEVCAP_FLR;
    /** Link Capabilities fields fixed by hardware. */
    static final int LNKCAP_FIXED = Exp.LNKCAP_SLS | Exp.LNKCAP_MLW | Exp.LNKCAP_ASPMS | Exp.LNKCAP_L0SEL
            | Exp.LNKCAP_L1EL | Exp.LNKCAP_CLKPM | Exp.LNKCAP_SDERC | Exp.LNKCAP_DLLLARC | Exp.LNKCAP_LBNC
            | Exp.LNKCAP_PN;
    /** Device Capabilities 2 fields fixed by hardware. */
    static final int DEVCAP2_FIXED = Exp.DEVCAP2_COMP_TMOUT_RANGES | Exp.DEVCAP2_COMP_TMOUT_DIS | Exp.DEVCAP2_ARI
            | Exp.DEVCAP2_ATOMIC_ROUTE | Exp.DEVCAP2_ATOMIC_COMP32 | Exp.DEVCAP2_ATOMIC_COMP64
            | Exp.DEVCAP2_ATOMIC_COMP128 | Exp.DEVCAP2_LTR | Exp.DEVCAP2_OBFF_MASK | Exp.DEVCAP2_EE_PREFIX;
    /** Link Capabilities 2 fields fixed by hardware. */
    static final int LNKCAP2_FIXED = Exp.LNKCAP2_SLS | Exp.LNKCAP2_CROSSLINK;

    /** Capability ID, 8 bits at +0. */
    private static final int CAP_ID = 0;
    private static final int BYTE = 0xff;

    private PciePermissions() {
    }

    /**
     * The table of one device's PCI Express capability.
     *
     * @param length the capability's length (12, 20, 36, 44, 52 or 60 by version and type); a
     *               shorter one (cut short by the end of config space) is read-only
     * @param flags  the PCI Express Capabilities register
     * @param devcap the Device Capabilities register
     */
    static PermissionTable build(int length, int flags, int devcap) {
        if (length < Exp.RC_ENDPOINT_SIZEOF_V1) {
            // Cut short by the end of config space: the core hides such a capability; read-only if shown.
            return PermissionTable.readOnly(length);
        }
        int flr = (devcap & Exp.DEVCAP_FLR) != 0 ? Exp.DEVCTL_BCR_FLR : 0;
        PermissionTable.Builder t = PermissionTable.builder(length)
                .at(CAP_ID, 1).constant(BYTE).because("capability id, fixed; the next pointer is the core's")
                .at(FLAGS, 2).constant(FLAGS_FIXED)
                    .because("version, device/port type and slot fixed by hardware; message number read through")
                .at(DEVCAP, 4).constant(DEVCAP_FIXED)
                    .because("fixed by hardware; captured slot power limit read through")
                .at(DEVCTL, 2).virtual(DEVCTL_SIZES | Exp.DEVCTL_BCR_FLR).writable(DEVCTL_DEVICE | DEVCTL_SIZES | flr)
                    .because("error reporting, ordering, tags, aux power and no snoop reach the device; MPS and"
                            + " MRRS virtual, the device keeps the host's; Initiate FLR virtual, reads 0, the handler"
                            + " asks the host for the reset (writable only with FLR capable); phantom functions"
                            + " read-only: they could confuse the IOMMU")
                .at(DEVSTA, 2).deviceWriteOneToClear(Exp.DEVSTA_RW1C)
                    .because("read-only as in vfio; the error bits are device RW1C the guest may not clear, so a"
                            + " 4-byte write at Device Control leaves them set (difference 1)");
        if (hasLink(flags) && length >= Exp.ENDPOINT_SIZEOF_V1) {
            t.at(LNKCAP, 4).constant(LNKCAP_FIXED).because("fixed by hardware")
                    .at(LNKCTL, 2).because("read-only: ASPM, retraining and link disable act on the host's link")
                    .at(LNKSTA, 2).deviceWriteOneToClear(Exp.LNKSTA_LBMS | Exp.LNKSTA_LABS)
                    .because("read-only; the bandwidth status bits (RW1C in downstream ports) are never cleared");
        }
        if (length >= Exp.SIZEOF_V1) {
            t.at(SLTCAP, 4).because("read-only: the slot is the host's")
                    .at(SLTCTL, 2).because("read-only: hot-plug control is the host's")
                    .at(SLTSTA, 2).deviceWriteOneToClear(Exp.SLTSTA_RW1C)
                    .because("read-only; the hot-plug event bits (RW1C) are never cleared")
                    .at(RTCTL, 2).because("read-only: root error and PME interrupts are the host's")
                    .at(RTCAP, 2).because("read-only")
                    .at(RTSTA, 4).deviceWriteOneToClear(Exp.RTSTA_PME)
                    .because("read-only; PME Status (RW1C) is never cleared");
        }
        if (length >= Exp.RC_ENDPOINT_SIZEOF_V2) {
            t.at(DEVCAP2, 4).constant(DEVCAP2_FIXED).because("fixed by hardware")
                    .at(DEVCTL2, 2).writable(DEVCTL2_DEVICE)
                    .because("reaches the device, except ARI Forwarding Enable, set by the host at probe time")
                    .at(DEVSTA2, 2).because("reserved: read-only");
        }
        if (hasLink(flags) && length >= Exp.ENDPOINT_SIZEOF_V2) {
            t.at(LNKCAP2, 4).constant(LNKCAP2_FIXED).because("fixed by hardware")
                    .at(LNKCTL2, 2).because("read-only: target speed and compliance act on the host's link")
                    .at(LNKSTA2, 2).because("read-only");
        }
        if (length >= Exp.SIZEOF_V2) {
            t.at(SLTCAP2, 4).because("read-only")
                    .at(SLTCTL2, 2).because("reserved: read-only")
                    .at(SLTSTA2, 2).because("reserved: read-only");
        }
        return t.build();
    }

    /** The device/port type of a PCI Express Capabilities value. */
    static int type(int flags) {
        return (flags & Exp.FLAGS_TYPE) >>> Exp.FLAGS_TYPE_SHIFT;
    }

    /** Whether the function has a link (and so link registers): not a Root Complex integrated function. */
    static boolean hasLink(int flags) {
        int type = type(flags);
        return type != Exp.TYPE_RC_END && type != Exp.TYPE_RC_EC;
    }
}
