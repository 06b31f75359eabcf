package org.pciguard.backend.sim;

import java.util.List;

import org.pciguard.api.access.PciAddress;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.Af;
import org.pciguard.api.regs.PciRegs.BridgeControl;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Err;
import org.pciguard.api.regs.PciRegs.Exp;
import org.pciguard.api.regs.PciRegs.ExtCapHeader;
import org.pciguard.api.regs.PciRegs.ExtCapId;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.api.regs.PciRegs.Pm;
import org.pciguard.api.regs.PciRegs.Pwr;
import org.pciguard.api.regs.PciRegs.Status;
import org.pciguard.backend.sim.internal.Le;

/**
 * Synthetic device images with a known layout, written as lspci dump text, for tests that need to
 * know every register. Layout of {@link #endpointImage}: PM 0x40, MSI (64-bit, maskable, 8 vectors) 0x50,
 * MSI-X (16 entries, table BAR0+0x2000, PBA BAR0+0x3000) 0x70, PCIe v2 endpoint 0x80, VPD 0xc0,
 * AF 0xc8, vendor-specific 0xd0; extended: AER 0x100, Power Budgeting 0x140, DSN 0x150.
 */
final class TestDevices {

    static final int VENDOR = 0x1234;
    static final int DEVICE = 0x5678;
    static final int PM = 0x40;
    static final int MSI = 0x50;
    static final int MSIX = 0x70;
    static final int EXP = 0x80;
    static final int VPD = 0xc0;
    static final int AF = 0xc8;
    static final int VNDR = 0xd0;
    static final int VNDR_LEN = 8;
    static final int AER = 0x100;
    static final int PWR = 0x140;
    static final int DSN = 0x150;
    /** Status bits of the image: RO capability list and DEVSEL medium, RW1C errors set. */
    static final int STATUS = Status.CAP_LIST | 0x0200 | Status.PARITY | Status.SIG_TARGET_ABORT | Status.DETECTED_PARITY;
    static final long BAR0_ADDRESS = 0xfe000000L;
    static final long BAR0_SIZE = 64 << 10;
    static final long BAR1_ADDRESS = 0x4_0000_0000L;
    static final long BAR1_SIZE = 16L << 30;
    static final long BAR3_ADDRESS = 0xe000;
    static final long BAR3_SIZE = 32;
    static final long ROM_ADDRESS = 0xfff80000L;
    static final long ROM_SIZE = 512 << 10;
    static final int MSIX_ENTRIES = 16;
    static final int MSIX_TABLE = 0x2000;
    static final int MSIX_PBA = 0x3000;
    static final int PWR_DATA = 0x00008019;
    /** lspci -vvv lines giving the BAR sizes of {@link #endpointImage}. */
    static final String ENDPOINT_REGIONS = "\tRegion 0: Memory at fe000000 (32-bit, non-prefetchable) [size=64K]\n"
            + "\tRegion 1: Memory at 400000000 (64-bit, prefetchable) [size=16G]\n"
            + "\tRegion 3: I/O ports at e000 [size=32]\n"
            + "\tExpansion ROM at fff80000 [disabled] [size=512K]\n";

    private TestDevices() {
    }

    /** A PCIe endpoint image of {@code size} bytes (256 or 4096); {@code flr} sets DEVCAP FLR. */
    static byte[] endpointImage(int size, boolean flr, boolean noSoftReset) {
        byte[] c = new byte[size];
        put(c, PciRegs.VENDOR_ID, 2, VENDOR);
        put(c, PciRegs.DEVICE_ID, 2, DEVICE);
        put(c, PciRegs.COMMAND, 2, Command.MEMORY | Command.MASTER | Command.INTX_DISABLE);
        put(c, PciRegs.STATUS, 2, STATUS);
        put(c, PciRegs.REVISION_ID, 1, 0x01);
        put(c, PciRegs.CLASS_PROG, 3, 0x020000);
        put(c, PciRegs.CACHE_LINE_SIZE, 1, 0x10);
        put(c, PciRegs.BASE_ADDRESS_0, 4, (int) BAR0_ADDRESS);
        put(c, PciRegs.BASE_ADDRESS_1, 4, PciRegs.BaseAddress.MEM_TYPE_64 | PciRegs.BaseAddress.MEM_PREFETCH);
        put(c, PciRegs.BASE_ADDRESS_2, 4, (int) (BAR1_ADDRESS >>> 32));
        put(c, PciRegs.BASE_ADDRESS_3, 4, (int) BAR3_ADDRESS | PciRegs.BaseAddress.SPACE_IO);
        put(c, PciRegs.SUBSYSTEM_VENDOR_ID, 2, VENDOR);
        put(c, PciRegs.SUBSYSTEM_ID, 2, 0x0001);
        put(c, PciRegs.ROM_ADDRESS, 4, (int) ROM_ADDRESS);
        put(c, PciRegs.CAPABILITY_LIST, 1, PM);
        put(c, PciRegs.INTERRUPT_LINE, 1, 0x0b);
        put(c, PciRegs.INTERRUPT_PIN, 1, 0x01);

        cap(c, PM, CapId.PM, MSI);
        put(c, PM + Pm.PMC, 2, 3 | Pm.CAP_D1 | Pm.CAP_D2 | Pm.CAP_PME_D0 | Pm.CAP_PME_D3HOT);
        put(c, PM + Pm.CTRL, 2, Pm.CTRL_PME_STATUS | (noSoftReset ? Pm.CTRL_NO_SOFT_RESET : 0));

        cap(c, MSI, CapId.MSI, MSIX);
        put(c, MSI + Msi.FLAGS, 2, Msi.FLAGS_64BIT | Msi.FLAGS_MASKBIT | 3 << 1);
        put(c, MSI + Msi.ADDRESS_LO, 4, 0xfee00000);
        put(c, MSI + Msi.DATA_64, 2, 0x0041);
        put(c, MSI + Msi.PENDING_64, 4, 0x000000f0);

        cap(c, MSIX, CapId.MSIX, EXP);
        put(c, MSIX + Msix.FLAGS, 2, MSIX_ENTRIES - 1);
        put(c, MSIX + Msix.TABLE, 4, MSIX_TABLE);
        put(c, MSIX + Msix.PBA, 4, MSIX_PBA);

        cap(c, EXP, CapId.EXP, VPD);
        put(c, EXP + Exp.FLAGS, 2, 2 | Exp.TYPE_ENDPOINT << Exp.FLAGS_TYPE_SHIFT);
        put(c, EXP + Exp.DEVCAP, 4, 1 | Exp.DEVCAP_EXT_TAG | (flr ? Exp.DEVCAP_FLR : 0));
        put(c, EXP + Exp.DEVCTL, 2, 2 << 12 | Exp.DEVCTL_NOSNOOP_EN | Exp.DEVCTL_RELAX_EN);
        put(c, EXP + Exp.DEVSTA, 2, Exp.DEVSTA_CED | Exp.DEVSTA_URD | Exp.DEVSTA_AUXPD);
        put(c, EXP + Exp.LNKCAP, 4, 1 | 1 << 4 | Exp.LNKCAP_ASPMS | Exp.LNKCAP_CLKPM);
        put(c, EXP + Exp.LNKCTL, 2, Exp.LNKCTL_CCC);
        put(c, EXP + Exp.LNKSTA, 2, Exp.LNKSTA_SLC | 1 << 4 | 1);
        put(c, EXP + Exp.DEVCAP2, 4, Exp.DEVCAP2_COMP_TMOUT_RANGES | Exp.DEVCAP2_COMP_TMOUT_DIS | Exp.DEVCAP2_LTR
                | Exp.DEVCAP2_ARI);
        put(c, EXP + Exp.LNKCAP2, 4, 0x2);
        put(c, EXP + Exp.LNKCTL2, 2, 1);

        cap(c, VPD, CapId.VPD, AF);
        cap(c, AF, CapId.AF, VNDR);
        put(c, AF + Af.LENGTH, 1, Af.SIZEOF);
        put(c, AF + Af.CAP, 1, Af.CAP_TP | Af.CAP_FLR);

        cap(c, VNDR, CapId.VNDR, 0);
        put(c, VNDR + 2, 1, VNDR_LEN);
        put(c, VNDR + 4, 4, 0xcafe0001);
        for (int i = 0xd8; i < PciRegs.CFG_SPACE_SIZE; i++) {
            c[i] = (byte) i; // device-specific registers
        }
        if (size == PciRegs.CFG_SPACE_EXP_SIZE) {
            ext(c, AER, ExtCapId.ERR, 2, PWR);
            put(c, AER + Err.UNCOR_STATUS, 4, Err.UNC_UNSUP | Err.UNC_COMP_TIME | Err.UNC_UND);
            put(c, AER + Err.UNCOR_MASK, 4, Err.UNC_INTN);
            put(c, AER + Err.UNCOR_SEVER, 4, Err.UNC_DLP | Err.UNC_SURPDN | Err.UNC_FCP | Err.UNC_RX_OVER | Err.UNC_MALF_TLP
                    | Err.UNC_INTN);
            put(c, AER + Err.COR_STATUS, 4, Err.COR_RCVR | Err.COR_ADV_NFAT);
            put(c, AER + Err.COR_MASK, 4, Err.COR_ADV_NFAT);
            put(c, AER + Err.CAP, 4, Err.CAP_ECRC_GENC | Err.CAP_ECRC_CHKC | 0x14);
            put(c, AER + Err.HEADER_LOG, 4, 0x4a000001);
            ext(c, PWR, ExtCapId.PWR, 1, DSN);
            put(c, PWR + Pwr.DATA, 4, PWR_DATA);
            put(c, PWR + Pwr.CAP, 1, Pwr.CAP_BUDGET);
            ext(c, DSN, ExtCapId.DSN, 1, 0);
            put(c, DSN + 4, 4, 0x11223344);
            for (int i = 0x200; i < size; i++) {
                c[i] = (byte) (i * 7); // device-specific registers
            }
        }
        return c;
    }

    /** Offsets of the root port image. */
    static final int BRIDGE_EXP = 0x40;
    static final int BRIDGE_AER = 0x100;

    /** A PCIe root port (type-1 header) with a hot-plug slot, bandwidth notification, CRS visibility and AER. */
    static byte[] rootPortImage() {
        byte[] c = new byte[PciRegs.CFG_SPACE_EXP_SIZE];
        put(c, PciRegs.VENDOR_ID, 2, VENDOR);
        put(c, PciRegs.DEVICE_ID, 2, 0x9abc);
        put(c, PciRegs.COMMAND, 2, Command.IO | Command.MEMORY | Command.MASTER);
        put(c, PciRegs.STATUS, 2, Status.CAP_LIST | Status.SIG_SYSTEM_ERROR);
        put(c, PciRegs.CLASS_PROG, 3, 0x060400);
        put(c, PciRegs.HEADER_TYPE, 1, PciRegs.HEADER_TYPE_BRIDGE);
        put(c, PciRegs.PRIMARY_BUS, 1, 0);
        put(c, PciRegs.SECONDARY_BUS, 1, 1);
        put(c, PciRegs.SUBORDINATE_BUS, 1, 1);
        put(c, PciRegs.IO_BASE, 1, 0xe0 | PciRegs.IO_RANGE_TYPE_32);
        put(c, PciRegs.IO_LIMIT, 1, 0xe0 | PciRegs.IO_RANGE_TYPE_32);
        put(c, PciRegs.SEC_STATUS, 2, Status.REC_MASTER_ABORT | Status.DETECTED_PARITY | 0x0200);
        put(c, PciRegs.MEMORY_BASE, 2, 0xfe00);
        put(c, PciRegs.MEMORY_LIMIT, 2, 0xfe10);
        put(c, PciRegs.PREF_MEMORY_BASE, 2, 0xc001);
        put(c, PciRegs.PREF_MEMORY_LIMIT, 2, 0xdff1);
        put(c, PciRegs.CAPABILITY_LIST, 1, BRIDGE_EXP);
        put(c, PciRegs.INTERRUPT_PIN, 1, 1);
        put(c, PciRegs.BRIDGE_CONTROL, 2, BridgeControl.SERR);

        cap(c, BRIDGE_EXP, CapId.EXP, 0);
        put(c, BRIDGE_EXP + Exp.FLAGS, 2, 2 | Exp.TYPE_ROOT_PORT << Exp.FLAGS_TYPE_SHIFT | Exp.FLAGS_SLOT);
        put(c, BRIDGE_EXP + Exp.DEVCAP, 4, 1 | Exp.DEVCAP_RBER);
        put(c, BRIDGE_EXP + Exp.DEVSTA, 2, Exp.DEVSTA_FED | Exp.DEVSTA_TRPND);
        put(c, BRIDGE_EXP + Exp.LNKCAP, 4, 3 | 16 << 4 | Exp.LNKCAP_LBNC | Exp.LNKCAP_DLLLARC | 2 << 24);
        put(c, BRIDGE_EXP + Exp.LNKCTL, 2, Exp.LNKCTL_RCB);
        put(c, BRIDGE_EXP + Exp.LNKSTA, 2, Exp.LNKSTA_LBMS | Exp.LNKSTA_LABS | Exp.LNKSTA_DLLLA | 16 << 4 | 3);
        put(c, BRIDGE_EXP + Exp.SLTCAP, 4, Exp.SLTCAP_HPC | Exp.SLTCAP_PCP | 7 << 19);
        put(c, BRIDGE_EXP + Exp.SLTCTL, 2, Exp.SLTCTL_HPIE);
        put(c, BRIDGE_EXP + Exp.SLTSTA, 2, Exp.SLTSTA_PDC | Exp.SLTSTA_DLLSC | Exp.SLTSTA_PDS);
        put(c, BRIDGE_EXP + Exp.RTCAP, 2, Exp.RTCAP_CRSVIS);
        put(c, BRIDGE_EXP + Exp.RTSTA, 4, Exp.RTSTA_PME | Exp.RTSTA_PENDING | 0x0100);
        put(c, BRIDGE_EXP + Exp.DEVCAP2, 4, Exp.DEVCAP2_ARI);

        ext(c, BRIDGE_AER, ExtCapId.ERR, 1, 0);
        put(c, BRIDGE_AER + Err.UNCOR_STATUS, 4, Err.UNC_SURPDN);
        put(c, BRIDGE_AER + Err.ROOT_STATUS, 4, Err.ROOT_COR_RCV | Err.ROOT_MULTI_COR_RCV | 3 << 27);
        put(c, BRIDGE_AER + Err.ROOT_ERR_SRC, 4, 0x01000100);
        return c;
    }

    /** Stores a little-endian value. */
    static void put(byte[] c, int off, int size, int value) {
        Le.put(c, off, size, value);
    }

    private static void cap(byte[] c, int off, int id, int next) {
        c[off] = (byte) id;
        c[off + 1] = (byte) next;
    }

    private static void ext(byte[] c, int off, int id, int version, int next) {
        put(c, off, 4, id | version << ExtCapHeader.VERSION_SHIFT | next << ExtCapHeader.NEXT_SHIFT);
    }

    /** The bytes as {@code lspci -x/-xxx/-xxxx} text, with a header line unless it is null, then extra lines. */
    static String dump(String header, byte[] cfg, String extra) {
        StringBuilder b = new StringBuilder();
        if (header != null) {
            b.append(header).append('\n');
        }
        if (extra != null) {
            b.append(extra);
        }
        for (int off = 0; off < cfg.length; off += 16) {
            b.append(String.format(off < 0x100 ? "%02x:" : "%03x:", off));
            for (int i = 0; i < 16; i++) {
                b.append(String.format(" %02x", cfg[off + i] & 0xff));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** Parses the text and opens the function in a backend of its own. */
    static SimulatedDevice open(String text) throws DeviceFileException {
        DeviceImage image = DeviceFiles.parse("test.lspci", text, null);
        SimulatedBackend backend = SimulatedBackend.of(List.of(image), SimulatedBackend.DEFAULT_VPD_SIZE);
        return backend.open(PciAddress.parse(backend.devices().get(0).address));
    }

    /** The 4096-byte endpoint with BAR sizes, FLR capable, without No_Soft_Reset. */
    static SimulatedDevice endpoint() throws DeviceFileException {
        return open(dump("01:00.0 Ethernet controller: Test Corp Synthetic NIC", endpointImage(4096, true, false),
                ENDPOINT_REGIONS));
    }

    /** The endpoint with its FLR capability and No_Soft_Reset chosen. */
    static SimulatedDevice endpoint(boolean flr, boolean noSoftReset) throws DeviceFileException {
        return open(dump("01:00.0 Ethernet controller: Test Corp Synthetic NIC", endpointImage(4096, flr, noSoftReset),
                ENDPOINT_REGIONS));
    }

    /** The root port. */
    static SimulatedDevice rootPort() throws DeviceFileException {
        return open(dump("00:1c.0 PCI bridge: Test Corp Root Port", rootPortImage(), null));
    }
}
