package org.pciguard.backend.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pciguard.backend.sim.RegisterProbe.probe;
import static org.pciguard.backend.sim.RegisterProbe.readOnly;
import static org.pciguard.backend.sim.TestDevices.AER;
import static org.pciguard.backend.sim.TestDevices.AF;
import static org.pciguard.backend.sim.TestDevices.BRIDGE_AER;
import static org.pciguard.backend.sim.TestDevices.BRIDGE_EXP;
import static org.pciguard.backend.sim.TestDevices.DSN;
import static org.pciguard.backend.sim.TestDevices.EXP;
import static org.pciguard.backend.sim.TestDevices.MSI;
import static org.pciguard.backend.sim.TestDevices.MSIX;
import static org.pciguard.backend.sim.TestDevices.PM;
import static org.pciguard.backend.sim.TestDevices.PWR;
import static org.pciguard.backend.sim.TestDevices.VNDR;
import static org.pciguard.backend.sim.TestDevices.VPD;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.Af;
import org.pciguard.api.regs.PciRegs.BridgeControl;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Err;
import org.pciguard.api.regs.PciRegs.Exp;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.api.regs.PciRegs.Pm;
import org.pciguard.api.regs.PciRegs.Pwr;
import org.pciguard.api.regs.PciRegs.Status;

/** Read-only, read-write and RW1C bits of every modelled register, proved by writing ones and zeros. */
class RegisterSemanticsTest {

    private static final int ALL8 = 0xff;
    private static final int ALL16 = 0xffff;
    private static final int ALL32 = 0xffffffff;
    private static final int PCIE_COMMAND = Command.IO | Command.MEMORY | Command.MASTER | Command.PARITY | Command.SERR
            | Command.INTX_DISABLE;

    /** The endpoint without FLR (so Device Control can be probed) and with No_Soft_Reset (so PMCSR can). */
    private static SimulatedDevice endpoint() throws DeviceFileException {
        return TestDevices.endpoint(false, true);
    }

    @Test
    void type0HeaderOfAPcieFunction() throws Exception {
        SimulatedDevice d = endpoint();
        readOnly(d, "vendor/device id", PciRegs.VENDOR_ID, 4);
        probe(d, "command", PciRegs.COMMAND, 2, PCIE_COMMAND, 0);
        probe(d, "status", PciRegs.STATUS, 2, 0, Status.RW1C);
        readOnly(d, "revision/class", PciRegs.REVISION_ID, 4);
        probe(d, "cache line size", PciRegs.CACHE_LINE_SIZE, 1, ALL8, 0);
        readOnly(d, "latency timer (PCIe)", PciRegs.LATENCY_TIMER, 1);
        readOnly(d, "header type", PciRegs.HEADER_TYPE, 1);
        readOnly(d, "BIST", PciRegs.BIST, 1);
        readOnly(d, "CardBus CIS", PciRegs.CARDBUS_CIS, 4);
        readOnly(d, "subsystem ids", PciRegs.SUBSYSTEM_VENDOR_ID, 4);
        readOnly(d, "capability pointer and reserved", PciRegs.CAPABILITY_LIST, 4);
        readOnly(d, "reserved", PciRegs.CAPABILITY_LIST + 4, 4);
        probe(d, "interrupt line", PciRegs.INTERRUPT_LINE, 1, ALL8, 0);
        readOnly(d, "interrupt pin", PciRegs.INTERRUPT_PIN, 1);
        readOnly(d, "min_gnt/max_lat", PciRegs.MIN_GNT, 2);
    }

    @Test
    void dwordWriteAtCommandSetsCommandBitsAndClearsStatusErrors() throws Exception {
        SimulatedDevice d = endpoint();
        d.writeConfig(PciRegs.COMMAND, 4, ALL32);
        assertEquals(PCIE_COMMAND, d.readConfig(PciRegs.COMMAND, 2));
        assertEquals(TestDevices.STATUS & ~Status.RW1C, d.readConfig(PciRegs.STATUS, 2));
    }

    @Test
    void conventionalFunctionHasMoreCommandBitsAndAWritableLatencyTimer() throws Exception {
        byte[] c = new byte[PciRegs.STD_HEADER_SIZEOF];
        TestDevices.put(c, PciRegs.VENDOR_ID, 4, 0x12345678);
        SimulatedDevice d = TestDevices.open(TestDevices.dump("00:05.0 Serial controller: old PCI", c, null));
        probe(d, "command", PciRegs.COMMAND, 2,
                PCIE_COMMAND | Command.INVALIDATE | Command.VGA_PALETTE | Command.FAST_BACK, 0);
        probe(d, "latency timer", PciRegs.LATENCY_TIMER, 1, ALL8, 0);
    }

    @Test
    void powerManagement() throws Exception {
        SimulatedDevice d = endpoint();
        readOnly(d, "PM id/next", PM, 2);
        readOnly(d, "PMC", PM + Pm.PMC, 2);
        // with No_Soft_Reset and every state supported, PowerState behaves as read-write (D0 <-> D3hot)
        probe(d, "PMCSR", PM + Pm.CTRL, 2, Pm.CTRL_STATE_MASK | Pm.CTRL_PME_ENABLE | Pm.CTRL_DATA_SEL_MASK,
                Pm.CTRL_PME_STATUS);
        readOnly(d, "PMCSR_BSE/Data", PM + Pm.PPB_EXTENSIONS, 2);
    }

    @Test
    void msi64BitWithPerVectorMasking() throws Exception {
        SimulatedDevice d = endpoint();
        readOnly(d, "MSI id/next", MSI, 2);
        probe(d, "MSI flags", MSI + Msi.FLAGS, 2, Msi.FLAGS_ENABLE | Msi.FLAGS_QSIZE, 0);
        probe(d, "MSI address", MSI + Msi.ADDRESS_LO, 4, ~Msi.ADDRESS_LO_RESERVED, 0);
        probe(d, "MSI upper address", MSI + Msi.ADDRESS_HI, 4, ALL32, 0);
        probe(d, "MSI data", MSI + Msi.DATA_64, 2, ALL16, 0);
        readOnly(d, "MSI extended data (not capable)", MSI + Msi.EXT_DATA_64, 2);
        probe(d, "MSI mask bits (8 vectors)", MSI + Msi.MASK_64, 4, 0xff, 0);
        readOnly(d, "MSI pending bits", MSI + Msi.PENDING_64, 4);
    }

    @Test
    void msix() throws Exception {
        SimulatedDevice d = endpoint();
        readOnly(d, "MSI-X id/next", MSIX, 2);
        probe(d, "MSI-X flags", MSIX + Msix.FLAGS, 2, Msix.FLAGS_ENABLE | Msix.FLAGS_MASKALL, 0);
        readOnly(d, "MSI-X table", MSIX + Msix.TABLE, 4);
        readOnly(d, "MSI-X PBA", MSIX + Msix.PBA, 4);
    }

    @Test
    void pciExpressEndpoint() throws Exception {
        SimulatedDevice d = endpoint();
        readOnly(d, "EXP id/next/flags", EXP, 4);
        readOnly(d, "DEVCAP", EXP + Exp.DEVCAP, 4);
        probe(d, "DEVCTL", EXP + Exp.DEVCTL, 2, Exp.DEVCTL_CERE | Exp.DEVCTL_NFERE | Exp.DEVCTL_FERE | Exp.DEVCTL_URRE
                | Exp.DEVCTL_RELAX_EN | Exp.DEVCTL_PAYLOAD | Exp.DEVCTL_EXT_TAG | Exp.DEVCTL_AUX_PME | Exp.DEVCTL_NOSNOOP_EN
                | Exp.DEVCTL_READRQ, 0);
        probe(d, "DEVSTA", EXP + Exp.DEVSTA, 2, 0, Exp.DEVSTA_CED | Exp.DEVSTA_NFED | Exp.DEVSTA_FED | Exp.DEVSTA_URD);
        readOnly(d, "LNKCAP", EXP + Exp.LNKCAP, 4);
        probe(d, "LNKCTL", EXP + Exp.LNKCTL, 2, Exp.LNKCTL_ASPMC | Exp.LNKCTL_RCB | Exp.LNKCTL_CCC | Exp.LNKCTL_ES
                | Exp.LNKCTL_CLKREQ_EN | Exp.LNKCTL_HAWD, 0);
        readOnly(d, "LNKSTA", EXP + Exp.LNKSTA, 2);
        for (int off = Exp.SLTCAP; off < Exp.DEVCAP2; off += 4) {
            readOnly(d, "slot and root registers of an endpoint", EXP + off, 4);
        }
        readOnly(d, "DEVCAP2", EXP + Exp.DEVCAP2, 4);
        probe(d, "DEVCTL2 (ARI forwarding is for downstream ports)", EXP + Exp.DEVCTL2, 2, Exp.DEVCTL2_COMP_TIMEOUT
                | Exp.DEVCTL2_COMP_TMOUT_DIS | Exp.DEVCTL2_ATOMIC_REQ | Exp.DEVCTL2_IDO_REQ_EN | Exp.DEVCTL2_IDO_CMP_EN
                | Exp.DEVCTL2_LTR_EN | Exp.DEVCTL2_OBFF_WAKE_EN | Exp.DEVCTL2_EE_PREFIX_BLOCK, 0);
        readOnly(d, "DEVSTA2", EXP + Exp.DEVSTA2, 2);
        readOnly(d, "LNKCAP2", EXP + Exp.LNKCAP2, 4);
        probe(d, "LNKCTL2", EXP + Exp.LNKCTL2, 2, Exp.LNKCTL2_TLS | Exp.LNKCTL2_ENTER_COMP | Exp.LNKCTL2_HASD
                | Exp.LNKCTL2_TX_MARGIN | Exp.LNKCTL2_MOD_COMP | Exp.LNKCTL2_COMP_SOS | Exp.LNKCTL2_COMP_PRESET, 0);
        readOnly(d, "LNKSTA2", EXP + Exp.LNKSTA2, 2);
        probe(d, "after the endpoint's 52 bytes: device-specific", EXP + Exp.ENDPOINT_SIZEOF_V2, 4, ALL32, 0);
    }

    @Test
    void initiateFlrReadsZeroAndIsReservedWithoutFlrCapability() throws Exception {
        SimulatedDevice d = endpoint();
        d.writeConfig(EXP + Exp.DEVCTL, 2, Exp.DEVCTL_BCR_FLR | Exp.DEVCTL_CERE);
        assertEquals(0, d.readConfig(EXP + Exp.DEVCTL, 2) & Exp.DEVCTL_BCR_FLR);
        assertEquals(Exp.DEVCTL_CERE, d.readConfig(EXP + Exp.DEVCTL, 2) & Exp.DEVCTL_CERE, "no reset happened");
    }

    @Test
    void vpdAndAfHeadersAreReadOnly() throws Exception {
        SimulatedDevice d = endpoint();
        readOnly(d, "VPD id/next", VPD, 2);
        readOnly(d, "AF id/next/length/capabilities", AF, 4);
        readOnly(d, "AF status", AF + Af.STATUS, 1);
    }

    @Test
    void unknownCapabilityKeepsItsHeaderAndItsBodyBehavesAsDeviceSpecific() throws Exception {
        SimulatedDevice d = endpoint();
        readOnly(d, "vendor-specific id/next", VNDR, 2);
        probe(d, "vendor-specific body", VNDR + 4, 4, ALL32, 0);
        readOnly(d, "DSN header", DSN, 4);
        probe(d, "DSN body", DSN + 4, 4, ALL32, 0);
    }

    @Test
    void bytesOutsideEveryCapabilityAreReadWrite() throws Exception {
        SimulatedDevice d = endpoint();
        probe(d, "0xd8", 0xd8, 4, ALL32, 0);
        probe(d, "0xfc", 0xfc, 4, ALL32, 0);
        probe(d, "0x200", 0x200, 4, ALL32, 0);
        probe(d, "0xffc", 0xffc, 4, ALL32, 0);
    }

    @Test
    void advancedErrorReportingOfAnEndpoint() throws Exception {
        SimulatedDevice d = endpoint();
        readOnly(d, "AER header", AER, 4);
        probe(d, "uncorrectable status", AER + Err.UNCOR_STATUS, 4, 0, Err.UNC_DEFINED);
        probe(d, "uncorrectable mask", AER + Err.UNCOR_MASK, 4, Err.UNC_DEFINED, 0);
        probe(d, "uncorrectable severity", AER + Err.UNCOR_SEVER, 4, Err.UNC_DEFINED, 0);
        probe(d, "correctable status", AER + Err.COR_STATUS, 4, 0, Err.COR_DEFINED);
        probe(d, "correctable mask", AER + Err.COR_MASK, 4, Err.COR_DEFINED, 0);
        probe(d, "capabilities and control", AER + Err.CAP, 4, Err.CAP_ECRC_GENE | Err.CAP_ECRC_CHKE, 0);
        for (int i = 0; i < Err.HEADER_LOG_SIZE; i += 4) {
            readOnly(d, "header log", AER + Err.HEADER_LOG + i, 4);
        }
        probe(d, "past an endpoint's AER: device-specific", AER + Err.SIZEOF, 4, ALL32, 0);
    }

    @Test
    void powerBudgeting() throws Exception {
        SimulatedDevice d = endpoint();
        readOnly(d, "PWR header", PWR, 4);
        probe(d, "data select", PWR + Pwr.DSR, 1, ALL8, 0);
        readOnly(d, "data select reserved", PWR + Pwr.DSR + 1, 1);
        readOnly(d, "data select reserved", PWR + Pwr.DSR + 2, 2);
        readOnly(d, "data", PWR + Pwr.DATA, 4);
        readOnly(d, "capability", PWR + Pwr.CAP, 4);
    }

    @Test
    void powerBudgetDataFollowsTheSelector() throws Exception {
        SimulatedDevice d = endpoint();
        assertEquals(TestDevices.PWR_DATA, d.readConfig(PWR + Pwr.DATA, 4));
        d.writeConfig(PWR + Pwr.DSR, 1, 1);
        assertEquals(0, d.readConfig(PWR + Pwr.DATA, 4), "no such entry in the dump: reads as past the last");
        d.writeConfig(PWR + Pwr.DSR, 1, 0);
        assertEquals(TestDevices.PWR_DATA, d.readConfig(PWR + Pwr.DATA, 4));
    }

    @Test
    void firstExtendedHeaderIsReadOnlyEvenWithoutExtendedCapabilities() throws Exception {
        byte[] c = TestDevices.endpointImage(PciRegs.CFG_SPACE_EXP_SIZE, false, true);
        Arrays.fill(c, PciRegs.CFG_SPACE_SIZE, c.length, (byte) 0);
        SimulatedDevice d = TestDevices.open(TestDevices.dump(null, c, null));
        readOnly(d, "0x100", PciRegs.CFG_SPACE_SIZE, 4);
        probe(d, "0x104", PciRegs.CFG_SPACE_SIZE + 4, 4, ALL32, 0);
    }

    @Test
    void type1HeaderOfARootPort() throws Exception {
        SimulatedDevice d = TestDevices.rootPort();
        probe(d, "command", PciRegs.COMMAND, 2, PCIE_COMMAND, 0);
        probe(d, "status", PciRegs.STATUS, 2, 0, Status.RW1C);
        readOnly(d, "BAR0 (unimplemented)", PciRegs.BASE_ADDRESS_0, 4);
        readOnly(d, "BAR1 (unimplemented)", PciRegs.BASE_ADDRESS_1, 4);
        probe(d, "primary bus", PciRegs.PRIMARY_BUS, 1, ALL8, 0);
        probe(d, "secondary bus", PciRegs.SECONDARY_BUS, 1, ALL8, 0);
        probe(d, "subordinate bus", PciRegs.SUBORDINATE_BUS, 1, ALL8, 0);
        readOnly(d, "secondary latency timer (PCIe)", PciRegs.SEC_LATENCY_TIMER, 1);
        probe(d, "I/O base", PciRegs.IO_BASE, 1, PciRegs.IO_RANGE_MASK, 0);
        probe(d, "I/O limit", PciRegs.IO_LIMIT, 1, PciRegs.IO_RANGE_MASK, 0);
        probe(d, "secondary status", PciRegs.SEC_STATUS, 2, 0, Status.RW1C);
        probe(d, "memory base", PciRegs.MEMORY_BASE, 2, PciRegs.MEMORY_RANGE_MASK, 0);
        probe(d, "memory limit", PciRegs.MEMORY_LIMIT, 2, PciRegs.MEMORY_RANGE_MASK, 0);
        probe(d, "prefetchable base", PciRegs.PREF_MEMORY_BASE, 2, PciRegs.MEMORY_RANGE_MASK, 0);
        probe(d, "prefetchable limit", PciRegs.PREF_MEMORY_LIMIT, 2, PciRegs.MEMORY_RANGE_MASK, 0);
        probe(d, "prefetchable base upper (64-bit window)", PciRegs.PREF_BASE_UPPER32, 4, ALL32, 0);
        probe(d, "prefetchable limit upper", PciRegs.PREF_LIMIT_UPPER32, 4, ALL32, 0);
        probe(d, "I/O base upper (32-bit I/O)", PciRegs.IO_BASE_UPPER16, 2, ALL16, 0);
        probe(d, "I/O limit upper", PciRegs.IO_LIMIT_UPPER16, 2, ALL16, 0);
        readOnly(d, "capability pointer", PciRegs.CAPABILITY_LIST, 4);
        readOnly(d, "bridge ROM (unimplemented)", PciRegs.ROM_ADDRESS1, 4);
        probe(d, "interrupt line", PciRegs.INTERRUPT_LINE, 1, ALL8, 0);
        readOnly(d, "interrupt pin", PciRegs.INTERRUPT_PIN, 1);
        probe(d, "bridge control", PciRegs.BRIDGE_CONTROL, 2, BridgeControl.PARITY | BridgeControl.SERR
                | BridgeControl.ISA | BridgeControl.VGA | BridgeControl.VGA_16BIT | BridgeControl.BUS_RESET, 0);
    }

    @Test
    void pciExpressRootPortWithSlot() throws Exception {
        SimulatedDevice d = TestDevices.rootPort();
        int e = BRIDGE_EXP;
        probe(d, "DEVCTL (Initiate FLR reserved in ports)", e + Exp.DEVCTL, 2, Exp.DEVCTL_CERE | Exp.DEVCTL_NFERE
                | Exp.DEVCTL_FERE | Exp.DEVCTL_URRE | Exp.DEVCTL_RELAX_EN | Exp.DEVCTL_PAYLOAD | Exp.DEVCTL_EXT_TAG
                | Exp.DEVCTL_AUX_PME | Exp.DEVCTL_NOSNOOP_EN | Exp.DEVCTL_READRQ, 0);
        probe(d, "DEVSTA", e + Exp.DEVSTA, 2, 0, Exp.DEVSTA_RW1C);
        probe(d, "LNKCTL", e + Exp.LNKCTL, 2, Exp.LNKCTL_ASPMC | Exp.LNKCTL_LD | Exp.LNKCTL_CCC | Exp.LNKCTL_ES
                | Exp.LNKCTL_HAWD | Exp.LNKCTL_LBMIE | Exp.LNKCTL_LABIE, 0);
        probe(d, "LNKSTA", e + Exp.LNKSTA, 2, 0, Exp.LNKSTA_LBMS | Exp.LNKSTA_LABS);
        readOnly(d, "SLTCAP", e + Exp.SLTCAP, 4);
        probe(d, "SLTCTL", e + Exp.SLTCTL, 2, Exp.SLTCTL_ABPE | Exp.SLTCTL_PFDE | Exp.SLTCTL_MRLSCE | Exp.SLTCTL_PDCE
                | Exp.SLTCTL_CCIE | Exp.SLTCTL_HPIE | Exp.SLTCTL_AIC | Exp.SLTCTL_PIC | Exp.SLTCTL_PCC | Exp.SLTCTL_EIC
                | Exp.SLTCTL_DLLSCE | Exp.SLTCTL_ASPL_DISABLE | Exp.SLTCTL_IBPD_DISABLE, 0);
        probe(d, "SLTSTA", e + Exp.SLTSTA, 2, 0, Exp.SLTSTA_RW1C);
        probe(d, "RTCTL", e + Exp.RTCTL, 2, Exp.RTCTL_SECEE | Exp.RTCTL_SENFEE | Exp.RTCTL_SEFEE | Exp.RTCTL_PMEIE
                | Exp.RTCTL_CRSSVE, 0);
        readOnly(d, "RTCAP", e + Exp.RTCAP, 2);
        probe(d, "RTSTA", e + Exp.RTSTA, 4, 0, Exp.RTSTA_PME);
        probe(d, "DEVCTL2 (ARI forwarding supported)", e + Exp.DEVCTL2, 2, Exp.DEVCTL2_ARI | Exp.DEVCTL2_ATOMIC_REQ
                | Exp.DEVCTL2_ATOMIC_EGRESS_BLOCK | Exp.DEVCTL2_IDO_REQ_EN | Exp.DEVCTL2_IDO_CMP_EN
                | Exp.DEVCTL2_OBFF_WAKE_EN | Exp.DEVCTL2_EE_PREFIX_BLOCK, 0);
        readOnly(d, "SLTCAP2", e + Exp.SLTCAP2, 4);
        readOnly(d, "SLTCTL2/SLTSTA2", e + Exp.SLTCTL2, 4);
    }

    @Test
    void advancedErrorReportingOfARootPort() throws Exception {
        SimulatedDevice d = TestDevices.rootPort();
        probe(d, "uncorrectable status", BRIDGE_AER + Err.UNCOR_STATUS, 4, 0, Err.UNC_DEFINED);
        probe(d, "root error command", BRIDGE_AER + Err.ROOT_COMMAND, 4, Err.ROOT_CMD_COR_EN | Err.ROOT_CMD_NONFATAL_EN
                | Err.ROOT_CMD_FATAL_EN, 0);
        probe(d, "root error status", BRIDGE_AER + Err.ROOT_STATUS, 4, 0, Err.ROOT_STATUS_RW1C);
        readOnly(d, "error source", BRIDGE_AER + Err.ROOT_ERR_SRC, 4);
        probe(d, "past a root port's AER: device-specific", BRIDGE_AER + Err.ROOT_SIZEOF, 4, ALL32, 0);
    }
}
