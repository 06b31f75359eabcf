package org.pciguard.walker;

import static org.pciguard.walker.ConfigBytes.u16;
import static org.pciguard.walker.ConfigBytes.u32;
import static org.pciguard.walker.ConfigBytes.u8;

import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Af;
import org.pciguard.api.regs.PciRegs.Exp;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.api.regs.PciRegs.Pm;
import org.pciguard.api.regs.PciRegs.Vpd;
import org.pciguard.walker.CapRegs.Ea;
import org.pciguard.walker.CapRegs.Ht;
import org.pciguard.walker.CapRegs.Pcix;
import org.pciguard.walker.CapRegs.Sata;
import org.pciguard.walker.CapRegs.StdSizes;
import org.pciguard.walker.CapRegs.Vndr;

/**
 * What the walker knows about each standard capability id: its short name, whether the default
 * policy hides it, its version field and its length.
 */
final class StandardCaps {

    /** Returned by {@link #length} when the length cannot be determined. */
    static final int UNKNOWN = -1;
    /** What is owned of a capability of unknown length: its id and next pointer. */
    private static final int HEADER_SIZEOF = 2;

    /** Short names as Linux ({@code PCI_CAP_ID_*}) and lspci use them, indexed by id. */
    private static final String[] NAMES = new String[CapId.MAX + 1];
    /** Ids that vfio-pci's table gives length 0 (reference 2.11); ids above {@link CapId#MAX} too. */
    private static final boolean[] HIDDEN = new boolean[CapId.MAX + 1];

    static {
        NAMES[0] = "NULL";
        NAMES[CapId.PM] = "PM";
        NAMES[CapId.AGP] = "AGP";
        NAMES[CapId.VPD] = "VPD";
        NAMES[CapId.SLOTID] = "SLOTID";
        NAMES[CapId.MSI] = "MSI";
        NAMES[CapId.CHSWP] = "CHSWP";
        NAMES[CapId.PCIX] = "PCI-X";
        NAMES[CapId.HT] = "HT";
        NAMES[CapId.VNDR] = "VNDR";
        NAMES[CapId.DBG] = "DBG";
        NAMES[CapId.CCRC] = "CCRC";
        NAMES[CapId.SHPC] = "SHPC";
        NAMES[CapId.SSVID] = "SSVID";
        NAMES[CapId.AGP3] = "AGP3";
        NAMES[CapId.SECDEV] = "SECDEV";
        NAMES[CapId.EXP] = "EXP";
        NAMES[CapId.MSIX] = "MSI-X";
        NAMES[CapId.SATA] = "SATA";
        NAMES[CapId.AF] = "AF";
        NAMES[CapId.EA] = "EA";

        HIDDEN[0] = true;                // "a NULL capability ... As it has no content, consider it hidden"
        HIDDEN[CapId.SLOTID] = true;     // bridges only
        HIDDEN[CapId.CHSWP] = true;      // CompactPCI slot control belongs to the host
        HIDDEN[CapId.DBG] = true;        // EHCI debug port: a host facility
        HIDDEN[CapId.CCRC] = true;       // CompactPCI central resource control
        HIDDEN[CapId.SHPC] = true;       // hot-plug controller of a bridge
        HIDDEN[CapId.SSVID] = true;      // bridges only
        HIDDEN[CapId.AGP3] = true;       // AGP target bridge
        HIDDEN[CapId.SECDEV] = true;     // the IOMMU's own capability
        HIDDEN[CapId.EA] = true;         // fixed BAR placement the guest must not see as its own
    }

    private StandardCaps() {
    }

    /** The short name of {@code id}; {@code cap-0xNN} for ids without one. */
    static String name(int id) {
        return id <= CapId.MAX ? NAMES[id] : String.format("cap-0x%02x", id);
    }

    /** Whether the default policy hides capability {@code id} from guests. */
    static boolean hidden(int id) {
        return id > CapId.MAX || HIDDEN[id];
    }

    /**
     * What is owned of a capability whose length is unknown: id and next pointer, and for a
     * vendor-specific capability its length byte too.
     */
    static int headerLength(int id) {
        return id == CapId.VNDR ? Vndr.MIN_SIZEOF : HEADER_SIZEOF;
    }

    /** Whether the spec lets {@code id} appear more than once in one function. */
    static boolean mayRepeat(int id) {
        return id == 0 || id == CapId.VNDR || id == CapId.HT || id > CapId.MAX;
    }

    /** The version field of the capability at {@code pos}: PM, PCI-X and PCI Express have one. */
    static int version(byte[] c, int pos, int id) {
        return switch (id) {
            case CapId.PM -> u16(c, pos + Pm.PMC) & Pm.CAP_VER_MASK;
            case CapId.PCIX -> (u16(c, pos + Pcix.CMD) & Pcix.CMD_VERSION_MASK) >>> Pcix.CMD_VERSION_SHIFT;
            case CapId.EXP -> u16(c, pos + Exp.FLAGS) & Exp.FLAGS_VERS;
            default -> 0;
        };
    }

    /**
     * The length of the capability at {@code pos}, from vfio-pci's table and length rules (reference
     * 4.2) and, for the capabilities vfio hides, from their specifications; {@link #UNKNOWN} where no
     * specification fixes it.
     *
     * @param headerType the header layout (0 function, 1 bridge, 2 CardBus)
     */
    static int length(byte[] c, int pos, int id, int headerType) {
        return switch (id) {
            case 0 -> StdSizes.NULL_SIZEOF;
            case CapId.PM -> Pm.SIZEOF;
            case CapId.AGP -> StdSizes.AGP_SIZEOF;
            case CapId.VPD -> Vpd.SIZEOF;
            case CapId.SLOTID -> StdSizes.SLOTID_SIZEOF;
            case CapId.MSI -> msiLength(u16(c, pos + Msi.FLAGS));
            case CapId.CHSWP -> StdSizes.CHSWP_SIZEOF;
            case CapId.PCIX -> pcixLength(version(c, pos, id), headerType == PciRegs.HEADER_TYPE_BRIDGE);
            case CapId.HT -> htLength(u8(c, pos + Ht.CAP_TYPE));
            case CapId.VNDR -> vendorLength(u8(c, pos + Vndr.LEN));
            case CapId.DBG -> StdSizes.DBG_SIZEOF;
            case CapId.SHPC -> StdSizes.SHPC_SIZEOF;
            case CapId.SSVID -> StdSizes.SSVID_SIZEOF;
            case CapId.EXP -> expLength(u16(c, pos + Exp.FLAGS));
            case CapId.MSIX -> Msix.SIZEOF;
            case CapId.SATA -> (u8(c, pos + Sata.REGS) & Sata.REGS_MASK) == Sata.REGS_INLINE
                    ? Sata.SIZEOF_LONG : Sata.SIZEOF_SHORT;
            case CapId.AF -> Af.SIZEOF;
            case CapId.EA -> eaLength(c, pos, headerType == PciRegs.HEADER_TYPE_BRIDGE);
            default -> UNKNOWN; // CCRC, AGP3, SECDEV: no public layout; ids above CapId.MAX
        };
    }

    /** MSI: the four layouts, by 64-bit address and per-vector masking. */
    static int msiLength(int flags) {
        boolean is64 = (flags & Msi.FLAGS_64BIT) != 0;
        if ((flags & Msi.FLAGS_MASKBIT) != 0) {
            return is64 ? Msi.SIZEOF_64_MASK : Msi.SIZEOF_32_MASK;
        }
        return is64 ? Msi.SIZEOF_64 : Msi.SIZEOF_32;
    }

    private static int pcixLength(int version, boolean bridge) {
        if (bridge) {
            return version == 0 ? Pcix.BRIDGE_SIZEOF_V0 : Pcix.BRIDGE_SIZEOF_V1;
        }
        return version == 0 ? Pcix.SIZEOF_V0 : Pcix.SIZEOF_V1;
    }

    /**
     * PCI Express: vfio's endpoint sizes (reference 4.2), and for root and downstream ports (and, in
     * version 1, event collectors) the slot and root registers they also implement.
     */
    static int expLength(int flags) {
        int version = flags & Exp.FLAGS_VERS;
        int type = (flags & Exp.FLAGS_TYPE) >>> Exp.FLAGS_TYPE_SHIFT;
        boolean port = type == Exp.TYPE_ROOT_PORT || type == Exp.TYPE_DOWNSTREAM;
        if (version <= 1) {
            if (type == Exp.TYPE_RC_END) {
                return Exp.RC_ENDPOINT_SIZEOF_V1;
            }
            return port || type == Exp.TYPE_RC_EC ? Exp.SIZEOF_V1 : Exp.ENDPOINT_SIZEOF_V1;
        }
        if (type == Exp.TYPE_RC_END) {
            return Exp.RC_ENDPOINT_SIZEOF_V2;
        }
        return port ? Exp.SIZEOF_V2 : Exp.ENDPOINT_SIZEOF_V2;
    }

    /**
     * HyperTransport: the link interfaces as vfio sizes them, and the fixed block types whose size
     * the HT specification gives; other types (retry mode, Gen3, ...) are unknown.
     */
    private static int htLength(int type) {
        switch (type & Ht.CAP_3BIT_MASK) {
            case Ht.CAPTYPE_SLAVE:
                return Ht.SIZEOF_LONG;
            case Ht.CAPTYPE_HOST:
                return Ht.SIZEOF_SHORT;
            default:
                break;
        }
        return switch (type & Ht.CAP_5BIT_MASK) {
            case Ht.CAPTYPE_IRQ -> Ht.IRQ_SIZEOF;
            case Ht.CAPTYPE_REVISION -> Ht.REVISION_SIZEOF;
            case Ht.CAPTYPE_UNITID_CLUMP -> Ht.UNITID_CLUMP_SIZEOF;
            case Ht.CAPTYPE_EXTCONF -> Ht.EXTCONF_SIZEOF;
            case Ht.CAPTYPE_MSI_MAPPING -> Ht.MSI_MAPPING_SIZEOF;
            default -> UNKNOWN;
        };
    }

    private static int vendorLength(int len) {
        return len >= Vndr.MIN_SIZEOF ? len : UNKNOWN;
    }

    /** Enhanced Allocation: the header (and a bridge's bus numbers), then Num Entries entries of 1 + ES dwords. */
    private static int eaLength(byte[] c, int pos, boolean bridge) {
        int entries = u8(c, pos + Ea.NUM_ENT) & Ea.NUM_ENT_MASK;
        int off = pos + (bridge ? Ea.FIRST_ENT_BRIDGE : Ea.FIRST_ENT);
        for (int i = 0; i < entries && off < PciRegs.CFG_SPACE_SIZE; i++) {
            off += Integer.BYTES * (1 + (u32(c, off) & Ea.ES));
        }
        return off - pos;
    }
}
