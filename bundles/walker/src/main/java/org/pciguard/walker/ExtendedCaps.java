package org.pciguard.walker;

import static org.pciguard.walker.ConfigBytes.u16;
import static org.pciguard.walker.ConfigBytes.u32;
import static org.pciguard.walker.ConfigBytes.u8;

import org.pciguard.api.regs.PciRegs.Err;
import org.pciguard.api.regs.PciRegs.Exp;
import org.pciguard.api.regs.PciRegs.ExtCapId;
import org.pciguard.api.regs.PciRegs.Pwr;
import org.pciguard.walker.CapRegs.Acs;
import org.pciguard.walker.CapRegs.Dpa;
import org.pciguard.walker.CapRegs.Dpc;
import org.pciguard.walker.CapRegs.ExtSizes;
import org.pciguard.walker.CapRegs.Mcast;
import org.pciguard.walker.CapRegs.Rcld;
import org.pciguard.walker.CapRegs.Rebar;
import org.pciguard.walker.CapRegs.Tph;
import org.pciguard.walker.CapRegs.Vc;
import org.pciguard.walker.CapRegs.Vsec;

/**
 * What the walker knows about each extended capability id: its short name, whether the default
 * policy hides it and its length.
 */
final class ExtendedCaps {

    /** Returned by {@link #length} when the length cannot be determined. */
    static final int UNKNOWN = -1;

    /** Short names as Linux ({@code PCI_EXT_CAP_ID_*}) and lspci use them, indexed by id. */
    private static final String[] NAMES = new String[ExtCapId.MAX + 1];
    /**
     * Ids vfio-pci exposes (reference 2.12 to 2.14); every other id, and ids above
     * {@link ExtCapId#MAX}, are hidden (reference 2.15).
     */
    private static final boolean[] EXPOSED = new boolean[ExtCapId.MAX + 1];

    static {
        NAMES[0] = "NULL";
        NAMES[ExtCapId.ERR] = "AER";
        NAMES[ExtCapId.VC] = "VC";
        NAMES[ExtCapId.DSN] = "DSN";
        NAMES[ExtCapId.PWR] = "PWR";
        NAMES[ExtCapId.RCLD] = "RCLD";
        NAMES[ExtCapId.RCILC] = "RCILC";
        NAMES[ExtCapId.RCEC] = "RCEC";
        NAMES[ExtCapId.MFVC] = "MFVC";
        NAMES[ExtCapId.VC9] = "VC9";
        NAMES[ExtCapId.RCRB] = "RCRB";
        NAMES[ExtCapId.VNDR] = "VNDR";
        NAMES[ExtCapId.CAC] = "CAC";
        NAMES[ExtCapId.ACS] = "ACS";
        NAMES[ExtCapId.ARI] = "ARI";
        NAMES[ExtCapId.ATS] = "ATS";
        NAMES[ExtCapId.SRIOV] = "SR-IOV";
        NAMES[ExtCapId.MRIOV] = "MR-IOV";
        NAMES[ExtCapId.MCAST] = "MCAST";
        NAMES[ExtCapId.PRI] = "PRI";
        NAMES[ExtCapId.AMD_XXX] = "AMD_XXX";
        NAMES[ExtCapId.REBAR] = "REBAR";
        NAMES[ExtCapId.DPA] = "DPA";
        NAMES[ExtCapId.TPH] = "TPH";
        NAMES[ExtCapId.LTR] = "LTR";
        NAMES[ExtCapId.SECPCI] = "SECPCI";
        NAMES[ExtCapId.PMUX] = "PMUX";
        NAMES[ExtCapId.PASID] = "PASID";
        NAMES[ExtCapId.LNR] = "LNR";
        NAMES[ExtCapId.DPC] = "DPC";
        NAMES[ExtCapId.L1SS] = "L1SS";
        NAMES[ExtCapId.PTM] = "PTM";
        NAMES[ExtCapId.MPHY] = "MPHY";
        NAMES[ExtCapId.FRSQ] = "FRSQ";
        NAMES[ExtCapId.RTR] = "RTR";
        NAMES[ExtCapId.DVSEC] = "DVSEC";
        NAMES[ExtCapId.VF_REBAR] = "VF_REBAR";
        NAMES[ExtCapId.DLF] = "DLF";
        NAMES[ExtCapId.PL_16GT] = "PL_16GT";
        NAMES[ExtCapId.LMR] = "LMR";
        NAMES[ExtCapId.HIER_ID] = "HIER_ID";
        NAMES[ExtCapId.NPEM] = "NPEM";
        NAMES[ExtCapId.PL_32GT] = "PL_32GT";
        NAMES[ExtCapId.AP] = "AP";
        NAMES[ExtCapId.SFI] = "SFI";
        NAMES[ExtCapId.SF] = "SF";
        NAMES[ExtCapId.DOE] = "DOE";
        NAMES[ExtCapId.DEV3] = "DEV3";
        NAMES[ExtCapId.IDE] = "IDE";
        NAMES[ExtCapId.PL_64GT] = "PL_64GT";

        EXPOSED[ExtCapId.ERR] = true;    // virtualized error reporting (2.12)
        EXPOSED[ExtCapId.VC] = true;     // read-only (2.14)
        EXPOSED[ExtCapId.DSN] = true;    // read-only
        EXPOSED[ExtCapId.PWR] = true;    // power budgeting (2.13)
        EXPOSED[ExtCapId.MFVC] = true;   // read-only
        EXPOSED[ExtCapId.VC9] = true;    // read-only
        EXPOSED[ExtCapId.VNDR] = true;   // raw: the vendor's driver needs it
        EXPOSED[ExtCapId.ACS] = true;    // read-only
        EXPOSED[ExtCapId.ARI] = true;    // read-only
        EXPOSED[ExtCapId.ATS] = true;    // read-only: the guest cannot enable ATS
        EXPOSED[ExtCapId.SRIOV] = true;  // read-only: no VFs through config space
        EXPOSED[ExtCapId.MCAST] = true;  // read-only
        EXPOSED[ExtCapId.PRI] = true;    // read-only
        EXPOSED[ExtCapId.REBAR] = true;  // read-only: not resizable by the guest
        EXPOSED[ExtCapId.DPA] = true;    // read-only
        EXPOSED[ExtCapId.TPH] = true;    // read-only
        EXPOSED[ExtCapId.LTR] = true;    // read-only
        EXPOSED[ExtCapId.DVSEC] = true;  // raw, like VNDR
    }

    private ExtendedCaps() {
    }

    /** The short name of {@code id}; {@code ecap-0xNNNN} for ids without one. */
    static String name(int id) {
        return id <= ExtCapId.MAX ? NAMES[id] : String.format("ecap-0x%04x", id);
    }

    /** Whether the default policy hides extended capability {@code id} from guests. */
    static boolean hidden(int id) {
        return id > ExtCapId.MAX || !EXPOSED[id];
    }

    /**
     * Whether the spec lets {@code id} appear more than once in one function: vendor-specific ones,
     * DOE mailboxes (a function may have several), the Null capability and ids the walker does not know.
     */
    static boolean mayRepeat(int id) {
        return id == 0 || id == ExtCapId.VNDR || id == ExtCapId.DVSEC || id == ExtCapId.DOE || id > ExtCapId.MAX;
    }

    /**
     * The length of the extended capability at {@code pos}: vfio-pci's table and rules (reference
     * 4.2) and, for capabilities vfio hides, their specification; {@link #UNKNOWN} where no
     * specification the walker knows fixes it.
     *
     * @param version  the capability version from its header
     * @param expType  the PCI Express device/port type, -1 without a PCI Express capability
     * @param lanes    the maximum link width from Link Capabilities, -1 when unknown
     * @param eePrefix the function supports End-End TLP Prefixes (Device Capabilities 2)
     */
    static int length(byte[] c, int pos, int id, int version, int expType, int lanes, boolean eePrefix) {
        boolean rootOrCollector = expType == Exp.TYPE_ROOT_PORT || expType == Exp.TYPE_RC_EC;
        boolean switchOrRoot = expType == Exp.TYPE_ROOT_PORT || expType == Exp.TYPE_UPSTREAM
                || expType == Exp.TYPE_DOWNSTREAM;
        return switch (id) {
            case 0 -> ExtSizes.HEADER_SIZEOF;
            case ExtCapId.ERR -> eePrefix ? Err.PREFIX_SIZEOF : rootOrCollector ? Err.ROOT_SIZEOF : Err.SIZEOF;
            case ExtCapId.VC, ExtCapId.VC9, ExtCapId.MFVC -> vcLength(c, pos);
            case ExtCapId.DSN -> ExtSizes.DSN_SIZEOF;
            case ExtCapId.PWR -> Pwr.SIZEOF;
            case ExtCapId.RCLD -> Rcld.BASE_SIZEOF + Rcld.LINK_SIZEOF
                    * ((u16(c, pos + Rcld.SELF_DESC) & Rcld.SELF_DESC_LINKS_MASK) >>> Rcld.SELF_DESC_LINKS_SHIFT);
            case ExtCapId.RCILC -> ExtSizes.RCILC_SIZEOF;
            case ExtCapId.RCEC -> version >= 2 ? ExtSizes.RCEC_SIZEOF_V2 : ExtSizes.RCEC_SIZEOF_V1;
            case ExtCapId.RCRB -> ExtSizes.RCRB_SIZEOF;
            case ExtCapId.VNDR -> atLeast(vsecLength(c, pos), Vsec.MIN_SIZEOF);
            case ExtCapId.ACS -> acsLength(c, pos);
            case ExtCapId.ARI -> ExtSizes.ARI_SIZEOF;
            case ExtCapId.ATS -> ExtSizes.ATS_SIZEOF;
            case ExtCapId.SRIOV -> ExtSizes.SRIOV_SIZEOF;
            case ExtCapId.MCAST -> switchOrRoot ? Mcast.PORT_SIZEOF : Mcast.ENDPOINT_SIZEOF;
            case ExtCapId.PRI -> ExtSizes.PRI_SIZEOF;
            case ExtCapId.REBAR, ExtCapId.VF_REBAR -> rebarLength(c, pos);
            case ExtCapId.DPA -> Dpa.BASE_SIZEOF + (u8(c, pos + Dpa.CAP) & Dpa.CAP_SUBSTATE_MASK) + 1;
            case ExtCapId.TPH -> tphLength(u32(c, pos + Tph.CAP));
            case ExtCapId.LTR -> ExtSizes.LTR_SIZEOF;
            case ExtCapId.SECPCI -> perLane(ExtSizes.SECPCI_BASE_SIZEOF, ExtSizes.SECPCI_LANE_SIZEOF, lanes);
            case ExtCapId.PASID -> ExtSizes.PASID_SIZEOF;
            case ExtCapId.LNR -> ExtSizes.LNR_SIZEOF;
            case ExtCapId.DPC -> dpcLength(u16(c, pos + Dpc.CAP));
            case ExtCapId.L1SS -> ExtSizes.L1SS_SIZEOF;
            case ExtCapId.PTM -> ExtSizes.PTM_SIZEOF;
            case ExtCapId.RTR -> ExtSizes.RTR_SIZEOF;
            case ExtCapId.DVSEC -> atLeast(vsecLength(c, pos), Vsec.DVSEC_MIN_SIZEOF);
            case ExtCapId.DLF -> ExtSizes.DLF_SIZEOF;
            case ExtCapId.PL_16GT, ExtCapId.PL_32GT -> perLane(ExtSizes.PL_BASE_SIZEOF, 1, lanes);
            case ExtCapId.LMR -> perLane(ExtSizes.LMR_BASE_SIZEOF, ExtSizes.LMR_LANE_SIZEOF, lanes);
            case ExtCapId.NPEM -> ExtSizes.NPEM_SIZEOF;
            case ExtCapId.DOE -> ExtSizes.DOE_SIZEOF;
            case ExtCapId.DEV3 -> ExtSizes.DEV3_SIZEOF;
            // CAC, MR-IOV, AMD_XXX, PMUX, MPHY, FRSQ, HIER_ID, AP, SFI, SF, IDE, PL_64GT, unknown ids
            default -> UNKNOWN;
        };
    }

    private static int atLeast(int len, int min) {
        return len >= min ? len : UNKNOWN;
    }

    /** The VSEC / DVSEC length field, bits 31:20 of the dword at +4. */
    private static int vsecLength(byte[] c, int pos) {
        return (u32(c, pos + Vsec.HEADER) >>> Vsec.LEN_SHIFT) & Vsec.LEN_MASK;
    }

    /** Resizable BAR: the header and a capability/control pair per BAR; 0 BARs is out of specification. */
    static int rebarLength(byte[] c, int pos) {
        int bars = (u8(c, pos + Rebar.CTRL) & Rebar.CTRL_NBAR_MASK) >>> Rebar.CTRL_NBAR_SHIFT;
        return bars == 0 ? UNKNOWN : Integer.BYTES + Rebar.ENTRY_SIZEOF * bars;
    }

    /** A fixed part followed by a register per lane, rounded up to whole dwords. */
    private static int perLane(int base, int perLane, int lanes) {
        return lanes < 0 ? UNKNOWN : roundUp(base + perLane * lanes, Integer.BYTES);
    }

    /**
     * VC, VC9, MFVC as vfio sizes them: the port registers, one resource per VC, and the VC
     * arbitration table after a 16-byte boundary (port arbitration tables are not counted).
     */
    static int vcLength(byte[] c, int pos) {
        int evcc = u32(c, pos + Vc.PORT_CAP1) & Vc.CAP1_EVCC;
        int len = Vc.RES_CAP + (1 + evcc) * Vc.RES_SIZEOF;
        int arb = u32(c, pos + Vc.PORT_CAP2);
        int phases = (arb & Vc.CAP2_128_PHASE) != 0 ? 128
                : (arb & Vc.CAP2_64_PHASE) != 0 ? 64
                : (arb & Vc.CAP2_32_PHASE) != 0 ? 32 : 0;
        if (phases != 0) {
            len = roundUp(len, Vc.ARB_TABLE_ALIGN) + phases * Vc.ARB_BITS_PER_PHASE / Byte.SIZE;
        }
        return len;
    }

    /** ACS: 8 bytes, plus the egress control vector when Egress Control is implemented. */
    static int acsLength(byte[] c, int pos) {
        if ((u8(c, pos + Acs.CAP) & Acs.CAP_EC) == 0) {
            return Acs.SIZEOF;
        }
        int bits = u8(c, pos + Acs.EGRESS_BITS);
        bits = bits == 0 ? Acs.EGRESS_BITS_MAX : roundUp(bits, Acs.EGRESS_BITS_ALIGN);
        return Acs.SIZEOF + bits / Byte.SIZE;
    }

    /** TPH: 12 bytes, plus the ST table when it is located in the capability. */
    static int tphLength(int cap) {
        if ((cap & Tph.CAP_LOC_MASK) != Tph.LOC_CAP) {
            return Tph.BASE_SIZEOF;
        }
        int entries = ((cap & Tph.CAP_ST_MASK) >>> Tph.CAP_ST_SHIFT) + 1;
        return Tph.BASE_SIZEOF + Tph.ST_ENTRY_SIZEOF * entries;
    }

    /** DPC: 12 bytes; root ports with RP Extensions add the RP PIO registers and their log. */
    static int dpcLength(int cap) {
        if ((cap & Dpc.CAP_RP_EXT) == 0) {
            return Dpc.SIZEOF;
        }
        int logDwords = (cap & Dpc.CAP_RP_PIO_LOG_SIZE) >>> Dpc.CAP_RP_PIO_LOG_SIZE_SHIFT;
        if ((cap & Dpc.CAP_RP_PIO_LOG_SIZE4) != 0) {
            logDwords += Dpc.RP_PIO_LOG_SIZE4_DWORDS;
        }
        return Dpc.RP_PIO_HEADER_LOG + Integer.BYTES * Math.max(logDwords, Dpc.RP_PIO_LOG_MIN_DWORDS);
    }

    private static int roundUp(int value, int align) {
        return (value + align - 1) / align * align;
    }
}
