package org.pciguard.api.regs;

/**
 * Configuration-space register offsets and bits, named as in Linux {@code pci_regs.h}
 * ({@code PCI_COMMAND} is {@link #COMMAND}, {@code PCI_COMMAND_MEMORY} is {@link Command#MEMORY}).
 * Each constant says its bit position, access type and the section of the specification that
 * defines it: "PCI 3.0" is the PCI Local Bus Specification 3.0, "PCIe 6.0" the PCI Express Base
 * Specification 6.0, "PM 1.2" the PCI Bus Power Management Interface Specification 1.2.
 * Capability-relative offsets are relative to the capability's first byte.
 */
public final class PciRegs {

    private PciRegs() {
    }

    /** Size of the standard (type 0/1/2) header: 64 bytes (PCI 3.0, 6.1). */
    public static final int STD_HEADER_SIZEOF = 64;
    /** Size of conventional configuration space: 256 bytes (PCI 3.0, 6.1). */
    public static final int CFG_SPACE_SIZE = 256;
    /** Size of PCI Express configuration space: 4096 bytes (PCIe 6.0, 7.2.2). */
    public static final int CFG_SPACE_EXP_SIZE = 4096;

    // ---- Type 0 header (PCI 3.0, 6.2) -------------------------------------------------------

    /** Vendor ID, 16 bits, RO (PCI 3.0, 6.2.1). */
    public static final int VENDOR_ID = 0x00;
    /** Device ID, 16 bits, RO (PCI 3.0, 6.2.1). */
    public static final int DEVICE_ID = 0x02;
    /** Command register, 16 bits, RW (PCI 3.0, 6.2.2); bits in {@link Command}. */
    public static final int COMMAND = 0x04;
    /** Status register, 16 bits, RO and RW1C (PCI 3.0, 6.2.3); bits in {@link Status}. */
    public static final int STATUS = 0x06;
    /** Revision ID, 8 bits, RO (PCI 3.0, 6.2.1). */
    public static final int REVISION_ID = 0x08;
    /** Class code, 24 bits at 0x09..0x0b: programming interface, sub-class, base class; RO (PCI 3.0, 6.2.1). */
    public static final int CLASS_PROG = 0x09;
    /** Sub-class and base class, 16 bits at 0x0a, RO (PCI 3.0, 6.2.1). */
    public static final int CLASS_DEVICE = 0x0a;
    /** Cache Line Size, 8 bits, RW (PCI 3.0, 6.2.4). */
    public static final int CACHE_LINE_SIZE = 0x0c;
    /** Latency Timer, 8 bits, RW (PCI 3.0, 6.2.4). */
    public static final int LATENCY_TIMER = 0x0d;
    /** Header Type, 8 bits, RO: bits 6:0 layout, bit 7 multi-function (PCI 3.0, 6.2.1). */
    public static final int HEADER_TYPE = 0x0e;
    /** Header Type bits 6:0: the layout, 0 for a normal function (PCI 3.0, 6.2.1). */
    public static final int HEADER_TYPE_MASK = 0x7f;
    /** Header type 0: a normal function (endpoint). */
    public static final int HEADER_TYPE_NORMAL = 0;
    /** Header type 1: a PCI-to-PCI bridge (PCI-to-PCI Bridge 1.2, 3.2). */
    public static final int HEADER_TYPE_BRIDGE = 1;
    /** Header type 2: a CardBus bridge. */
    public static final int HEADER_TYPE_CARDBUS = 2;
    /** Header Type bit 7: multi-function device, RO. */
    public static final int HEADER_TYPE_MFD = 0x80;
    /** BIST, 8 bits, RW bit 6 start, RO otherwise (PCI 3.0, 6.2.4). */
    public static final int BIST = 0x0f;
    /** Base Address 0, 32 bits (PCI 3.0, 6.2.5.1); bits in {@link BaseAddress}. */
    public static final int BASE_ADDRESS_0 = 0x10;
    /** Base Address 1. */
    public static final int BASE_ADDRESS_1 = 0x14;
    /** Base Address 2. */
    public static final int BASE_ADDRESS_2 = 0x18;
    /** Base Address 3. */
    public static final int BASE_ADDRESS_3 = 0x1c;
    /** Base Address 4. */
    public static final int BASE_ADDRESS_4 = 0x20;
    /** Base Address 5. */
    public static final int BASE_ADDRESS_5 = 0x24;
    /** CardBus CIS Pointer, 32 bits, RO (PCI 3.0, 6.2.5.3). */
    public static final int CARDBUS_CIS = 0x28;
    /** Subsystem Vendor ID, 16 bits, RO (HwInit) (PCI 3.0, 6.2.4). */
    public static final int SUBSYSTEM_VENDOR_ID = 0x2c;
    /** Subsystem ID, 16 bits, RO (HwInit) (PCI 3.0, 6.2.4). */
    public static final int SUBSYSTEM_ID = 0x2e;
    /** Expansion ROM Base Address, 32 bits: bit 0 enable RW, bits 31:11 address RW (PCI 3.0, 6.2.5.2). */
    public static final int ROM_ADDRESS = 0x30;
    /** Expansion ROM Enable, bit 0, RW. */
    public static final int ROM_ADDRESS_ENABLE = 0x01;
    /** Expansion ROM address bits 31:11. */
    public static final int ROM_ADDRESS_MASK = 0xfffff800;
    /** Capabilities Pointer, 8 bits, RO; low two bits reserved (PCI 3.0, 6.7). */
    public static final int CAPABILITY_LIST = 0x34;
    /** Interrupt Line, 8 bits, RW; for software only (PCI 3.0, 6.2.4). */
    public static final int INTERRUPT_LINE = 0x3c;
    /** Interrupt Pin, 8 bits, RO: 0 none, 1..4 INTA#..INTD# (PCI 3.0, 6.2.4). */
    public static final int INTERRUPT_PIN = 0x3d;
    /** Min_Gnt, 8 bits, RO (PCI 3.0, 6.2.4). */
    public static final int MIN_GNT = 0x3e;
    /** Max_Lat, 8 bits, RO (PCI 3.0, 6.2.4). */
    public static final int MAX_LAT = 0x3f;

    // ---- Type 1 header (PCI-to-PCI Bridge 1.2, 3.2) -------------------------------------------

    /** Primary Bus Number, 8 bits, RW (bridge). */
    public static final int PRIMARY_BUS = 0x18;
    /** Secondary Bus Number, 8 bits, RW (bridge). */
    public static final int SECONDARY_BUS = 0x19;
    /** Subordinate Bus Number, 8 bits, RW (bridge). */
    public static final int SUBORDINATE_BUS = 0x1a;
    /** Expansion ROM base address of a bridge, 32 bits. */
    public static final int ROM_ADDRESS1 = 0x38;
    /** Bridge Control, 16 bits, RW (bridge). */
    public static final int BRIDGE_CONTROL = 0x3e;

    /** Secondary Latency Timer, 8 bits, RW; RO 0 for PCI Express (PCI-to-PCI Bridge 1.2, 3.2.5.4). */
    public static final int SEC_LATENCY_TIMER = 0x1b;
    /** I/O Base, 8 bits: bits 7:4 RW address 15:12, bits 3:0 RO addressing capability (PCI-to-PCI Bridge 1.2, 3.2.5.6). */
    public static final int IO_BASE = 0x1c;
    /** I/O Limit, 8 bits, same layout as {@link #IO_BASE}. */
    public static final int IO_LIMIT = 0x1d;
    /** I/O Base/Limit bits 3:0, RO: 0 for 16-bit, 1 for 32-bit I/O addressing. */
    public static final int IO_RANGE_TYPE_MASK = 0x0f;
    /** I/O addressing capability 1: 32-bit, the upper 16 bits are in {@link #IO_BASE_UPPER16}. */
    public static final int IO_RANGE_TYPE_32 = 0x01;
    /** I/O Base/Limit bits 7:4, RW: address bits 15:12. */
    public static final int IO_RANGE_MASK = 0xf0;
    /** Secondary Status, 16 bits: the RW1C error bits of {@link Status} for the secondary bus, RO otherwise (PCI-to-PCI Bridge 1.2, 3.2.5.7). */
    public static final int SEC_STATUS = 0x1e;
    /** Memory Base, 16 bits: bits 15:4 RW address 31:20, bits 3:0 RO 0 (PCI-to-PCI Bridge 1.2, 3.2.5.8). */
    public static final int MEMORY_BASE = 0x20;
    /** Memory Limit, 16 bits, same layout as {@link #MEMORY_BASE}. */
    public static final int MEMORY_LIMIT = 0x22;
    /** Memory and prefetchable Base/Limit bits 15:4, RW: address bits 31:20. */
    public static final int MEMORY_RANGE_MASK = 0xfff0;
    /** Prefetchable Memory Base, 16 bits: bits 15:4 RW, bits 3:0 RO capability (PCI-to-PCI Bridge 1.2, 3.2.5.9). */
    public static final int PREF_MEMORY_BASE = 0x24;
    /** Prefetchable Memory Limit, 16 bits, same layout as {@link #PREF_MEMORY_BASE}. */
    public static final int PREF_MEMORY_LIMIT = 0x26;
    /** Prefetchable Base/Limit bits 3:0, RO: 0 for 32-bit, 1 for 64-bit addressing. */
    public static final int PREF_RANGE_TYPE_MASK = 0x0f;
    /** Prefetchable addressing capability 1: 64-bit, the upper halves are in {@link #PREF_BASE_UPPER32}. */
    public static final int PREF_RANGE_TYPE_64 = 0x01;
    /** Prefetchable Base Upper 32 Bits, RW when 64-bit, else RO 0 (PCI-to-PCI Bridge 1.2, 3.2.5.10). */
    public static final int PREF_BASE_UPPER32 = 0x28;
    /** Prefetchable Limit Upper 32 Bits, RW when 64-bit, else RO 0. */
    public static final int PREF_LIMIT_UPPER32 = 0x2c;
    /** I/O Base Upper 16 Bits, RW when 32-bit I/O, else RO 0 (PCI-to-PCI Bridge 1.2, 3.2.5.11). */
    public static final int IO_BASE_UPPER16 = 0x30;
    /** I/O Limit Upper 16 Bits, RW when 32-bit I/O, else RO 0. */
    public static final int IO_LIMIT_UPPER16 = 0x32;

    // ---- Type 2 header (PC Card Standard, CardBus bridge) -------------------------------------

    /** CardBus bridge Capabilities Pointer, 8 bits, RO; low two bits reserved ({@code PCI_CB_CAPABILITY_LIST}). */
    public static final int CB_CAPABILITY_LIST = 0x14;

    /** Bridge Control bits at {@link PciRegs#BRIDGE_CONTROL} (PCI-to-PCI Bridge 1.2, 3.2.5.18). */
    public static final class BridgeControl {
        private BridgeControl() {
        }

        /** Bit 0, RW: parity error response on the secondary interface. */
        public static final int PARITY = 1 << 0;
        /** Bit 1, RW: forward SERR# from the secondary interface. */
        public static final int SERR = 1 << 1;
        /** Bit 2, RW: ISA enable. */
        public static final int ISA = 1 << 2;
        /** Bit 3, RW: VGA enable. */
        public static final int VGA = 1 << 3;
        /** Bit 4, RW: VGA 16-bit decode. */
        public static final int VGA_16BIT = 1 << 4;
        /** Bit 5, RW (RO 0 for PCIe): master abort mode. */
        public static final int MASTER_ABORT = 1 << 5;
        /** Bit 6, RW: secondary bus reset. */
        public static final int BUS_RESET = 1 << 6;
        /** Bit 7, RW (RO 0 for PCIe): fast back-to-back on the secondary bus. */
        public static final int FAST_BACK = 1 << 7;
    }

    /** Command register bits (PCI 3.0, 6.2.2). */
    public static final class Command {
        private Command() {
        }

        /** Bit 0, RW: respond to I/O space accesses. */
        public static final int IO = 1 << 0;
        /** Bit 1, RW: respond to memory space accesses. */
        public static final int MEMORY = 1 << 1;
        /** Bit 2, RW: enable bus mastering (DMA and MSI). */
        public static final int MASTER = 1 << 2;
        /** Bit 3, RO 0 for PCIe: respond to special cycles. */
        public static final int SPECIAL = 1 << 3;
        /** Bit 4, RW (RO 0 for PCIe): use memory write and invalidate. */
        public static final int INVALIDATE = 1 << 4;
        /** Bit 5, RW (RO 0 for PCIe): VGA palette snooping. */
        public static final int VGA_PALETTE = 1 << 5;
        /** Bit 6, RW: respond to parity errors. */
        public static final int PARITY = 1 << 6;
        /** Bit 7, RO 0 (was address/data stepping). */
        public static final int WAIT = 1 << 7;
        /** Bit 8, RW: enable SERR# reporting. */
        public static final int SERR = 1 << 8;
        /** Bit 9, RW (RO 0 for PCIe): fast back-to-back writes. */
        public static final int FAST_BACK = 1 << 9;
        /** Bit 10, RW: INTx Emulation Disable (PCI 3.0, 6.2.2). */
        public static final int INTX_DISABLE = 1 << 10;
        /** Bits 15:11 reserved, RO 0. */
        public static final int RESERVED = 0xf800;
    }

    /** Status register bits (PCI 3.0, 6.2.3). */
    public static final class Status {
        private Status() {
        }

        /** Bits 2:0 reserved, RO 0. */
        public static final int RESERVED_LOW = 0x0007;
        /** Bit 3, RO: INTx asserted (interrupt status). */
        public static final int INTERRUPT = 1 << 3;
        /** Bit 4, RO: a capability list is present at {@link PciRegs#CAPABILITY_LIST}. */
        public static final int CAP_LIST = 1 << 4;
        /** Bit 5, RO: 66 MHz capable. */
        public static final int MHZ66 = 1 << 5;
        /** Bit 6, RO: UDF supported (obsolete). */
        public static final int UDF = 1 << 6;
        /** Bit 7, RO: fast back-to-back capable. */
        public static final int FAST_BACK = 1 << 7;
        /** Bit 8, RW1C: master data parity error. */
        public static final int PARITY = 1 << 8;
        /** Bits 10:9, RO: DEVSEL timing. */
        public static final int DEVSEL_MASK = 0x0600;
        /** Bit 11, RW1C: signalled target abort. */
        public static final int SIG_TARGET_ABORT = 1 << 11;
        /** Bit 12, RW1C: received target abort. */
        public static final int REC_TARGET_ABORT = 1 << 12;
        /** Bit 13, RW1C: received master abort. */
        public static final int REC_MASTER_ABORT = 1 << 13;
        /** Bit 14, RW1C: signalled system error. */
        public static final int SIG_SYSTEM_ERROR = 1 << 14;
        /** Bit 15, RW1C: detected parity error. */
        public static final int DETECTED_PARITY = 1 << 15;
        /** Every RW1C error bit of Status. */
        public static final int RW1C = PARITY | SIG_TARGET_ABORT | REC_TARGET_ABORT | REC_MASTER_ABORT
                | SIG_SYSTEM_ERROR | DETECTED_PARITY;
    }

    /** Base address register bits (PCI 3.0, 6.2.5.1). */
    public static final class BaseAddress {
        private BaseAddress() {
        }

        /** Bit 0, RO: 1 for I/O space, 0 for memory space. */
        public static final int SPACE_IO = 0x01;
        /** Bits 2:1, RO, memory BAR type: 00 32-bit, 10 64-bit. */
        public static final int MEM_TYPE_MASK = 0x06;
        /** Memory type 00b: 32-bit. */
        public static final int MEM_TYPE_32 = 0x00;
        /** Memory type 01b: below 1 MiB (legacy). */
        public static final int MEM_TYPE_1M = 0x02;
        /** Memory type 10b: 64-bit, the BAR takes two registers. */
        public static final int MEM_TYPE_64 = 0x04;
        /** Bit 3, RO: prefetchable memory. */
        public static final int MEM_PREFETCH = 0x08;
        /** Memory BAR address bits 31:4, RW above the size. */
        public static final int MEM_MASK = 0xfffffff0;
        /** I/O BAR address bits 31:2, RW above the size. */
        public static final int IO_MASK = 0xfffffffc;
    }

    // ---- Standard capability header (PCI 3.0, 6.7) ---------------------------------------------

    /** Capability ID, 8 bits at +0 of every standard capability, RO ({@code PCI_CAP_LIST_ID}). */
    public static final int CAP_LIST_ID = 0;
    /** Next Capability Pointer, 8 bits at +1, RO; low two bits reserved ({@code PCI_CAP_LIST_NEXT}). */
    public static final int CAP_LIST_NEXT = 1;

    // ---- Capability IDs (PCI Code and ID Assignment 1.11, 2) ----------------------------------

    /** Standard capability IDs, {@code PCI_CAP_ID_*}. */
    public static final class CapId {
        private CapId() {
        }

        /** 0x01 Power Management (PM 1.2, 3.2). */
        public static final int PM = 0x01;
        /** 0x02 Accelerated Graphics Port. */
        public static final int AGP = 0x02;
        /** 0x03 Vital Product Data (PCI 3.0, 6.4 and I.3). */
        public static final int VPD = 0x03;
        /** 0x04 Slot Identification (bridges). */
        public static final int SLOTID = 0x04;
        /** 0x05 Message Signalled Interrupts (PCI 3.0, 6.8.1). */
        public static final int MSI = 0x05;
        /** 0x06 CompactPCI HotSwap. */
        public static final int CHSWP = 0x06;
        /** 0x07 PCI-X (PCI-X 2.0, 7.2). */
        public static final int PCIX = 0x07;
        /** 0x08 HyperTransport. */
        public static final int HT = 0x08;
        /** 0x09 Vendor specific (PCI 3.0, 6.7). */
        public static final int VNDR = 0x09;
        /** 0x0a Debug port. */
        public static final int DBG = 0x0a;
        /** 0x0b CompactPCI Central Resource Control. */
        public static final int CCRC = 0x0b;
        /** 0x0c PCI Standard Hot-Plug Controller. */
        public static final int SHPC = 0x0c;
        /** 0x0d Bridge subsystem vendor/device ID. */
        public static final int SSVID = 0x0d;
        /** 0x0e AGP target PCI-PCI bridge. */
        public static final int AGP3 = 0x0e;
        /** 0x0f Secure Device. */
        public static final int SECDEV = 0x0f;
        /** 0x10 PCI Express (PCIe 6.0, 7.5.3). */
        public static final int EXP = 0x10;
        /** 0x11 MSI-X (PCI 3.0, 6.8.2). */
        public static final int MSIX = 0x11;
        /** 0x12 SATA Data/Index Configuration. */
        public static final int SATA = 0x12;
        /** 0x13 PCI Advanced Features (AF ECN). */
        public static final int AF = 0x13;
        /** 0x14 Enhanced Allocation (EA ECN). */
        public static final int EA = 0x14;
        /** Highest standard capability id defined: {@link #EA}. */
        public static final int MAX = EA;
    }

    /** Extended capability IDs, {@code PCI_EXT_CAP_ID_*} (PCIe 6.0, 7.6 onwards). */
    public static final class ExtCapId {
        private ExtCapId() {
        }

        /** 0x0001 Advanced Error Reporting (PCIe 6.0, 7.8.4). */
        public static final int ERR = 0x0001;
        /** 0x0002 Virtual Channel (PCIe 6.0, 7.9.1). */
        public static final int VC = 0x0002;
        /** 0x0003 Device Serial Number (PCIe 6.0, 7.9.3). */
        public static final int DSN = 0x0003;
        /** 0x0004 Power Budgeting (PCIe 6.0, 7.8.1). */
        public static final int PWR = 0x0004;
        /** 0x0005 Root Complex Link Declaration. */
        public static final int RCLD = 0x0005;
        /** 0x0006 Root Complex Internal Link Control. */
        public static final int RCILC = 0x0006;
        /** 0x0007 Root Complex Event Collector Endpoint Association. */
        public static final int RCEC = 0x0007;
        /** 0x0008 Multi-Function Virtual Channel. */
        public static final int MFVC = 0x0008;
        /** 0x0009 Virtual Channel, used where MFVC is also present. */
        public static final int VC9 = 0x0009;
        /** 0x000a Root Complex Register Block. */
        public static final int RCRB = 0x000a;
        /** 0x000b Vendor-Specific Extended Capability (PCIe 6.0, 7.9.5). */
        public static final int VNDR = 0x000b;
        /** 0x000c Configuration Access Correlation (obsolete). */
        public static final int CAC = 0x000c;
        /** 0x000d Access Control Services (PCIe 6.0, 7.7.11). */
        public static final int ACS = 0x000d;
        /** 0x000e Alternative Routing-ID Interpretation (PCIe 6.0, 7.8.7). */
        public static final int ARI = 0x000e;
        /** 0x000f Address Translation Services (PCIe 6.0, 10.5.1). */
        public static final int ATS = 0x000f;
        /** 0x0010 Single Root I/O Virtualization (PCIe 6.0, 9.3.3). */
        public static final int SRIOV = 0x0010;
        /** 0x0011 Multi-Root I/O Virtualization (obsolete). */
        public static final int MRIOV = 0x0011;
        /** 0x0012 Multicast (PCIe 6.0, 7.9.11). */
        public static final int MCAST = 0x0012;
        /** 0x0013 Page Request Interface (PCIe 6.0, 10.5.2). */
        public static final int PRI = 0x0013;
        /** 0x0014 reserved for AMD. */
        public static final int AMD_XXX = 0x0014;
        /** 0x0015 Resizable BAR (PCIe 6.0, 7.8.6). */
        public static final int REBAR = 0x0015;
        /** 0x0016 Dynamic Power Allocation (PCIe 6.0, 7.8.12). */
        public static final int DPA = 0x0016;
        /** 0x0017 TPH Requester (PCIe 6.0, 7.9.13). */
        public static final int TPH = 0x0017;
        /** 0x0018 Latency Tolerance Reporting (PCIe 6.0, 7.8.2). */
        public static final int LTR = 0x0018;
        /** 0x0019 Secondary PCI Express (PCIe 6.0, 7.7.3). */
        public static final int SECPCI = 0x0019;
        /** 0x001a Protocol Multiplexing. */
        public static final int PMUX = 0x001a;
        /** 0x001b Process Address Space ID (PCIe 6.0, 7.8.8). */
        public static final int PASID = 0x001b;
        /** 0x001c LN Requester. */
        public static final int LNR = 0x001c;
        /** 0x001d Downstream Port Containment (PCIe 6.0, 7.9.14). */
        public static final int DPC = 0x001d;
        /** 0x001e L1 PM Substates (PCIe 6.0, 7.8.3). */
        public static final int L1SS = 0x001e;
        /** 0x001f Precision Time Measurement (PCIe 6.0, 7.9.15). */
        public static final int PTM = 0x001f;
        /** 0x0020 PCI Express over M-PHY. */
        public static final int MPHY = 0x0020;
        /** 0x0021 FRS Queueing. */
        public static final int FRSQ = 0x0021;
        /** 0x0022 Readiness Time Reporting. */
        public static final int RTR = 0x0022;
        /** 0x0023 Designated Vendor-Specific (PCIe 6.0, 7.9.6). */
        public static final int DVSEC = 0x0023;
        /** 0x0024 VF Resizable BAR. */
        public static final int VF_REBAR = 0x0024;
        /** 0x0025 Data Link Feature. */
        public static final int DLF = 0x0025;
        /** 0x0026 Physical Layer 16.0 GT/s. */
        public static final int PL_16GT = 0x0026;
        /** 0x0027 Lane Margining at the Receiver. */
        public static final int LMR = 0x0027;
        /** 0x0028 Hierarchy ID. */
        public static final int HIER_ID = 0x0028;
        /** 0x0029 Native PCIe Enclosure Management. */
        public static final int NPEM = 0x0029;
        /** 0x002a Physical Layer 32.0 GT/s. */
        public static final int PL_32GT = 0x002a;
        /** 0x002b Alternate Protocol. */
        public static final int AP = 0x002b;
        /** 0x002c System Firmware Intermediary. */
        public static final int SFI = 0x002c;
        /** 0x002d Shadow Functions. */
        public static final int SF = 0x002d;
        /** 0x002e Data Object Exchange. */
        public static final int DOE = 0x002e;
        /** 0x002f Device 3. */
        public static final int DEV3 = 0x002f;
        /** 0x0030 Integrity and Data Encryption. */
        public static final int IDE = 0x0030;
        /** 0x0031 Physical Layer 64.0 GT/s. */
        public static final int PL_64GT = 0x0031;
        /** Highest extended capability id defined: {@link #PL_64GT}. */
        public static final int MAX = PL_64GT;
    }

    /** Extended capability header layout (PCIe 6.0, 7.6.3). */
    public static final class ExtCapHeader {
        private ExtCapHeader() {
        }

        /** Bits 15:0, RO: capability id. */
        public static final int ID_MASK = 0x0000ffff;
        /** Bits 19:16, RO: capability version. */
        public static final int VERSION_SHIFT = 16;
        /** Bits 19:16 mask, after shifting. */
        public static final int VERSION_MASK = 0xf;
        /** Bits 31:20, RO: next capability offset (low two bits reserved). */
        public static final int NEXT_SHIFT = 20;
        /** Next pointer mask after shifting, low two bits cleared. */
        public static final int NEXT_MASK = 0xffc;
    }

    // ---- Capability registers. Offsets are relative to the capability's first byte. ----------

    /** Power Management capability, {@code PCI_PM_*} (PM 1.2, 3.2). */
    public static final class Pm {
        private Pm() {
        }

        /** Power Management Capabilities (PMC), 16 bits at +2, RO (HwInit) (PM 1.2, 3.2.3). */
        public static final int PMC = 2;
        /** PMC bits 2:0, RO: version of the PM specification (3 for PM 1.2). */
        public static final int CAP_VER_MASK = 0x0007;
        /** PMC bit 3, RO: PME clock required. */
        public static final int CAP_PME_CLOCK = 0x0008;
        /** PMC bit 4, RO: reserved (was auxiliary power source). */
        public static final int CAP_RESERVED = 0x0010;
        /** PMC bit 5, RO: device-specific initialization required. */
        public static final int CAP_DSI = 0x0020;
        /** PMC bits 8:6, RO: auxiliary current. */
        public static final int CAP_AUX_POWER = 0x01c0;
        /** PMC bit 9, RO: D1 supported. */
        public static final int CAP_D1 = 0x0200;
        /** PMC bit 10, RO: D2 supported. */
        public static final int CAP_D2 = 0x0400;
        /** PMC bits 15:11, RO: PME_Support, the states from which PME# can be asserted. */
        public static final int CAP_PME_MASK = 0xf800;
        /** PMC bit 11, RO: PME# from D0. */
        public static final int CAP_PME_D0 = 0x0800;
        /** PMC bit 12, RO: PME# from D1. */
        public static final int CAP_PME_D1 = 0x1000;
        /** PMC bit 13, RO: PME# from D2. */
        public static final int CAP_PME_D2 = 0x2000;
        /** PMC bit 14, RO: PME# from D3hot. */
        public static final int CAP_PME_D3HOT = 0x4000;
        /** PMC bit 15, RO: PME# from D3cold. */
        public static final int CAP_PME_D3COLD = 0x8000;
        /** Power Management Control/Status (PMCSR), 16 bits at +4 (PM 1.2, 3.2.4). */
        public static final int CTRL = 4;
        /** PMCSR bits 1:0, RW: PowerState; a write of an unsupported state is ignored. */
        public static final int CTRL_STATE_MASK = 0x0003;
        /** PMCSR bit 3, RO: No_Soft_Reset; when clear, D3hot to D0 resets the function (PM 1.2, 5.4.1). */
        public static final int CTRL_NO_SOFT_RESET = 0x0008;
        /** PMCSR bit 8, RW (sticky where PME from D3cold is supported): PME_En. */
        public static final int CTRL_PME_ENABLE = 0x0100;
        /** PMCSR bits 12:9, RW: Data_Select, chooses what {@link #DATA_REGISTER} reports. */
        public static final int CTRL_DATA_SEL_MASK = 0x1e00;
        /** PMCSR bits 14:13, RO: Data_Scale of {@link #DATA_REGISTER}. */
        public static final int CTRL_DATA_SCALE_MASK = 0x6000;
        /** PMCSR bit 15, RW1C (sticky): PME_Status. */
        public static final int CTRL_PME_STATUS = 0x8000;
        /** PMCSR_BSE (bridge support extensions), 8 bits at +6, RO (PM 1.2, 3.2.5). */
        public static final int PPB_EXTENSIONS = 6;
        /** PMCSR_BSE bit 6, RO: B2/B3 support for D3hot. */
        public static final int PPB_B2_B3 = 0x40;
        /** PMCSR_BSE bit 7, RO: bus power/clock control enable. */
        public static final int BPCC_ENABLE = 0x80;
        /** Data register, 8 bits at +7, RO (PM 1.2, 3.2.6). */
        public static final int DATA_REGISTER = 7;
        /** PowerState D0 (fully on). */
        public static final int STATE_D0 = 0;
        /** PowerState D1 (optional). */
        public static final int STATE_D1 = 1;
        /** PowerState D2 (optional). */
        public static final int STATE_D2 = 2;
        /** PowerState D3hot. */
        public static final int STATE_D3HOT = 3;
        /** Length of the PM capability: 8 bytes. */
        public static final int SIZEOF = 8;
    }

    /** Message Signalled Interrupts capability, {@code PCI_MSI_*} (PCI 3.0, 6.8.1). */
    public static final class Msi {
        private Msi() {
        }

        /** Message Control, 16 bits at +2 (PCI 3.0, 6.8.1.3). */
        public static final int FLAGS = 2;
        /** Message Control bit 0, RW: MSI Enable. */
        public static final int FLAGS_ENABLE = 0x0001;
        /** Message Control bits 3:1, RO: Multiple Message Capable, log2 of the vectors requested. */
        public static final int FLAGS_QMASK = 0x000e;
        /** Message Control bits 6:4, RW: Multiple Message Enable, log2 of the vectors allocated. */
        public static final int FLAGS_QSIZE = 0x0070;
        /** Message Control bit 7, RO: 64-bit address capable. */
        public static final int FLAGS_64BIT = 0x0080;
        /** Message Control bit 8, RO: per-vector masking capable (Mask and Pending Bits present). */
        public static final int FLAGS_MASKBIT = 0x0100;
        /** Message Control bit 9, RO: Extended Message Data capable (PCIe 6.0, 7.7.1.2). */
        public static final int FLAGS_EXT_DATA_CAP = 0x0200;
        /** Message Control bit 10, RW if {@link #FLAGS_EXT_DATA_CAP}: Extended Message Data enable (PCIe 6.0, 7.7.1.2). */
        public static final int FLAGS_EXT_DATA_EN = 0x0400;
        /** Message Control bits 15:11, reserved RO 0 ({@code PCI_MSI_RFU} names the byte at +3). */
        public static final int FLAGS_RESERVED = 0xf800;
        /** Message Address, 32 bits at +4: bits 31:2 RW, bits 1:0 RO 0 (PCI 3.0, 6.8.1.4). */
        public static final int ADDRESS_LO = 4;
        /** Message Address bits 1:0, reserved RO 0. */
        public static final int ADDRESS_LO_RESERVED = 0x00000003;
        /** Message Upper Address, 32 bits at +8, RW; only with {@link #FLAGS_64BIT} (PCI 3.0, 6.8.1.5). */
        public static final int ADDRESS_HI = 8;
        /** Message Data, 16 bits at +8, RW, 32-bit layout (PCI 3.0, 6.8.1.6). */
        public static final int DATA_32 = 8;
        /** Extended Message Data, 16 bits at +0xa, RW if enabled, 32-bit layout (PCIe 6.0, 7.7.1.7). */
        public static final int EXT_DATA_32 = 10;
        /** Mask Bits, 32 bits at +0xc, RW for implemented vectors, 32-bit layout (PCI 3.0, 6.8.1.7). */
        public static final int MASK_32 = 12;
        /** Pending Bits, 32 bits at +0x10, RO, 32-bit layout (PCI 3.0, 6.8.1.8). */
        public static final int PENDING_32 = 16;
        /** Message Data, 16 bits at +0xc, RW, 64-bit layout. */
        public static final int DATA_64 = 12;
        /** Extended Message Data, 16 bits at +0xe, RW if enabled, 64-bit layout. */
        public static final int EXT_DATA_64 = 14;
        /** Mask Bits, 32 bits at +0x10, RW for implemented vectors, 64-bit layout. */
        public static final int MASK_64 = 16;
        /** Pending Bits, 32 bits at +0x14, RO, 64-bit layout. */
        public static final int PENDING_64 = 20;
        /** Length of a 32-bit MSI capability without per-vector masking: 10 bytes. */
        public static final int SIZEOF_32 = 10;
        /** Length of a 64-bit MSI capability without per-vector masking: 14 bytes. */
        public static final int SIZEOF_64 = 14;
        /** Length of a 32-bit MSI capability with per-vector masking: 20 bytes. */
        public static final int SIZEOF_32_MASK = 20;
        /** Length of a 64-bit MSI capability with per-vector masking: 24 bytes. */
        public static final int SIZEOF_64_MASK = 24;
        /** Most vectors MSI can signal: 32 (Multiple Message Capable 101b). */
        public static final int MAX_VECTORS = 32;
    }

    /** MSI-X capability, {@code PCI_MSIX_*} (PCI 3.0, 6.8.2). */
    public static final class Msix {
        private Msix() {
        }

        /** Message Control, 16 bits at +2 (PCI 3.0, 6.8.2.3). */
        public static final int FLAGS = 2;
        /** Message Control bits 10:0, RO: Table Size, the number of entries minus one. */
        public static final int FLAGS_QSIZE = 0x07ff;
        /** Message Control bits 13:11, reserved RO 0. */
        public static final int FLAGS_RESERVED = 0x3800;
        /** Message Control bit 14, RW: Function Mask, masks every vector. */
        public static final int FLAGS_MASKALL = 0x4000;
        /** Message Control bit 15, RW: MSI-X Enable. */
        public static final int FLAGS_ENABLE = 0x8000;
        /** Table Offset/Table BIR, 32 bits at +4, RO (PCI 3.0, 6.8.2.4). */
        public static final int TABLE = 4;
        /** Table BIR, bits 2:0, RO: which BAR holds the table. */
        public static final int TABLE_BIR = 0x00000007;
        /** Table Offset, bits 31:3, RO: QWORD-aligned offset of the table in its BAR. */
        public static final int TABLE_OFFSET = 0xfffffff8;
        /** PBA Offset/PBA BIR, 32 bits at +8, RO (PCI 3.0, 6.8.2.5). */
        public static final int PBA = 8;
        /** PBA BIR, bits 2:0, RO: which BAR holds the Pending Bit Array. */
        public static final int PBA_BIR = 0x00000007;
        /** PBA Offset, bits 31:3, RO: QWORD-aligned offset of the PBA in its BAR. */
        public static final int PBA_OFFSET = 0xfffffff8;
        /** Length of the MSI-X capability: 12 bytes. */
        public static final int SIZEOF = 12;
        /** Size of one table entry: 16 bytes (PCI 3.0, 6.8.2.6). */
        public static final int ENTRY_SIZE = 16;
        /** Entry Message Address, 32 bits at entry +0: bits 31:2 RW, bits 1:0 RO 0 (PCI 3.0, 6.8.2.6). */
        public static final int ENTRY_LOWER_ADDR = 0;
        /** Entry Message Address bits 1:0, RO 0: messages are DWORD aligned (PCI 3.0, 6.8.2.6). */
        public static final int ENTRY_LOWER_ADDR_RESERVED = 0x00000003;
        /** Entry Message Upper Address, 32 bits at entry +4, RW (PCI 3.0, 6.8.2.7). */
        public static final int ENTRY_UPPER_ADDR = 4;
        /** Entry Message Data, 32 bits at entry +8, RW (PCI 3.0, 6.8.2.8). */
        public static final int ENTRY_DATA = 8;
        /** Entry Vector Control, 32 bits at entry +0xc (PCI 3.0, 6.8.2.9). */
        public static final int ENTRY_VECTOR_CTRL = 12;
        /** Vector Control bit 0, RW, set after reset: the entry is masked. Bits 31:1 reserved. */
        public static final int ENTRY_CTRL_MASKBIT = 0x00000001;
        /**
         * Vector Control bits 31:1, reserved RO 0 (PCI 3.0, 6.8.2.9; PCIe 6.0, 7.7.2 gives bits 31:16 to
         * TPH Steering Tags where the ST table lives in the MSI-X table).
         */
        public static final int ENTRY_CTRL_RESERVED = 0xfffffffe;
        /** Most entries a table can have: 2048. */
        public static final int MAX_ENTRIES = 2048;
    }

    /** Vital Product Data capability, {@code PCI_VPD_*} (PCI 3.0, 6.4 and appendix I). */
    public static final class Vpd {
        private Vpd() {
        }

        /** VPD Address, 16 bits at +2: bits 14:0 RW address, bit 15 RW flag F (PCI 3.0, 6.4). */
        public static final int ADDR = 2;
        /** VPD Address bits 14:0: the byte address in VPD storage. */
        public static final int ADDR_MASK = 0x7fff;
        /**
         * VPD Address bit 15, the F flag: software writes 0 with the address to request a read and
         * the function sets it to 1 when {@link #DATA} holds the four bytes; software writes 1 after
         * filling {@link #DATA} to request a write and the function clears it when stored.
         */
        public static final int ADDR_F = 0x8000;
        /** VPD Data, 32 bits at +4, RW: four bytes of VPD, the first at the lowest address. */
        public static final int DATA = 4;
        /** Length of the VPD capability: 8 bytes. */
        public static final int SIZEOF = 8;
        /** Largest VPD address space: 32 KiB (15 address bits). */
        public static final int MAX_SIZE = 0x8000;
        /** Large resource data type flag in a VPD tag byte (PCI 3.0, I.1). */
        public static final int LRDT = 0x80;
        /** Large resource tag: Identifier String (PCI 3.0, I.1). */
        public static final int LRDT_ID_STRING = 0x82;
        /** Large resource tag: VPD-R, read-only keywords (PCI 3.0, I.3.1). */
        public static final int LRDT_RO_DATA = 0x90;
        /** Large resource tag: VPD-W, read-write keywords (PCI 3.0, I.3.2). */
        public static final int LRDT_RW_DATA = 0x91;
        /** Small resource tag: End Tag, item 0xf with length 0 (PCI 3.0, I.1). */
        public static final int SRDT_END = 0x78;
        /** VPD-R keyword: part number. */
        public static final String KEYWORD_PARTNO = "PN";
        /** VPD-R keyword: engineering change level. */
        public static final String KEYWORD_EC = "EC";
        /** VPD-R keyword: serial number. */
        public static final String KEYWORD_SERIALNO = "SN";
        /** VPD-R keyword: checksum and reserved; its first byte makes the sum of all bytes up to it 0. */
        public static final String KEYWORD_CHKSUM = "RV";
    }

    /** Vendor-specific capability (PCI 3.0, 6.7): id, next, a length byte, then vendor-defined registers. */
    public static final class Vndr {
        private Vndr() {
        }

        /** Length, 8 bits at +2, RO: bytes of the capability, header included (vfio reads it at {@code PCI_CAP_FLAGS}). */
        public static final int LEN = 2;
        /** The smallest vendor-specific capability: id, next and length, 3 bytes. */
        public static final int MIN_SIZEOF = 3;
    }

    /** PCI Express capability, {@code PCI_EXP_*} (PCIe 6.0, 7.5.3). */
    public static final class Exp {
        private Exp() {
        }

        /** PCI Express Capabilities register, 16 bits at +2, RO (PCIe 6.0, 7.5.3.2). */
        public static final int FLAGS = 2;
        /** Flags bits 3:0, RO: capability version (1 or 2). */
        public static final int FLAGS_VERS = 0x000f;
        /** Flags bits 7:4, RO: device/port type, one of the {@code TYPE_*} values after shifting. */
        public static final int FLAGS_TYPE = 0x00f0;
        /** Shift of {@link #FLAGS_TYPE}. */
        public static final int FLAGS_TYPE_SHIFT = 4;
        /** Flags bit 8, RO (HwInit): slot implemented (downstream ports). */
        public static final int FLAGS_SLOT = 0x0100;
        /** Flags bits 13:9, RO: interrupt message number. */
        public static final int FLAGS_IRQ = 0x3e00;
        /** Device/port type 0: PCI Express Endpoint. */
        public static final int TYPE_ENDPOINT = 0x0;
        /** Device/port type 1: Legacy PCI Express Endpoint. */
        public static final int TYPE_LEG_END = 0x1;
        /** Device/port type 4: Root Port of a Root Complex. */
        public static final int TYPE_ROOT_PORT = 0x4;
        /** Device/port type 5: Upstream Port of a switch. */
        public static final int TYPE_UPSTREAM = 0x5;
        /** Device/port type 6: Downstream Port of a switch. */
        public static final int TYPE_DOWNSTREAM = 0x6;
        /** Device/port type 7: PCI Express to PCI/PCI-X bridge. */
        public static final int TYPE_PCI_BRIDGE = 0x7;
        /** Device/port type 8: PCI/PCI-X to PCI Express bridge. */
        public static final int TYPE_PCIE_BRIDGE = 0x8;
        /** Device/port type 9: Root Complex Integrated Endpoint (no link registers). */
        public static final int TYPE_RC_END = 0x9;
        /** Device/port type 10: Root Complex Event Collector. */
        public static final int TYPE_RC_EC = 0xa;

        /** Device Capabilities, 32 bits at +4, RO (PCIe 6.0, 7.5.3.3). */
        public static final int DEVCAP = 4;
        /** DEVCAP bits 2:0, RO: Max_Payload_Size supported (128 << n bytes). */
        public static final int DEVCAP_PAYLOAD = 0x00000007;
        /** DEVCAP bits 4:3, RO: phantom functions supported. */
        public static final int DEVCAP_PHANTOM = 0x00000018;
        /** DEVCAP bit 5, RO: 8-bit tag field supported. */
        public static final int DEVCAP_EXT_TAG = 0x00000020;
        /** DEVCAP bits 8:6, RO: endpoint L0s acceptable latency. */
        public static final int DEVCAP_L0S = 0x000001c0;
        /** DEVCAP bits 11:9, RO: endpoint L1 acceptable latency. */
        public static final int DEVCAP_L1 = 0x00000e00;
        /** DEVCAP bit 12, RO: attention button present (PCIe 1.0a; reserved since). */
        public static final int DEVCAP_ATN_BUT = 0x00001000;
        /** DEVCAP bit 13, RO: attention indicator present (PCIe 1.0a; reserved since). */
        public static final int DEVCAP_ATN_IND = 0x00002000;
        /** DEVCAP bit 14, RO: power indicator present (PCIe 1.0a; reserved since). */
        public static final int DEVCAP_PWR_IND = 0x00004000;
        /** DEVCAP bit 15, RO: role-based error reporting. */
        public static final int DEVCAP_RBER = 0x00008000;
        /** DEVCAP bits 25:18, RO: captured slot power limit value. */
        public static final int DEVCAP_PWR_VAL = 0x03fc0000;
        /** DEVCAP bits 27:26, RO: captured slot power limit scale. */
        public static final int DEVCAP_PWR_SCL = 0x0c000000;
        /** DEVCAP bit 28, RO: Function Level Reset capable (PCIe 6.0, 6.6.2). */
        public static final int DEVCAP_FLR = 0x10000000;

        /** Device Control, 16 bits at +8 (PCIe 6.0, 7.5.3.4). */
        public static final int DEVCTL = 8;
        /** DEVCTL bit 0, RW: correctable error reporting enable. */
        public static final int DEVCTL_CERE = 0x0001;
        /** DEVCTL bit 1, RW: non-fatal error reporting enable. */
        public static final int DEVCTL_NFERE = 0x0002;
        /** DEVCTL bit 2, RW: fatal error reporting enable. */
        public static final int DEVCTL_FERE = 0x0004;
        /** DEVCTL bit 3, RW: unsupported request reporting enable. */
        public static final int DEVCTL_URRE = 0x0008;
        /** DEVCTL bit 4, RW: enable relaxed ordering. */
        public static final int DEVCTL_RELAX_EN = 0x0010;
        /** DEVCTL bits 7:5, RW: Max_Payload_Size (128 << n bytes). */
        public static final int DEVCTL_PAYLOAD = 0x00e0;
        /** DEVCTL bit 8, RW: extended (8-bit) tag field enable. */
        public static final int DEVCTL_EXT_TAG = 0x0100;
        /** DEVCTL bit 9, RW if phantom functions are supported, else RO 0: phantom functions enable. */
        public static final int DEVCTL_PHANTOM = 0x0200;
        /** DEVCTL bit 10, RW (sticky): aux power PM enable. */
        public static final int DEVCTL_AUX_PME = 0x0400;
        /** DEVCTL bit 11, RW: enable no snoop. */
        public static final int DEVCTL_NOSNOOP_EN = 0x0800;
        /** DEVCTL bits 14:12, RW: Max_Read_Request_Size (128 << n bytes). */
        public static final int DEVCTL_READRQ = 0x7000;
        /**
         * DEVCTL bit 15: for an endpoint with {@link #DEVCAP_FLR}, Initiate Function Level Reset
         * (RW, always reads 0; writing 1 resets the function, PCIe 6.0 6.6.2); for a PCI Express to
         * PCI/PCI-X bridge, Bridge Configuration Retry Enable (RW); reserved otherwise.
         */
        public static final int DEVCTL_BCR_FLR = 0x8000;

        /** Device Status, 16 bits at +0xa (PCIe 6.0, 7.5.3.5). */
        public static final int DEVSTA = 10;
        /** DEVSTA bit 0, RW1C: correctable error detected. */
        public static final int DEVSTA_CED = 0x0001;
        /** DEVSTA bit 1, RW1C: non-fatal error detected. */
        public static final int DEVSTA_NFED = 0x0002;
        /** DEVSTA bit 2, RW1C: fatal error detected. */
        public static final int DEVSTA_FED = 0x0004;
        /** DEVSTA bit 3, RW1C: unsupported request detected. */
        public static final int DEVSTA_URD = 0x0008;
        /** DEVSTA bit 4, RO: aux power detected. */
        public static final int DEVSTA_AUXPD = 0x0010;
        /** DEVSTA bit 5, RO: transactions pending. */
        public static final int DEVSTA_TRPND = 0x0020;
        /** Every RW1C bit of Device Status. */
        public static final int DEVSTA_RW1C = DEVSTA_CED | DEVSTA_NFED | DEVSTA_FED | DEVSTA_URD;

        /** Link Capabilities, 32 bits at +0xc, RO (PCIe 6.0, 7.5.3.6). */
        public static final int LNKCAP = 12;
        /** LNKCAP bits 3:0, RO: max link speed. */
        public static final int LNKCAP_SLS = 0x0000000f;
        /** LNKCAP bits 9:4, RO: maximum link width. */
        public static final int LNKCAP_MLW = 0x000003f0;
        /** LNKCAP bits 11:10, RO: ASPM support. */
        public static final int LNKCAP_ASPMS = 0x00000c00;
        /** LNKCAP bits 14:12, RO: L0s exit latency. */
        public static final int LNKCAP_L0SEL = 0x00007000;
        /** LNKCAP bits 17:15, RO: L1 exit latency. */
        public static final int LNKCAP_L1EL = 0x00038000;
        /** LNKCAP bit 18, RO: clock power management (CLKREQ#). */
        public static final int LNKCAP_CLKPM = 0x00040000;
        /** LNKCAP bit 19, RO: surprise down error reporting capable. */
        public static final int LNKCAP_SDERC = 0x00080000;
        /** LNKCAP bit 20, RO: data link layer link active reporting capable. */
        public static final int LNKCAP_DLLLARC = 0x00100000;
        /** LNKCAP bit 21, RO: link bandwidth notification capable. */
        public static final int LNKCAP_LBNC = 0x00200000;
        /** LNKCAP bits 31:24, RO: port number. */
        public static final int LNKCAP_PN = 0xff000000;

        /** Link Control, 16 bits at +0x10 (PCIe 6.0, 7.5.3.7). */
        public static final int LNKCTL = 16;
        /** LNKCTL bits 1:0, RW: ASPM control. */
        public static final int LNKCTL_ASPMC = 0x0003;
        /** LNKCTL bit 3: read completion boundary, RW for endpoints and bridges, RO for root ports. */
        public static final int LNKCTL_RCB = 0x0008;
        /** LNKCTL bit 4, RW in downstream ports, reserved otherwise: link disable. */
        public static final int LNKCTL_LD = 0x0010;
        /** LNKCTL bit 5, RW in downstream ports, always reads 0: retrain link. */
        public static final int LNKCTL_RL = 0x0020;
        /** LNKCTL bit 6, RW: common clock configuration. */
        public static final int LNKCTL_CCC = 0x0040;
        /** LNKCTL bit 7, RW: extended synch. */
        public static final int LNKCTL_ES = 0x0080;
        /** LNKCTL bit 8, RW if {@link #LNKCAP_CLKPM}, else RO 0: enable clock power management. */
        public static final int LNKCTL_CLKREQ_EN = 0x0100;
        /** LNKCTL bit 9, RW: hardware autonomous width disable. */
        public static final int LNKCTL_HAWD = 0x0200;
        /** LNKCTL bit 10, RW in downstream ports with {@link #LNKCAP_LBNC}: link bandwidth management interrupt enable. */
        public static final int LNKCTL_LBMIE = 0x0400;
        /** LNKCTL bit 11, RW in downstream ports with {@link #LNKCAP_LBNC}: link autonomous bandwidth interrupt enable. */
        public static final int LNKCTL_LABIE = 0x0800;

        /** Link Status, 16 bits at +0x12 (PCIe 6.0, 7.5.3.8). */
        public static final int LNKSTA = 18;
        /** LNKSTA bits 3:0, RO: current link speed. */
        public static final int LNKSTA_CLS = 0x000f;
        /** LNKSTA bits 9:4, RO: negotiated link width. */
        public static final int LNKSTA_NLW = 0x03f0;
        /** LNKSTA bit 11, RO: link training. */
        public static final int LNKSTA_LT = 0x0800;
        /** LNKSTA bit 12, RO (HwInit): slot clock configuration. */
        public static final int LNKSTA_SLC = 0x1000;
        /** LNKSTA bit 13, RO: data link layer link active. */
        public static final int LNKSTA_DLLLA = 0x2000;
        /** LNKSTA bit 14, RW1C in downstream ports with {@link #LNKCAP_LBNC}: link bandwidth management status. */
        public static final int LNKSTA_LBMS = 0x4000;
        /** LNKSTA bit 15, RW1C in downstream ports with {@link #LNKCAP_LBNC}: link autonomous bandwidth status. */
        public static final int LNKSTA_LABS = 0x8000;

        /** Slot Capabilities, 32 bits at +0x14, RO (HwInit) (PCIe 6.0, 7.5.3.9). */
        public static final int SLTCAP = 20;
        /** SLTCAP bit 0, RO: attention button present. */
        public static final int SLTCAP_ABP = 0x00000001;
        /** SLTCAP bit 1, RO: power controller present. */
        public static final int SLTCAP_PCP = 0x00000002;
        /** SLTCAP bit 2, RO: MRL sensor present. */
        public static final int SLTCAP_MRLSP = 0x00000004;
        /** SLTCAP bit 3, RO: attention indicator present. */
        public static final int SLTCAP_AIP = 0x00000008;
        /** SLTCAP bit 4, RO: power indicator present. */
        public static final int SLTCAP_PIP = 0x00000010;
        /** SLTCAP bit 5, RO: hot-plug surprise. */
        public static final int SLTCAP_HPS = 0x00000020;
        /** SLTCAP bit 6, RO: hot-plug capable. */
        public static final int SLTCAP_HPC = 0x00000040;
        /** SLTCAP bits 14:7, RO: slot power limit value. */
        public static final int SLTCAP_SPLV = 0x00007f80;
        /** SLTCAP bits 16:15, RO: slot power limit scale. */
        public static final int SLTCAP_SPLS = 0x00018000;
        /** SLTCAP bit 17, RO: electromechanical interlock present. */
        public static final int SLTCAP_EIP = 0x00020000;
        /** SLTCAP bit 18, RO: no command completed support. */
        public static final int SLTCAP_NCCS = 0x00040000;
        /** SLTCAP bits 31:19, RO: physical slot number. */
        public static final int SLTCAP_PSN = 0xfff80000;

        /** Slot Control, 16 bits at +0x18, RW where the slot implements the feature (PCIe 6.0, 7.5.3.10). */
        public static final int SLTCTL = 24;
        /** SLTCTL bit 0, RW: attention button pressed enable. */
        public static final int SLTCTL_ABPE = 0x0001;
        /** SLTCTL bit 1, RW: power fault detected enable. */
        public static final int SLTCTL_PFDE = 0x0002;
        /** SLTCTL bit 2, RW: MRL sensor changed enable. */
        public static final int SLTCTL_MRLSCE = 0x0004;
        /** SLTCTL bit 3, RW: presence detect changed enable. */
        public static final int SLTCTL_PDCE = 0x0008;
        /** SLTCTL bit 4, RW: command completed interrupt enable. */
        public static final int SLTCTL_CCIE = 0x0010;
        /** SLTCTL bit 5, RW: hot-plug interrupt enable. */
        public static final int SLTCTL_HPIE = 0x0020;
        /** SLTCTL bits 7:6, RW: attention indicator control. */
        public static final int SLTCTL_AIC = 0x00c0;
        /** SLTCTL bits 9:8, RW: power indicator control. */
        public static final int SLTCTL_PIC = 0x0300;
        /** SLTCTL bit 10, RW: power controller control. */
        public static final int SLTCTL_PCC = 0x0400;
        /** SLTCTL bit 11, RW: electromechanical interlock control (reads 0). */
        public static final int SLTCTL_EIC = 0x0800;
        /** SLTCTL bit 12, RW: data link layer state changed enable. */
        public static final int SLTCTL_DLLSCE = 0x1000;
        /** SLTCTL bit 13, RW: auto slot power limit disable. */
        public static final int SLTCTL_ASPL_DISABLE = 0x2000;
        /** SLTCTL bit 14, RW: in-band presence detect disable. */
        public static final int SLTCTL_IBPD_DISABLE = 0x4000;

        /** Slot Status, 16 bits at +0x1a (PCIe 6.0, 7.5.3.11). */
        public static final int SLTSTA = 26;
        /** SLTSTA bit 0, RW1C: attention button pressed. */
        public static final int SLTSTA_ABP = 0x0001;
        /** SLTSTA bit 1, RW1C: power fault detected. */
        public static final int SLTSTA_PFD = 0x0002;
        /** SLTSTA bit 2, RW1C: MRL sensor changed. */
        public static final int SLTSTA_MRLSC = 0x0004;
        /** SLTSTA bit 3, RW1C: presence detect changed. */
        public static final int SLTSTA_PDC = 0x0008;
        /** SLTSTA bit 4, RW1C: command completed. */
        public static final int SLTSTA_CC = 0x0010;
        /** SLTSTA bit 5, RO: MRL sensor state. */
        public static final int SLTSTA_MRLSS = 0x0020;
        /** SLTSTA bit 6, RO: presence detect state. */
        public static final int SLTSTA_PDS = 0x0040;
        /** SLTSTA bit 7, RO: electromechanical interlock status. */
        public static final int SLTSTA_EIS = 0x0080;
        /** SLTSTA bit 8, RW1C: data link layer state changed. */
        public static final int SLTSTA_DLLSC = 0x0100;
        /** Every RW1C bit of Slot Status. */
        public static final int SLTSTA_RW1C = SLTSTA_ABP | SLTSTA_PFD | SLTSTA_MRLSC | SLTSTA_PDC | SLTSTA_CC
                | SLTSTA_DLLSC;

        /** Root Control, 16 bits at +0x1c, root ports and event collectors (PCIe 6.0, 7.5.3.12). */
        public static final int RTCTL = 28;
        /** RTCTL bit 0, RW: system error on correctable error enable. */
        public static final int RTCTL_SECEE = 0x0001;
        /** RTCTL bit 1, RW: system error on non-fatal error enable. */
        public static final int RTCTL_SENFEE = 0x0002;
        /** RTCTL bit 2, RW: system error on fatal error enable. */
        public static final int RTCTL_SEFEE = 0x0004;
        /** RTCTL bit 3, RW: PME interrupt enable. */
        public static final int RTCTL_PMEIE = 0x0008;
        /** RTCTL bit 4, RW if {@link #RTCAP_CRSVIS}: CRS software visibility enable. */
        public static final int RTCTL_CRSSVE = 0x0010;
        /** Root Capabilities, 16 bits at +0x1e, RO (PCIe 6.0, 7.5.3.13). */
        public static final int RTCAP = 30;
        /** RTCAP bit 0, RO: CRS software visibility. */
        public static final int RTCAP_CRSVIS = 0x0001;
        /** Root Status, 32 bits at +0x20 (PCIe 6.0, 7.5.3.14). */
        public static final int RTSTA = 32;
        /** RTSTA bits 15:0, RO: PME requester ID. */
        public static final int RTSTA_PME_RQ_ID = 0x0000ffff;
        /** RTSTA bit 16, RW1C: PME status. */
        public static final int RTSTA_PME = 0x00010000;
        /** RTSTA bit 17, RO: PME pending. */
        public static final int RTSTA_PENDING = 0x00020000;

        /** Device Capabilities 2, 32 bits at +0x24, RO, version 2 only (PCIe 6.0, 7.5.3.15). */
        public static final int DEVCAP2 = 36;
        /** DEVCAP2 bits 3:0, RO: completion timeout ranges supported. */
        public static final int DEVCAP2_COMP_TMOUT_RANGES = 0x0000000f;
        /** DEVCAP2 bit 4, RO: completion timeout disable supported. */
        public static final int DEVCAP2_COMP_TMOUT_DIS = 0x00000010;
        /** DEVCAP2 bit 5, RO: ARI forwarding supported (downstream ports). */
        public static final int DEVCAP2_ARI = 0x00000020;
        /** DEVCAP2 bit 6, RO: AtomicOp routing supported. */
        public static final int DEVCAP2_ATOMIC_ROUTE = 0x00000040;
        /** DEVCAP2 bit 7, RO: 32-bit AtomicOp completer supported. */
        public static final int DEVCAP2_ATOMIC_COMP32 = 0x00000080;
        /** DEVCAP2 bit 8, RO: 64-bit AtomicOp completer supported. */
        public static final int DEVCAP2_ATOMIC_COMP64 = 0x00000100;
        /** DEVCAP2 bit 9, RO: 128-bit CAS completer supported. */
        public static final int DEVCAP2_ATOMIC_COMP128 = 0x00000200;
        /** DEVCAP2 bit 11, RO: latency tolerance reporting supported. */
        public static final int DEVCAP2_LTR = 0x00000800;
        /** DEVCAP2 bits 19:18, RO: OBFF supported. */
        public static final int DEVCAP2_OBFF_MASK = 0x000c0000;
        /** DEVCAP2 bit 21, RO: end-end TLP prefix supported. */
        public static final int DEVCAP2_EE_PREFIX = 0x00200000;

        /** Device Control 2, 16 bits at +0x28, version 2 only (PCIe 6.0, 7.5.3.16). */
        public static final int DEVCTL2 = 40;
        /** DEVCTL2 bits 3:0, RW: completion timeout value. */
        public static final int DEVCTL2_COMP_TIMEOUT = 0x000f;
        /** DEVCTL2 bit 4, RW: completion timeout disable. */
        public static final int DEVCTL2_COMP_TMOUT_DIS = 0x0010;
        /** DEVCTL2 bit 5, RW in downstream ports with {@link #DEVCAP2_ARI}, else reserved: ARI forwarding enable. */
        public static final int DEVCTL2_ARI = 0x0020;
        /** DEVCTL2 bit 6, RW: AtomicOp requester enable. */
        public static final int DEVCTL2_ATOMIC_REQ = 0x0040;
        /** DEVCTL2 bit 7, RW (ports with AtomicOp routing): AtomicOp egress blocking. */
        public static final int DEVCTL2_ATOMIC_EGRESS_BLOCK = 0x0080;
        /** DEVCTL2 bit 8, RW: IDO request enable. */
        public static final int DEVCTL2_IDO_REQ_EN = 0x0100;
        /** DEVCTL2 bit 9, RW: IDO completion enable. */
        public static final int DEVCTL2_IDO_CMP_EN = 0x0200;
        /** DEVCTL2 bit 10, RW if {@link #DEVCAP2_LTR}: LTR mechanism enable. */
        public static final int DEVCTL2_LTR_EN = 0x0400;
        /** DEVCTL2 bit 11, RW where Emergency Power Reduction is supported: Emergency Power Reduction Request (PCIe 6.0, 7.5.3.16). */
        public static final int DEVCTL2_EMERG_PWR_REDUCTION_REQ = 0x0800;
        /** DEVCTL2 bit 12, RW where 10-bit tag requests are supported: 10-Bit Tag Requester Enable (PCIe 6.0, 7.5.3.16). */
        public static final int DEVCTL2_10BIT_TAG_REQ = 0x1000;
        /** DEVCTL2 bits 14:13, RW: OBFF enable (01b message A, 10b message B, 11b WAKE#). */
        public static final int DEVCTL2_OBFF_WAKE_EN = 0x6000;
        /** DEVCTL2 bit 15, RW: end-end TLP prefix blocking. */
        public static final int DEVCTL2_EE_PREFIX_BLOCK = 0x8000;
        /** Device Status 2, 16 bits at +0x2a, reserved (PCIe 6.0, 7.5.3.17). */
        public static final int DEVSTA2 = 42;

        /** Link Capabilities 2, 32 bits at +0x2c, RO (PCIe 6.0, 7.5.3.18). */
        public static final int LNKCAP2 = 44;
        /** LNKCAP2 bits 7:1, RO: supported link speeds vector (2.5, 5, 8, 16, 32, 64 GT/s). */
        public static final int LNKCAP2_SLS = 0x000000fe;
        /** LNKCAP2 bit 8, RO: crosslink supported. */
        public static final int LNKCAP2_CROSSLINK = 0x00000100;
        /** Link Control 2, 16 bits at +0x30 (PCIe 6.0, 7.5.3.19). */
        public static final int LNKCTL2 = 48;
        /** LNKCTL2 bits 3:0, RW: target link speed. */
        public static final int LNKCTL2_TLS = 0x000f;
        /** LNKCTL2 bit 4, RW: enter compliance. */
        public static final int LNKCTL2_ENTER_COMP = 0x0010;
        /** LNKCTL2 bit 5, RW: hardware autonomous speed disable. */
        public static final int LNKCTL2_HASD = 0x0020;
        /** LNKCTL2 bit 6, RO (HwInit) for upstream components: selectable de-emphasis. */
        public static final int LNKCTL2_SELECTABLE_DEEMPHASIS = 0x0040;
        /** LNKCTL2 bits 9:7, RW: transmit margin. */
        public static final int LNKCTL2_TX_MARGIN = 0x0380;
        /** LNKCTL2 bit 10, RW: enter modified compliance. */
        public static final int LNKCTL2_MOD_COMP = 0x0400;
        /** LNKCTL2 bit 11, RW: compliance SOS. */
        public static final int LNKCTL2_COMP_SOS = 0x0800;
        /** LNKCTL2 bits 15:12, RW: compliance preset/de-emphasis. */
        public static final int LNKCTL2_COMP_PRESET = 0xf000;
        /** Link Status 2, 16 bits at +0x32, RO here (PCIe 6.0, 7.5.3.20). */
        public static final int LNKSTA2 = 50;
        /** Slot Capabilities 2, 32 bits at +0x34, RO (PCIe 6.0, 7.5.3.21). */
        public static final int SLTCAP2 = 52;
        /** Slot Control 2, 16 bits at +0x38, reserved (PCIe 6.0, 7.5.3.22). */
        public static final int SLTCTL2 = 56;
        /** Slot Status 2, 16 bits at +0x3a, reserved (PCIe 6.0, 7.5.3.23). */
        public static final int SLTSTA2 = 58;

        /** Version 1 capability of an RC integrated endpoint: device registers only, 12 bytes. */
        public static final int RC_ENDPOINT_SIZEOF_V1 = 12;
        /** Version 1 capability of an endpoint with a link: through Link Status, 20 bytes. */
        public static final int ENDPOINT_SIZEOF_V1 = 20;
        /** Version 1 capability of a port: through Root Status, 36 bytes (PCIe 1.1, 7.8). */
        public static final int SIZEOF_V1 = 36;
        /** Version 2 capability of an RC integrated endpoint: through Device Status 2, 44 bytes. */
        public static final int RC_ENDPOINT_SIZEOF_V2 = 44;
        /** Version 2 capability of an endpoint with a link: through Link Status 2, 52 bytes. */
        public static final int ENDPOINT_SIZEOF_V2 = 52;
        /** Version 2 capability of a port: through Slot Status 2, 60 bytes (PCIe 6.0, 7.5.3). */
        public static final int SIZEOF_V2 = 60;
    }

    /** PCI Advanced Features capability, {@code PCI_AF_*} (PCI Advanced Features ECN, 2006). */
    public static final class Af {
        private Af() {
        }

        /** AF structure length, 8 bits at +2, RO (HwInit): 6. */
        public static final int LENGTH = 2;
        /** AF Capabilities, 8 bits at +3, RO. */
        public static final int CAP = 3;
        /** AF Capabilities bit 0, RO: Transactions Pending supported. */
        public static final int CAP_TP = 0x01;
        /** AF Capabilities bit 1, RO: Function Level Reset supported. */
        public static final int CAP_FLR = 0x02;
        /** AF Control, 8 bits at +4. */
        public static final int CTRL = 4;
        /** AF Control bit 0, RW if {@link #CAP_FLR}, always reads 0: writing 1 initiates FLR. */
        public static final int CTRL_FLR = 0x01;
        /** AF Status, 8 bits at +5. */
        public static final int STATUS = 5;
        /** AF Status bit 0, RO: transactions pending. */
        public static final int STATUS_TP = 0x01;
        /** Length of the AF capability: 6 bytes. */
        public static final int SIZEOF = 6;
    }

    /** Advanced Error Reporting extended capability, {@code PCI_ERR_*} (PCIe 6.0, 7.8.4). */
    public static final class Err {
        private Err() {
        }

        /** Uncorrectable Error Status, 32 bits at +4, RW1C (sticky) (PCIe 6.0, 7.8.4.2). */
        public static final int UNCOR_STATUS = 0x04;
        /** Uncorrectable bit 0: undefined (training error in PCIe 1.0a), reserved. */
        public static final int UNC_UND = 0x00000001;
        /** Uncorrectable bit 4: data link protocol error. */
        public static final int UNC_DLP = 0x00000010;
        /** Uncorrectable bit 5: surprise down error. */
        public static final int UNC_SURPDN = 0x00000020;
        /** Uncorrectable bit 12: poisoned TLP received. */
        public static final int UNC_POISON_TLP = 0x00001000;
        /** Uncorrectable bit 13: flow control protocol error. */
        public static final int UNC_FCP = 0x00002000;
        /** Uncorrectable bit 14: completion timeout. */
        public static final int UNC_COMP_TIME = 0x00004000;
        /** Uncorrectable bit 15: completer abort. */
        public static final int UNC_COMP_ABORT = 0x00008000;
        /** Uncorrectable bit 16: unexpected completion. */
        public static final int UNC_UNX_COMP = 0x00010000;
        /** Uncorrectable bit 17: receiver overflow. */
        public static final int UNC_RX_OVER = 0x00020000;
        /** Uncorrectable bit 18: malformed TLP. */
        public static final int UNC_MALF_TLP = 0x00040000;
        /** Uncorrectable bit 19: ECRC error. */
        public static final int UNC_ECRC = 0x00080000;
        /** Uncorrectable bit 20: unsupported request error. */
        public static final int UNC_UNSUP = 0x00100000;
        /** Uncorrectable bit 21: ACS violation. */
        public static final int UNC_ACSV = 0x00200000;
        /** Uncorrectable bit 22: uncorrectable internal error. */
        public static final int UNC_INTN = 0x00400000;
        /** Uncorrectable bit 23: MC blocked TLP. */
        public static final int UNC_MCBTLP = 0x00800000;
        /** Uncorrectable bit 24: AtomicOp egress blocked. */
        public static final int UNC_ATOMEG = 0x01000000;
        /** Uncorrectable bit 25: TLP prefix blocked error. */
        public static final int UNC_TLPPRE = 0x02000000;
        /** Uncorrectable bit 26: poisoned TLP egress blocked. */
        public static final int UNC_POISON_BLK = 0x04000000;
        /** Uncorrectable bit 27: DMWr request egress blocked. */
        public static final int UNC_DMWR_BLK = 0x08000000;
        /** Uncorrectable bit 28: IDE check failed. */
        public static final int UNC_IDE_CHECK = 0x10000000;
        /** Uncorrectable bit 29: misrouted IDE TLP. */
        public static final int UNC_MISR_IDE = 0x20000000;
        /** Uncorrectable bit 30: PCRC check failed. */
        public static final int UNC_PCRC_CHECK = 0x40000000;
        /** Uncorrectable bit 31: TLP translation egress blocked. */
        public static final int UNC_XLAT_BLK = 0x80000000;
        /** Every defined uncorrectable error bit (bit 0 excluded: reserved). */
        public static final int UNC_DEFINED = UNC_DLP | UNC_SURPDN | UNC_POISON_TLP | UNC_FCP | UNC_COMP_TIME
                | UNC_COMP_ABORT | UNC_UNX_COMP | UNC_RX_OVER | UNC_MALF_TLP | UNC_ECRC | UNC_UNSUP | UNC_ACSV
                | UNC_INTN | UNC_MCBTLP | UNC_ATOMEG | UNC_TLPPRE | UNC_POISON_BLK | UNC_DMWR_BLK | UNC_IDE_CHECK
                | UNC_MISR_IDE | UNC_PCRC_CHECK | UNC_XLAT_BLK;
        /** Uncorrectable Error Mask, 32 bits at +8, RW (sticky) on the defined bits (PCIe 6.0, 7.8.4.3). */
        public static final int UNCOR_MASK = 0x08;
        /** Uncorrectable Error Severity, 32 bits at +0xc, RW (sticky) on the defined bits (PCIe 6.0, 7.8.4.4). */
        public static final int UNCOR_SEVER = 0x0c;

        /** Correctable Error Status, 32 bits at +0x10, RW1C (sticky) (PCIe 6.0, 7.8.4.5). */
        public static final int COR_STATUS = 0x10;
        /** Correctable bit 0: receiver error. */
        public static final int COR_RCVR = 0x00000001;
        /** Correctable bit 6: bad TLP. */
        public static final int COR_BAD_TLP = 0x00000040;
        /** Correctable bit 7: bad DLLP. */
        public static final int COR_BAD_DLLP = 0x00000080;
        /** Correctable bit 8: REPLAY_NUM rollover. */
        public static final int COR_REP_ROLL = 0x00000100;
        /** Correctable bit 12: replay timer timeout. */
        public static final int COR_REP_TIMER = 0x00001000;
        /** Correctable bit 13: advisory non-fatal error. */
        public static final int COR_ADV_NFAT = 0x00002000;
        /** Correctable bit 14: corrected internal error. */
        public static final int COR_INTERNAL = 0x00004000;
        /** Correctable bit 15: header log overflow. */
        public static final int COR_LOG_OVER = 0x00008000;
        /** Every defined correctable error bit. */
        public static final int COR_DEFINED = COR_RCVR | COR_BAD_TLP | COR_BAD_DLLP | COR_REP_ROLL | COR_REP_TIMER
                | COR_ADV_NFAT | COR_INTERNAL | COR_LOG_OVER;
        /** Correctable Error Mask, 32 bits at +0x14, RW (sticky) on the defined bits (PCIe 6.0, 7.8.4.6). */
        public static final int COR_MASK = 0x14;

        /** Advanced Error Capabilities and Control, 32 bits at +0x18 (PCIe 6.0, 7.8.4.7). */
        public static final int CAP = 0x18;
        /** CAP bits 4:0, RO (sticky): first error pointer. */
        public static final int CAP_FEP = 0x0000001f;
        /** CAP bit 5, RO: ECRC generation capable. */
        public static final int CAP_ECRC_GENC = 0x00000020;
        /** CAP bit 6, RW if {@link #CAP_ECRC_GENC} (sticky): ECRC generation enable. */
        public static final int CAP_ECRC_GENE = 0x00000040;
        /** CAP bit 7, RO: ECRC check capable. */
        public static final int CAP_ECRC_CHKC = 0x00000080;
        /** CAP bit 8, RW if {@link #CAP_ECRC_CHKC} (sticky): ECRC check enable. */
        public static final int CAP_ECRC_CHKE = 0x00000100;
        /** CAP bit 9, RO: multiple header recording capable. */
        public static final int CAP_MHRC = 0x00000200;
        /** CAP bit 10, RW if {@link #CAP_MHRC}: multiple header recording enable. */
        public static final int CAP_MHRE = 0x00000400;
        /** CAP bit 11, RO: TLP prefix log present. */
        public static final int CAP_PREFIX_LOG_PRESENT = 0x00000800;
        /** Header Log, 16 bytes at +0x1c, RO (sticky) (PCIe 6.0, 7.8.4.8). */
        public static final int HEADER_LOG = 0x1c;
        /** Length of the Header Log: 16 bytes. */
        public static final int HEADER_LOG_SIZE = 16;

        /** Root Error Command, 32 bits at +0x2c, root ports and event collectors (PCIe 6.0, 7.8.4.9). */
        public static final int ROOT_COMMAND = 0x2c;
        /** Root Error Command bit 0, RW: correctable error reporting enable. */
        public static final int ROOT_CMD_COR_EN = 0x00000001;
        /** Root Error Command bit 1, RW: non-fatal error reporting enable. */
        public static final int ROOT_CMD_NONFATAL_EN = 0x00000002;
        /** Root Error Command bit 2, RW: fatal error reporting enable. */
        public static final int ROOT_CMD_FATAL_EN = 0x00000004;
        /** Root Error Status, 32 bits at +0x30 (PCIe 6.0, 7.8.4.10). */
        public static final int ROOT_STATUS = 0x30;
        /** Root Error Status bit 0, RW1C (sticky): ERR_COR received. */
        public static final int ROOT_COR_RCV = 0x00000001;
        /** Root Error Status bit 1, RW1C (sticky): multiple ERR_COR received. */
        public static final int ROOT_MULTI_COR_RCV = 0x00000002;
        /** Root Error Status bit 2, RW1C (sticky): ERR_FATAL/NONFATAL received. */
        public static final int ROOT_UNCOR_RCV = 0x00000004;
        /** Root Error Status bit 3, RW1C (sticky): multiple ERR_FATAL/NONFATAL received. */
        public static final int ROOT_MULTI_UNCOR_RCV = 0x00000008;
        /** Root Error Status bit 4, RW1C (sticky): first uncorrectable fatal. */
        public static final int ROOT_FIRST_FATAL = 0x00000010;
        /** Root Error Status bit 5, RW1C (sticky): non-fatal error messages received. */
        public static final int ROOT_NONFATAL_RCV = 0x00000020;
        /** Root Error Status bit 6, RW1C (sticky): fatal error messages received. */
        public static final int ROOT_FATAL_RCV = 0x00000040;
        /** Root Error Status bits 31:27, RO: advanced error interrupt message number. */
        public static final int ROOT_AER_IRQ = 0xf8000000;
        /** Every RW1C bit of Root Error Status. */
        public static final int ROOT_STATUS_RW1C = ROOT_COR_RCV | ROOT_MULTI_COR_RCV | ROOT_UNCOR_RCV
                | ROOT_MULTI_UNCOR_RCV | ROOT_FIRST_FATAL | ROOT_NONFATAL_RCV | ROOT_FATAL_RCV;
        /** Error Source Identification, 32 bits at +0x34, RO (sticky) (PCIe 6.0, 7.8.4.11). */
        public static final int ROOT_ERR_SRC = 0x34;
        /** TLP Prefix Log, 16 bytes at +0x38, RO, when {@link #CAP_PREFIX_LOG_PRESENT} (PCIe 6.0, 7.8.4.12). */
        public static final int PREFIX_LOG = 0x38;
        /** Length of AER for a function other than a root port or event collector: 44 bytes. */
        public static final int SIZEOF = 0x2c;
        /** Length of AER for a root port or event collector: 56 bytes. */
        public static final int ROOT_SIZEOF = 0x38;
        /** Length of AER with the TLP Prefix Log: 72 bytes. */
        public static final int PREFIX_SIZEOF = 0x48;
    }

    /** Power Budgeting extended capability, {@code PCI_PWR_*} (PCIe 6.0, 7.8.1). */
    public static final class Pwr {
        private Pwr() {
        }

        /** Data Select, 8 bits at +4, RW: index of the power budget entry that {@link #DATA} reports (PCIe 6.0, 7.8.1.2). */
        public static final int DSR = 4;
        /** Data, 32 bits at +8, RO: the entry {@link #DSR} selects, 0 beyond the last entry (PCIe 6.0, 7.8.1.3). */
        public static final int DATA = 8;
        /** Data bits 7:0: base power. */
        public static final int DATA_BASE = 0x000000ff;
        /** Data bits 9:8: data scale. */
        public static final int DATA_SCALE = 0x00000300;
        /** Data bits 12:10: PM sub state. */
        public static final int DATA_PM_SUB = 0x00001c00;
        /** Data bits 14:13: PM state. */
        public static final int DATA_PM_STATE = 0x00006000;
        /** Data bits 17:15: type. */
        public static final int DATA_TYPE = 0x00038000;
        /** Data bits 20:18: power rail. */
        public static final int DATA_RAIL = 0x001c0000;
        /** Power Budget Capability, 8 bits at +0xc, RO (HwInit) (PCIe 6.0, 7.8.1.4). */
        public static final int CAP = 0x0c;
        /** Power Budget Capability bit 0, RO: system allocated. */
        public static final int CAP_BUDGET = 0x01;
        /** Length of the Power Budgeting capability: 16 bytes. */
        public static final int SIZEOF = 0x10;
    }
    /** Address Translation Services extended capability, {@code PCI_ATS_*} (PCIe 6.0, 10.5.1). */
    public static final class Ats {
        private Ats() {
        }

        /** ATS Capability, 16 bits at +4, RO (PCIe 6.0, 10.5.1.2). */
        public static final int CAP = 4;
        /** ATS Control, 16 bits at +6 (PCIe 6.0, 10.5.1.3). */
        public static final int CTRL = 6;
        /** ATS Control bit 15, RW: the function may issue translation requests and use translated addresses. */
        public static final int CTRL_ENABLE = 0x8000;
        /** ATS Control bits 4:0, RW: Smallest Translation Unit. */
        public static final int CTRL_STU = 0x001f;
    }

    /** Single Root I/O Virtualization extended capability, {@code PCI_SRIOV_*} (PCIe 6.0, 9.3.3). */
    public static final class Sriov {
        private Sriov() {
        }

        /** SR-IOV Capabilities, 32 bits at +4, RO (PCIe 6.0, 9.3.3.2). */
        public static final int CAP = 4;
        /** SR-IOV Control, 16 bits at +8 (PCIe 6.0, 9.3.3.3). */
        public static final int CTRL = 8;
        /** SR-IOV Control bit 0, RW: VF Enable, the virtual functions exist. */
        public static final int CTRL_VFE = 0x0001;
        /** SR-IOV Control bit 1, RW: VF Migration Enable. */
        public static final int CTRL_VFM = 0x0002;
        /** SR-IOV Control bit 2, RW: VF Migration Interrupt Enable. */
        public static final int CTRL_INTR = 0x0004;
        /** SR-IOV Control bit 3, RW: VF Memory Space Enable, the VFs decode their BARs. */
        public static final int CTRL_MSE = 0x0008;
        /** SR-IOV Control bit 4, RW: ARI Capable Hierarchy. */
        public static final int CTRL_ARI = 0x0010;
        /** NumVFs, 16 bits at +0x10, RW: the number of VFs enabled with VF Enable (PCIe 6.0, 9.3.3.7). */
        public static final int NUM_VF = 0x10;
    }
}
