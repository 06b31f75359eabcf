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
}
