package org.pciguard.backend.sim.internal;

import static org.pciguard.api.regs.PciRegs.BIST;
import static org.pciguard.api.regs.PciRegs.BRIDGE_CONTROL;
import static org.pciguard.api.regs.PciRegs.CACHE_LINE_SIZE;
import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.api.regs.PciRegs.INTERRUPT_LINE;
import static org.pciguard.api.regs.PciRegs.IO_BASE;
import static org.pciguard.api.regs.PciRegs.IO_BASE_UPPER16;
import static org.pciguard.api.regs.PciRegs.IO_LIMIT;
import static org.pciguard.api.regs.PciRegs.IO_LIMIT_UPPER16;
import static org.pciguard.api.regs.PciRegs.LATENCY_TIMER;
import static org.pciguard.api.regs.PciRegs.MEMORY_BASE;
import static org.pciguard.api.regs.PciRegs.MEMORY_LIMIT;
import static org.pciguard.api.regs.PciRegs.PREF_BASE_UPPER32;
import static org.pciguard.api.regs.PciRegs.PREF_LIMIT_UPPER32;
import static org.pciguard.api.regs.PciRegs.PREF_MEMORY_BASE;
import static org.pciguard.api.regs.PciRegs.PREF_MEMORY_LIMIT;
import static org.pciguard.api.regs.PciRegs.PRIMARY_BUS;
import static org.pciguard.api.regs.PciRegs.SECONDARY_BUS;
import static org.pciguard.api.regs.PciRegs.SEC_LATENCY_TIMER;
import static org.pciguard.api.regs.PciRegs.SEC_STATUS;
import static org.pciguard.api.regs.PciRegs.STATUS;
import static org.pciguard.api.regs.PciRegs.SUBORDINATE_BUS;

import java.util.Arrays;
import java.util.List;

import org.pciguard.api.access.BarInfo;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.Af;
import org.pciguard.api.regs.PciRegs.BaseAddress;
import org.pciguard.api.regs.PciRegs.BridgeControl;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Err;
import org.pciguard.api.regs.PciRegs.Exp;
import org.pciguard.api.regs.PciRegs.ExtCapId;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.api.regs.PciRegs.Pm;
import org.pciguard.api.regs.PciRegs.Pwr;
import org.pciguard.api.regs.PciRegs.Status;
import org.pciguard.api.regs.PciRegs.Vpd;

/**
 * The hardware write semantics of one function, per byte as QEMU keeps them: {@link #wmask} (a
 * write changes the bit) and {@link #w1cmask} (writing 1 clears the bit); every other bit is
 * read-only. Built by one small routine per register block, one line per register with its reason,
 * from the named constants of {@link PciRegs}.
 * <p>
 * Every byte starts read-write: bytes outside the header and every capability are device-specific
 * registers, and a write that leaks through to them stays visible. The header and each capability
 * the model knows are then claimed read-only as a whole and their writable bits opened one by one.
 * Capabilities the model does not know keep only their header read-only, so the chain cannot be
 * rewritten, and their body behaves like device-specific registers.
 */
public final class RegisterMasks {

    private static final int ALL8 = 0xff;
    private static final int ALL16 = 0xffff;
    private static final int ALL32 = 0xffffffff;
    /** Standard capability header: id and next pointer. */
    private static final int STD_CAP_HEADER = 2;
    /** Extended capability header: one dword of id, version and next pointer. */
    private static final int EXT_CAP_HEADER = 4;

    /** Bit set: a write stores the written bit. */
    final byte[] wmask;
    /** Bit set: writing 1 clears the bit (RW1C). */
    final byte[] w1cmask;
    private final byte[] cfg;
    private final int size;
    /** End of the region the current routine may mark: the standard space for standard capabilities. */
    private int limit;

    private RegisterMasks(byte[] image) {
        this.cfg = image;
        this.size = image.length;
        this.limit = size;
        this.wmask = new byte[size];
        this.w1cmask = new byte[size];
        Arrays.fill(wmask, (byte) ALL8);
    }

    /**
     * Builds the masks of a function.
     *
     * @param image the power-on configuration bytes
     * @param bars  the implemented BARs and ROM with their sizes
     * @param caps  the capabilities found in the image
     */
    public static RegisterMasks build(byte[] image, List<BarInfo> bars, List<CapabilityScan.Cap> caps) {
        RegisterMasks m = new RegisterMasks(image);
        int type = HeaderLayout.headerType(image);
        int exp = CapabilityScan.find(caps, CapId.EXP, false);
        int expType = exp < 0 ? -1 : m.expType(exp);
        boolean pcie = exp >= 0;
        m.header(type, pcie);
        for (BarInfo bar : bars) {
            m.bar(bar, HeaderLayout.register(type, bar.index()));
        }
        if (image.length >= PciRegs.CFG_SPACE_EXP_SIZE) {
            m.readOnly(PciRegs.CFG_SPACE_SIZE, EXT_CAP_HEADER); // first extended header: RO even where no capability is there
        }
        for (CapabilityScan.Cap cap : caps) {
            m.limit = cap.extended() ? m.size : Math.min(m.size, PciRegs.CFG_SPACE_SIZE); // a standard capability ends at 0xff
            boolean first = CapabilityScan.find(caps, cap.id(), cap.extended()) == cap.offset();
            if (!first || !(cap.extended() ? m.extended(cap.id(), cap.offset(), expType) : m.standard(cap.id(), cap.offset()))) {
                m.readOnly(cap.offset(), cap.extended() ? EXT_CAP_HEADER : STD_CAP_HEADER); // unknown: header RO
            }
        }
        return m;
    }

    private boolean standard(int id, int off) {
        switch (id) {
            case CapId.PM:
                pm(off);
                return true;
            case CapId.VPD:
                vpd(off);
                return true;
            case CapId.MSI:
                msi(off);
                return true;
            case CapId.EXP:
                exp(off);
                return true;
            case CapId.MSIX:
                msix(off);
                return true;
            case CapId.AF:
                af(off);
                return true;
            default:
                return false;
        }
    }

    private boolean extended(int id, int off, int expType) {
        switch (id) {
            case ExtCapId.ERR:
                aer(off, expType == Exp.TYPE_ROOT_PORT || expType == Exp.TYPE_RC_EC);
                return true;
            case ExtCapId.PWR:
                pwr(off);
                return true;
            default:
                return false;
        }
    }

    // ---- header ------------------------------------------------------------------------------

    private void header(int type, boolean pcie) {
        readOnly(0, PciRegs.STD_HEADER_SIZEOF); // IDs, class, header type, subsystem, pointers: RO; BARs opened below
        int command = Command.IO | Command.MEMORY | Command.MASTER | Command.PARITY | Command.SERR | Command.INTX_DISABLE;
        rw(COMMAND, 2, command); // decode enables, bus master, error responses, INTx Disable: RW (PCI 3.0, 6.2.2)
        if (!pcie) {
            rw(COMMAND, 2, Command.INVALIDATE | Command.VGA_PALETTE | Command.FAST_BACK); // conventional only; RO 0 on PCIe (PCIe 6.0, 7.5.1.1.3)
        }
        rw1c(STATUS, 2, Status.RW1C); // error bits RW1C; INTx status, capability list, speed bits RO (PCI 3.0, 6.2.3)
        rw(CACHE_LINE_SIZE, 1, ALL8); // RW; no effect on PCIe
        if (!pcie) {
            rw(LATENCY_TIMER, 1, ALL8); // RW on conventional PCI; RO 0 on PCIe (PCIe 6.0, 7.5.1.1.6)
        }
        readOnly(BIST, 1); // RO: no self-test engine; a capable function would finish at once with code 0
        rw(INTERRUPT_LINE, 1, ALL8); // RW: written by software for software
        if (type == PciRegs.HEADER_TYPE_BRIDGE) {
            bridge(pcie);
        }
        // CardBus (type 2): the rest of its header stays RO; sockets and windows are not simulated
    }

    private void bridge(boolean pcie) {
        rw(PRIMARY_BUS, 1, ALL8); // bus numbers: RW
        rw(SECONDARY_BUS, 1, ALL8); // RW
        rw(SUBORDINATE_BUS, 1, ALL8); // RW
        if (!pcie) {
            rw(SEC_LATENCY_TIMER, 1, ALL8); // RW on conventional PCI; RO 0 on PCIe
        }
        rw(IO_BASE, 1, PciRegs.IO_RANGE_MASK); // address bits 15:12 RW; addressing capability RO
        rw(IO_LIMIT, 1, PciRegs.IO_RANGE_MASK); // same
        rw1c(SEC_STATUS, 2, Status.RW1C); // secondary-bus error bits RW1C
        rw(MEMORY_BASE, 2, PciRegs.MEMORY_RANGE_MASK); // address bits 31:20 RW
        rw(MEMORY_LIMIT, 2, PciRegs.MEMORY_RANGE_MASK); // same
        rw(PREF_MEMORY_BASE, 2, PciRegs.MEMORY_RANGE_MASK); // address bits 31:20 RW; capability RO
        rw(PREF_MEMORY_LIMIT, 2, PciRegs.MEMORY_RANGE_MASK); // same
        if ((cfg8(PREF_MEMORY_BASE) & PciRegs.PREF_RANGE_TYPE_MASK) == PciRegs.PREF_RANGE_TYPE_64) {
            rw(PREF_BASE_UPPER32, 4, ALL32); // upper address: RW for a 64-bit window only
            rw(PREF_LIMIT_UPPER32, 4, ALL32); // same
        }
        if ((cfg8(IO_BASE) & PciRegs.IO_RANGE_TYPE_MASK) == PciRegs.IO_RANGE_TYPE_32) {
            rw(IO_BASE_UPPER16, 2, ALL16); // upper I/O address: RW for 32-bit I/O only
            rw(IO_LIMIT_UPPER16, 2, ALL16); // same
        }
        int control = BridgeControl.PARITY | BridgeControl.SERR | BridgeControl.ISA | BridgeControl.VGA
                | BridgeControl.VGA_16BIT | BridgeControl.BUS_RESET;
        rw(BRIDGE_CONTROL, 2, control); // forwarding and reset controls: RW
        if (!pcie) {
            rw(BRIDGE_CONTROL, 2, BridgeControl.MASTER_ABORT | BridgeControl.FAST_BACK); // conventional only; RO 0 on PCIe
        }
    }

    private void bar(BarInfo bar, int reg) {
        long sizeMask = ~(bar.size() - 1);
        switch (bar.kind()) {
            case IO:
                rw(reg, 4, (int) sizeMask & BaseAddress.IO_MASK); // address bits above the size RW; space bit RO
                break;
            case MEMORY32:
                rw(reg, 4, (int) sizeMask & BaseAddress.MEM_MASK); // address bits above the size RW; type, prefetch RO
                break;
            case MEMORY64:
                rw(reg, 4, (int) sizeMask & BaseAddress.MEM_MASK); // low half: as a 32-bit BAR
                rw(reg + 4, 4, (int) (sizeMask >>> 32)); // upper half: address bits above the size RW
                break;
            case ROM:
                rw(reg, 4, ((int) sizeMask & PciRegs.ROM_ADDRESS_MASK) | PciRegs.ROM_ADDRESS_ENABLE); // address above the size and enable RW
                break;
            default:
                throw new IllegalArgumentException("BAR kind " + bar.kind());
        }
    }

    // ---- standard capabilities ---------------------------------------------------------------

    private void pm(int cap) {
        readOnly(cap, Pm.SIZEOF); // PMC, bridge extensions, Data: RO (PM 1.2, 3.2)
        rw(cap + Pm.CTRL, 2, Pm.CTRL_PME_ENABLE | Pm.CTRL_DATA_SEL_MASK); // PME_En, Data_Select: RW
        rw1c(cap + Pm.CTRL, 2, Pm.CTRL_PME_STATUS); // PME_Status: RW1C
        // PowerState: changed by the power-state hook, which ignores unsupported states
    }

    private void vpd(int cap) {
        readOnly(cap, Vpd.SIZEOF);
        rw(cap + Vpd.ADDR, 2, Vpd.ADDR_MASK | Vpd.ADDR_F); // address and F: RW; the VPD hook runs the transfer
        rw(cap + Vpd.DATA, 4, ALL32); // data: RW
    }

    private void msi(int cap) {
        int flags = cfg16(cap + Msi.FLAGS);
        boolean is64 = (flags & Msi.FLAGS_64BIT) != 0;
        boolean extData = (flags & Msi.FLAGS_EXT_DATA_CAP) != 0;
        readOnly(cap, msiLength(flags)); // capability bits RO (PCI 3.0, 6.8.1)
        rw(cap + Msi.FLAGS, 2, Msi.FLAGS_ENABLE | Msi.FLAGS_QSIZE | (extData ? Msi.FLAGS_EXT_DATA_EN : 0)); // enables: RW
        rw(cap + Msi.ADDRESS_LO, 4, ~Msi.ADDRESS_LO_RESERVED); // address bits 31:2 RW, 1:0 RO 0
        if (is64) {
            rw(cap + Msi.ADDRESS_HI, 4, ALL32); // upper address: RW
        }
        rw(cap + (is64 ? Msi.DATA_64 : Msi.DATA_32), 2, ALL16); // data: RW
        if (extData) {
            rw(cap + (is64 ? Msi.EXT_DATA_64 : Msi.EXT_DATA_32), 2, ALL16); // extended data: RW
        }
        if ((flags & Msi.FLAGS_MASKBIT) != 0) {
            rw(cap + (is64 ? Msi.MASK_64 : Msi.MASK_32), 4, msiVectorBits(flags)); // mask bits of the vectors it has: RW
            // Pending Bits: RO, set by the function
        }
    }

    private void msix(int cap) {
        readOnly(cap, Msix.SIZEOF); // table size, table and PBA locations: RO (PCI 3.0, 6.8.2)
        rw(cap + Msix.FLAGS, 2, Msix.FLAGS_ENABLE | Msix.FLAGS_MASKALL); // Enable, Function Mask: RW
    }

    private void af(int cap) {
        readOnly(cap, Af.SIZEOF); // length, capabilities, status: RO
        // AF Control FLR: reads 0; the FLR hook resets the function on a 1
    }

    private void exp(int cap) {
        int flags = cfg16(cap + Exp.FLAGS);
        int type = expType(cap);
        boolean v2 = (flags & Exp.FLAGS_VERS) >= 2;
        boolean downstream = type == Exp.TYPE_ROOT_PORT || type == Exp.TYPE_DOWNSTREAM || type == Exp.TYPE_PCIE_BRIDGE;
        boolean root = type == Exp.TYPE_ROOT_PORT || type == Exp.TYPE_RC_EC;
        boolean link = type != Exp.TYPE_RC_END && type != Exp.TYPE_RC_EC;
        readOnly(cap, expLength(flags)); // capabilities registers RO (PCIe 6.0, 7.5.3)

        int devcap = cfg32(cap + Exp.DEVCAP);
        int devctl = Exp.DEVCTL_CERE | Exp.DEVCTL_NFERE | Exp.DEVCTL_FERE | Exp.DEVCTL_URRE | Exp.DEVCTL_RELAX_EN
                | Exp.DEVCTL_PAYLOAD | Exp.DEVCTL_EXT_TAG | Exp.DEVCTL_AUX_PME | Exp.DEVCTL_NOSNOOP_EN | Exp.DEVCTL_READRQ;
        rw(cap + Exp.DEVCTL, 2, devctl); // error reporting, ordering, payload and read request sizes: RW
        if ((devcap & Exp.DEVCAP_PHANTOM) != 0) {
            rw(cap + Exp.DEVCTL, 2, Exp.DEVCTL_PHANTOM); // phantom functions enable: RW only where supported
        }
        if (type == Exp.TYPE_PCI_BRIDGE) {
            rw(cap + Exp.DEVCTL, 2, Exp.DEVCTL_BCR_FLR); // Bridge Configuration Retry Enable: RW
        }
        // Initiate FLR (endpoints): reads 0; the FLR hook resets the function on a 1
        rw1c(cap + Exp.DEVSTA, 2, Exp.DEVSTA_RW1C); // error detected bits: RW1C

        if (link) {
            int lnkcap = cfg32(cap + Exp.LNKCAP);
            boolean bandwidth = downstream && (lnkcap & Exp.LNKCAP_LBNC) != 0;
            rw(cap + Exp.LNKCTL, 2, Exp.LNKCTL_ASPMC | Exp.LNKCTL_CCC | Exp.LNKCTL_ES | Exp.LNKCTL_HAWD); // link controls: RW
            if (type == Exp.TYPE_ENDPOINT || type == Exp.TYPE_LEG_END || type == Exp.TYPE_PCI_BRIDGE
                    || type == Exp.TYPE_PCIE_BRIDGE) {
                rw(cap + Exp.LNKCTL, 2, Exp.LNKCTL_RCB); // read completion boundary: RW for endpoints and bridges
            }
            if ((lnkcap & Exp.LNKCAP_CLKPM) != 0) {
                rw(cap + Exp.LNKCTL, 2, Exp.LNKCTL_CLKREQ_EN); // clock PM enable: RW where CLKREQ# is supported
            }
            if (downstream) {
                rw(cap + Exp.LNKCTL, 2, Exp.LNKCTL_LD); // link disable: RW in downstream ports; Retrain Link reads 0
            }
            if (bandwidth) {
                rw(cap + Exp.LNKCTL, 2, Exp.LNKCTL_LBMIE | Exp.LNKCTL_LABIE); // bandwidth interrupt enables: RW
                rw1c(cap + Exp.LNKSTA, 2, Exp.LNKSTA_LBMS | Exp.LNKSTA_LABS); // bandwidth status: RW1C
            }
        }
        if (downstream && (flags & Exp.FLAGS_SLOT) != 0) {
            int sltctl = Exp.SLTCTL_ABPE | Exp.SLTCTL_PFDE | Exp.SLTCTL_MRLSCE | Exp.SLTCTL_PDCE | Exp.SLTCTL_CCIE
                    | Exp.SLTCTL_HPIE | Exp.SLTCTL_AIC | Exp.SLTCTL_PIC | Exp.SLTCTL_PCC | Exp.SLTCTL_EIC
                    | Exp.SLTCTL_DLLSCE | Exp.SLTCTL_ASPL_DISABLE | Exp.SLTCTL_IBPD_DISABLE;
            rw(cap + Exp.SLTCTL, 2, sltctl); // hot-plug controls: RW
            rw1c(cap + Exp.SLTSTA, 2, Exp.SLTSTA_RW1C); // hot-plug events: RW1C; states RO
        }
        if (root) {
            int rtctl = Exp.RTCTL_SECEE | Exp.RTCTL_SENFEE | Exp.RTCTL_SEFEE | Exp.RTCTL_PMEIE;
            rw(cap + Exp.RTCTL, 2, rtctl); // system error and PME interrupt enables: RW
            if ((cfg16(cap + Exp.RTCAP) & Exp.RTCAP_CRSVIS) != 0) {
                rw(cap + Exp.RTCTL, 2, Exp.RTCTL_CRSSVE); // CRS software visibility: RW where supported
            }
            rw1c(cap + Exp.RTSTA, 4, Exp.RTSTA_PME); // PME status: RW1C; requester id and pending RO
        }
        if (v2) {
            int devcap2 = cfg32(cap + Exp.DEVCAP2);
            int devctl2 = Exp.DEVCTL2_ATOMIC_REQ | Exp.DEVCTL2_IDO_REQ_EN | Exp.DEVCTL2_IDO_CMP_EN
                    | Exp.DEVCTL2_OBFF_WAKE_EN | Exp.DEVCTL2_EE_PREFIX_BLOCK;
            rw(cap + Exp.DEVCTL2, 2, devctl2); // AtomicOp, IDO, OBFF, prefix blocking: RW
            if ((devcap2 & Exp.DEVCAP2_COMP_TMOUT_RANGES) != 0) {
                rw(cap + Exp.DEVCTL2, 2, Exp.DEVCTL2_COMP_TIMEOUT); // completion timeout value: RW where ranges exist
            }
            if ((devcap2 & Exp.DEVCAP2_COMP_TMOUT_DIS) != 0) {
                rw(cap + Exp.DEVCTL2, 2, Exp.DEVCTL2_COMP_TMOUT_DIS); // completion timeout disable: RW where supported
            }
            if ((devcap2 & Exp.DEVCAP2_LTR) != 0) {
                rw(cap + Exp.DEVCTL2, 2, Exp.DEVCTL2_LTR_EN); // LTR enable: RW where supported
            }
            if (downstream) {
                rw(cap + Exp.DEVCTL2, 2, Exp.DEVCTL2_ATOMIC_EGRESS_BLOCK); // AtomicOp egress blocking: RW in ports
            }
            if (downstream && (devcap2 & Exp.DEVCAP2_ARI) != 0) {
                rw(cap + Exp.DEVCTL2, 2, Exp.DEVCTL2_ARI); // ARI forwarding: RW in downstream ports that support it
            }
            if (link) {
                int lnkctl2 = Exp.LNKCTL2_TLS | Exp.LNKCTL2_ENTER_COMP | Exp.LNKCTL2_HASD | Exp.LNKCTL2_TX_MARGIN
                        | Exp.LNKCTL2_MOD_COMP | Exp.LNKCTL2_COMP_SOS | Exp.LNKCTL2_COMP_PRESET;
                rw(cap + Exp.LNKCTL2, 2, lnkctl2); // target speed and compliance controls: RW
            }
        }
    }

    // ---- extended capabilities ---------------------------------------------------------------

    private void aer(int cap, boolean root) {
        int control = cfg32(cap + Err.CAP);
        int length = (control & Err.CAP_PREFIX_LOG_PRESENT) != 0 ? Err.PREFIX_SIZEOF : root ? Err.ROOT_SIZEOF : Err.SIZEOF;
        readOnly(cap, length); // header, first error pointer, header and prefix logs: RO (PCIe 6.0, 7.8.4)
        rw1c(cap + Err.UNCOR_STATUS, 4, Err.UNC_DEFINED); // uncorrectable status: RW1C
        rw(cap + Err.UNCOR_MASK, 4, Err.UNC_DEFINED); // uncorrectable mask: RW
        rw(cap + Err.UNCOR_SEVER, 4, Err.UNC_DEFINED); // uncorrectable severity: RW
        rw1c(cap + Err.COR_STATUS, 4, Err.COR_DEFINED); // correctable status: RW1C
        rw(cap + Err.COR_MASK, 4, Err.COR_DEFINED); // correctable mask: RW
        int enables = ((control & Err.CAP_ECRC_GENC) != 0 ? Err.CAP_ECRC_GENE : 0)
                | ((control & Err.CAP_ECRC_CHKC) != 0 ? Err.CAP_ECRC_CHKE : 0)
                | ((control & Err.CAP_MHRC) != 0 ? Err.CAP_MHRE : 0);
        rw(cap + Err.CAP, 4, enables); // ECRC and multiple-header enables: RW where capable
        if (root) {
            rw(cap + Err.ROOT_COMMAND, 4, Err.ROOT_CMD_COR_EN | Err.ROOT_CMD_NONFATAL_EN | Err.ROOT_CMD_FATAL_EN); // RW
            rw1c(cap + Err.ROOT_STATUS, 4, Err.ROOT_STATUS_RW1C); // received-message bits: RW1C; message number RO
        }
    }

    private void pwr(int cap) {
        readOnly(cap, Pwr.SIZEOF); // data and capability: RO (PCIe 6.0, 7.8.1)
        rw(cap + Pwr.DSR, 1, ALL8); // data select: RW; the power budget hook updates Data
    }

    // ---- lengths -----------------------------------------------------------------------------

    /** Length of an MSI capability from its Message Control value: 10, 12, 14, 16, 20 or 24. */
    static int msiLength(int flags) {
        boolean is64 = (flags & Msi.FLAGS_64BIT) != 0;
        if ((flags & Msi.FLAGS_MASKBIT) != 0) {
            return is64 ? Msi.SIZEOF_64_MASK : Msi.SIZEOF_32_MASK;
        }
        int base = is64 ? Msi.SIZEOF_64 : Msi.SIZEOF_32;
        return (flags & Msi.FLAGS_EXT_DATA_CAP) != 0 ? base + 2 : base;
    }

    /** Number of vectors an MSI capability can signal: 1 << Multiple Message Capable, at most 32. */
    public static int msiVectors(int flags) {
        int log2 = (flags & Msi.FLAGS_QMASK) >> 1;
        return Math.min(1 << log2, Msi.MAX_VECTORS);
    }

    private static int msiVectorBits(int flags) {
        int n = msiVectors(flags);
        return n == Msi.MAX_VECTORS ? ALL32 : (1 << n) - 1;
    }

    /** Length of a PCI Express capability from its flags: by version and device/port type. */
    static int expLength(int flags) {
        int type = (flags & Exp.FLAGS_TYPE) >> Exp.FLAGS_TYPE_SHIFT;
        boolean port = type == Exp.TYPE_ROOT_PORT || type == Exp.TYPE_DOWNSTREAM || type == Exp.TYPE_PCIE_BRIDGE
                || type == Exp.TYPE_RC_EC;
        if ((flags & Exp.FLAGS_VERS) < 2) {
            return type == Exp.TYPE_RC_END ? Exp.RC_ENDPOINT_SIZEOF_V1 : port ? Exp.SIZEOF_V1 : Exp.ENDPOINT_SIZEOF_V1;
        }
        return type == Exp.TYPE_RC_END || type == Exp.TYPE_RC_EC ? Exp.RC_ENDPOINT_SIZEOF_V2
                : port ? Exp.SIZEOF_V2 : Exp.ENDPOINT_SIZEOF_V2;
    }

    private int expType(int cap) {
        return (cfg16(cap + Exp.FLAGS) & Exp.FLAGS_TYPE) >> Exp.FLAGS_TYPE_SHIFT;
    }

    // ---- mask primitives ---------------------------------------------------------------------

    private void readOnly(int off, int len) {
        for (int i = off; i < Math.min(off + len, limit); i++) {
            wmask[i] = 0;
            w1cmask[i] = 0;
        }
    }

    private void rw(int off, int width, int bits) {
        for (int i = 0; i < width && off + i < limit; i++) {
            wmask[off + i] |= (byte) (bits >>> (8 * i));
            w1cmask[off + i] &= (byte) ~(bits >>> (8 * i));
        }
    }

    private void rw1c(int off, int width, int bits) {
        for (int i = 0; i < width && off + i < limit; i++) {
            w1cmask[off + i] |= (byte) (bits >>> (8 * i));
            wmask[off + i] &= (byte) ~(bits >>> (8 * i));
        }
    }

    private int cfg8(int off) {
        return off < size ? cfg[off] & 0xff : 0;
    }

    private int cfg16(int off) {
        return off + 2 <= size ? Le.get(cfg, off, 2) : 0;
    }

    private int cfg32(int off) {
        return off + 4 <= size ? Le.get(cfg, off, 4) : 0;
    }
}
