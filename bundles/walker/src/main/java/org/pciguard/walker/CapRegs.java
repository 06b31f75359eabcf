package org.pciguard.walker;

/**
 * Registers inside capabilities that the walker reads to size them, named as in Linux
 * {@code pci_regs.h} ({@code PCI_MSI_FLAGS_64BIT} is {@link Msi#FLAGS_64BIT}). Offsets are relative to
 * the capability's first byte; every register here is read-only to the walker. Capability ids and
 * the header registers, and the registers the capability handlers share (PM, MSI, PCI Express, AER...),
 * are in {@link org.pciguard.api.regs.PciRegs}.
 */
final class CapRegs {

    private CapRegs() {
    }

    /** PCI-X (PCI-X 2.0a: the function and the bridge layouts). */
    static final class Pcix {
        private Pcix() {
        }

        /** PCI-X Command (function) or Secondary Status (bridge), 16 bits, at +2. */
        static final int CMD = 2;
        /** Bits 13:12, RO: capability version; 0 for PCI-X 1.0, ECC registers follow from 1 on. */
        static final int CMD_VERSION_MASK = 0x3000;
        /** Shift of {@link #CMD_VERSION_MASK}. */
        static final int CMD_VERSION_SHIFT = 12;
        /** Function, version 0: header, command, status. */
        static final int SIZEOF_V0 = 8;
        /** Function, version 1 or 2: adds ECC control/status, first and second address, attribute. */
        static final int SIZEOF_V1 = 24;
        /** Bridge, version 0: header, secondary status, bridge status, both split transaction controls. */
        static final int BRIDGE_SIZEOF_V0 = 16;
        /** Bridge, version 1 or 2: adds the four ECC registers. */
        static final int BRIDGE_SIZEOF_V1 = 32;
    }

    /** HyperTransport (HyperTransport I/O Link 3.10); the type is in the byte at +3. */
    static final class Ht {
        private Ht() {
        }

        /** Byte at +3: the high byte of the HT command register, holding the capability type. */
        static final int CAP_TYPE = 3;
        /** Bits 7:5 of {@link #CAP_TYPE}: the 3-bit link types. */
        static final int CAP_3BIT_MASK = 0xe0;
        /** Bits 7:3 of {@link #CAP_TYPE}: the 5-bit types. */
        static final int CAP_5BIT_MASK = 0xf8;
        /** 3-bit type 000: slave/primary interface. */
        static final int CAPTYPE_SLAVE = 0x00;
        /** 3-bit type 001: host/secondary interface. */
        static final int CAPTYPE_HOST = 0x20;
        /** 5-bit type: interrupt discovery and configuration (index at +2, data at +4). */
        static final int CAPTYPE_IRQ = 0x80;
        /** 5-bit type: revision id (the header dword only). */
        static final int CAPTYPE_REVISION = 0x88;
        /** 5-bit type: UnitID clumping (support at +4, enable at +8). */
        static final int CAPTYPE_UNITID_CLUMP = 0x90;
        /** 5-bit type: extended configuration space access (address at +4). */
        static final int CAPTYPE_EXTCONF = 0x98;
        /** 5-bit type: MSI mapping (address low at +4, high at +8). */
        static final int CAPTYPE_MSI_MAPPING = 0xa8;
        /** Slave/primary size ({@code HT_CAP_SIZEOF_LONG}). */
        static final int SIZEOF_LONG = 28;
        /** Host/secondary size ({@code HT_CAP_SIZEOF_SHORT}). */
        static final int SIZEOF_SHORT = 24;
        /** Interrupt discovery size. */
        static final int IRQ_SIZEOF = 8;
        /** Revision id size. */
        static final int REVISION_SIZEOF = 4;
        /** UnitID clumping size. */
        static final int UNITID_CLUMP_SIZEOF = 12;
        /** Extended configuration space access size. */
        static final int EXTCONF_SIZEOF = 8;
        /** MSI mapping size. */
        static final int MSI_MAPPING_SIZEOF = 12;
    }

    /** Vendor-specific capability (PCI 3.0, 6.7). */
    static final class Vndr {
        private Vndr() {
        }

        /** Byte at +2, RO: length of the capability in bytes, header included. */
        static final int LEN = 2;
        /** The smallest valid length: id, next and length. */
        static final int MIN_SIZEOF = 3;
    }

    /** SATA Data/Index configuration (AHCI 1.3). */
    static final class Sata {
        private Sata() {
        }

        /** SATA Capability register 1 at +4: BAR location in bits 3:0. */
        static final int REGS = 4;
        /** BAR location mask. */
        static final int REGS_MASK = 0x0f;
        /** BAR location 1111b: the index/data pair is inline in config space. */
        static final int REGS_INLINE = 0x0f;
        /** Size without the inline index/data pair. */
        static final int SIZEOF_SHORT = 8;
        /** Size with the inline index/data pair. */
        static final int SIZEOF_LONG = 16;
    }

    /** Enhanced Allocation (PCI 3.0 Enhanced Allocation ECN). */
    static final class Ea {
        private Ea() {
        }

        /** Byte at +2: Num Entries in bits 5:0. */
        static final int NUM_ENT = 2;
        /** Num Entries mask. */
        static final int NUM_ENT_MASK = 0x3f;
        /** First entry of a type-0 function. */
        static final int FIRST_ENT = 4;
        /** First entry of a bridge: a dword of fixed bus numbers comes first. */
        static final int FIRST_ENT_BRIDGE = 8;
        /** Entry dword 0 bits 2:0: number of dwords after the first. */
        static final int ES = 0x7;
    }

    /**
     * Standard capabilities of fixed size not in {@link org.pciguard.api.regs.PciRegs}: AGP (in
     * vfio-pci's table, reference 4.2) and those vfio hides.
     */
    static final class StdSizes {
        private StdSizes() {
        }

        /** AGP: header and version, status, command ({@code PCI_AGP_SIZEOF}). */
        static final int AGP_SIZEOF = 12;

        /** Slot Identification: header, expansion slot, chassis number (PCI-to-PCI Bridge 1.2). */
        static final int SLOTID_SIZEOF = 4;
        /** CompactPCI hot swap: header, HS_CSR (PICMG 2.1). */
        static final int CHSWP_SIZEOF = 4;
        /** Debug port: header, offset and BAR of the port (EHCI 1.0 appendix C). */
        static final int DBG_SIZEOF = 4;
        /** SHPC: header, dword select, data (SHPC 1.0). */
        static final int SHPC_SIZEOF = 8;
        /** Bridge subsystem ids: header, reserved, subsystem vendor and device ({@code PCI_SSVID_DEVICE_ID} + 2). */
        static final int SSVID_SIZEOF = 8;
        /** The Null capability: id and next only (PCI Code and ID Assignment 1.11, 2). */
        static final int NULL_SIZEOF = 2;
    }

    /** Virtual Channel, MFVC and VC9 (PCIe 6.0, 7.9.1). */
    static final class Vc {
        private Vc() {
        }

        /** Port VC Capability 1 at +4: Extended VC Count in bits 2:0. */
        static final int PORT_CAP1 = 4;
        /** Extended VC Count mask. */
        static final int CAP1_EVCC = 0x7;
        /** Port VC Capability 2 at +8: VC arbitration capability. */
        static final int PORT_CAP2 = 8;
        /** Arbitration capability bit 1: WRR with 32 phases. */
        static final int CAP2_32_PHASE = 0x2;
        /** Arbitration capability bit 2: WRR with 64 phases. */
        static final int CAP2_64_PHASE = 0x4;
        /** Arbitration capability bit 3: WRR with 128 phases. */
        static final int CAP2_128_PHASE = 0x8;
        /** First VC resource. */
        static final int RES_CAP = 0x10;
        /** Size of one VC resource: capability, control, status. */
        static final int RES_SIZEOF = 0x0c;
        /** The arbitration table starts at a 16-byte boundary. */
        static final int ARB_TABLE_ALIGN = 16;
        /** Arbitration table entries are 4 bits. */
        static final int ARB_BITS_PER_PHASE = 4;
    }

    /** Access Control Services (PCIe 6.0, 7.7.11). */
    static final class Acs {
        private Acs() {
        }

        /** ACS Capability register, low byte, at +4. */
        static final int CAP = 4;
        /** Capability bit 5: Egress Control (an egress control vector follows). */
        static final int CAP_EC = 0x20;
        /** ACS Capability high byte at +5: Egress Control Vector Size (0 means 256). */
        static final int EGRESS_BITS = 5;
        /** Header, capability and control. */
        static final int SIZEOF = 8;
        /** Egress control vector size when the field reads 0. */
        static final int EGRESS_BITS_MAX = 256;
        /** The vector is made of dwords. */
        static final int EGRESS_BITS_ALIGN = 32;
    }

    /** Resizable BAR and VF Resizable BAR (PCIe 6.0, 7.8.6). */
    static final class Rebar {
        private Rebar() {
        }

        /** First control register at +8: number of resizable BARs in bits 7:5 of its low byte. */
        static final int CTRL = 8;
        /** Number of BARs mask. */
        static final int CTRL_NBAR_MASK = 0xe0;
        /** Shift of {@link #CTRL_NBAR_MASK}. */
        static final int CTRL_NBAR_SHIFT = 5;
        /** One capability and one control register per BAR. */
        static final int ENTRY_SIZEOF = 8;
    }

    /** Dynamic Power Allocation (PCIe 6.0, 7.8.12). */
    static final class Dpa {
        private Dpa() {
        }

        /** DPA Capability at +4: Substate Max in bits 4:0. */
        static final int CAP = 4;
        /** Substate Max mask. */
        static final int CAP_SUBSTATE_MASK = 0x1f;
        /** Header, capability, latency indicator, status, control; a byte per substate follows. */
        static final int BASE_SIZEOF = 16;
    }

    /** TPH Requester (PCIe 6.0, 7.9.13). */
    static final class Tph {
        private Tph() {
        }

        /** TPH Requester Capability at +4. */
        static final int CAP = 4;
        /** Capability bits 10:9: ST table location. */
        static final int CAP_LOC_MASK = 0x600;
        /** Location 01b: the ST table is in this capability. */
        static final int LOC_CAP = 0x200;
        /** Capability bits 26:16: ST table size minus one. */
        static final int CAP_ST_MASK = 0x07ff0000;
        /** Shift of {@link #CAP_ST_MASK}. */
        static final int CAP_ST_SHIFT = 16;
        /** Header, capability, control. */
        static final int BASE_SIZEOF = 12;
        /** ST table entries are 16 bits. */
        static final int ST_ENTRY_SIZEOF = 2;
    }

    /** Vendor-Specific and Designated Vendor-Specific Extended Capabilities (PCIe 6.0, 7.9.5, 7.9.6). */
    static final class Vsec {
        private Vsec() {
        }

        /** VSEC header / DVSEC header 1 at +4: length in bits 31:20. */
        static final int HEADER = 4;
        /** Shift of the length field. */
        static final int LEN_SHIFT = 20;
        /** Length field mask after shifting. */
        static final int LEN_MASK = 0xfff;
        /** Smallest VSEC: the two header dwords. */
        static final int MIN_SIZEOF = 8;
        /** Smallest DVSEC: two header dwords and DVSEC header 2. */
        static final int DVSEC_MIN_SIZEOF = 10;
    }

    /** Downstream Port Containment (PCIe 6.0, 7.9.14). */
    static final class Dpc {
        private Dpc() {
        }

        /** DPC Capability, 16 bits, at +4. */
        static final int CAP = 4;
        /** Capability bit 5: RP Extensions for DPC (the RP PIO registers and logs follow). */
        static final int CAP_RP_EXT = 0x0020;
        /** Capability bits 11:8: RP PIO Log Size, in dwords, low four bits. */
        static final int CAP_RP_PIO_LOG_SIZE = 0x0f00;
        /** Shift of {@link #CAP_RP_PIO_LOG_SIZE}. */
        static final int CAP_RP_PIO_LOG_SIZE_SHIFT = 8;
        /** Capability bit 13: RP PIO Log Size bit 4 (PCIe 6.0). */
        static final int CAP_RP_PIO_LOG_SIZE4 = 0x2000;
        /** Value of {@link #CAP_RP_PIO_LOG_SIZE4} in dwords. */
        static final int RP_PIO_LOG_SIZE4_DWORDS = 16;
        /** Header, capability, control, status, error source id. */
        static final int SIZEOF = 0x0c;
        /** The RP PIO log (header log, ImpSpec log, prefix log) starts here. */
        static final int RP_PIO_HEADER_LOG = 0x20;
        /** The RP PIO log holds at least the 4-dword header log. */
        static final int RP_PIO_LOG_MIN_DWORDS = 4;
    }

    /** Root Complex Link Declaration (PCIe 6.0). */
    static final class Rcld {
        private Rcld() {
        }

        /** Element Self Description at +4: number of link entries in bits 15:8. */
        static final int SELF_DESC = 4;
        /** Number of link entries mask. */
        static final int SELF_DESC_LINKS_MASK = 0xff00;
        /** Shift of {@link #SELF_DESC_LINKS_MASK}. */
        static final int SELF_DESC_LINKS_SHIFT = 8;
        /** Header, self description and a reserved dword; the link entries follow. */
        static final int BASE_SIZEOF = 0x10;
        /** One link entry: description, reserved, link address. */
        static final int LINK_SIZEOF = 0x10;
    }

    /** Multicast (PCIe 6.0, 7.9.11). */
    static final class Mcast {
        private Mcast() {
        }

        /** Up to Block Untranslated: every function ({@code PCI_EXT_CAP_MCAST_ENDPOINT_SIZEOF}). */
        static final int ENDPOINT_SIZEOF = 40;
        /** Root and switch ports add the Overlay BAR. */
        static final int PORT_SIZEOF = 48;
    }

    /** Extended capabilities of fixed size (PCIe 6.0; sections as in {@link org.pciguard.api.regs.PciRegs.ExtCapId}). */
    static final class ExtSizes {
        private ExtSizes() {
        }

        /** The Null extended capability and any header whose size is unknown: the header dword. */
        static final int HEADER_SIZEOF = 4;
        /** DSN: header, serial number. */
        static final int DSN_SIZEOF = 12;
        /** RC Internal Link Control: header, link capabilities, control, status. */
        static final int RCILC_SIZEOF = 12;
        /** RCEC Endpoint Association version 1: header, bitmap. */
        static final int RCEC_SIZEOF_V1 = 8;
        /** RCEC Endpoint Association version 2 adds the associated bus numbers. */
        static final int RCEC_SIZEOF_V2 = 12;
        /** RCRB header: header, vendor/device id, capabilities, control, reserved. */
        static final int RCRB_SIZEOF = 20;
        /** ARI: header, capability, control. */
        static final int ARI_SIZEOF = 8;
        /** ATS: header, capability, control. */
        static final int ATS_SIZEOF = 8;
        /** SR-IOV: header, capabilities, control, status, VF counts and offsets, six VF BARs, migration state. */
        static final int SRIOV_SIZEOF = 64;
        /** PRI: header, control, status, capacity, allocation. */
        static final int PRI_SIZEOF = 16;
        /** LTR: header, max snoop and no-snoop latency. */
        static final int LTR_SIZEOF = 8;
        /** Secondary PCIe: header, Link Control 3, Lane Error Status; a 16-bit lane register per lane follows. */
        static final int SECPCI_BASE_SIZEOF = 12;
        /** Secondary PCIe lane equalization control: 16 bits per lane. */
        static final int SECPCI_LANE_SIZEOF = 2;
        /** PASID: header, capability, control. */
        static final int PASID_SIZEOF = 8;
        /** LN Requester: header, capability, control. */
        static final int LNR_SIZEOF = 8;
        /** L1 PM Substates: header, capability, control 1 and 2. */
        static final int L1SS_SIZEOF = 16;
        /** PTM: header, capability, control. */
        static final int PTM_SIZEOF = 12;
        /** Readiness Time Reporting: header, RTR 1 and 2. */
        static final int RTR_SIZEOF = 12;
        /** Data Link Feature: header, capabilities, status. */
        static final int DLF_SIZEOF = 12;
        /** 16 GT/s and 32 GT/s physical layer: registers up to the lane equalization bytes, one per lane. */
        static final int PL_BASE_SIZEOF = 0x20;
        /** Lane Margining at the Receiver: header, port capabilities and status; 4 bytes per lane follow. */
        static final int LMR_BASE_SIZEOF = 8;
        /** Lane Margining: control and status per lane. */
        static final int LMR_LANE_SIZEOF = 4;
        /** NPEM: header, capability, control, status. */
        static final int NPEM_SIZEOF = 16;
        /** DOE: header, capabilities, control, status, write and read mailbox. */
        static final int DOE_SIZEOF = 0x18;
        /** Device 3: header, capabilities, control, status. */
        static final int DEV3_SIZEOF = 16;
    }
}
