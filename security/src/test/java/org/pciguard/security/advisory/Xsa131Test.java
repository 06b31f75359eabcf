package org.pciguard.security.advisory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Exp;

/**
 * XSA-131 (QEMU CVE-2015-4106), "Unmediated PCI register access in qemu": QEMU's Xen passthrough
 * passed guest writes to reserved and unknown bits of many registers straight to the device; the
 * fixes made unknown fields read-only, marked reserved bits, and made all PCI Express capability
 * bits read-only but those the guest needs. pciguard (SECURITY.md R6): Command's reserved bits, the
 * header's reserved bytes, and the PCI Express capability's read-only registers (capabilities, and the
 * fabric-wide Max Payload Size) never change on the device through a guest write.
 */
class Xsa131Test {

    /** Realtek RTL8111: a PCIe endpoint with FLR-less Device Control. */
    private static final String DEVICE = "10ec-8168-rtl8111-gbe.lspci";

    @Test
    void xsa131_reservedAndUnknownHeaderBitsNeverReachTheDevice() {
        Scenario s = new Scenario(DEVICE);
        int command = s.phys.readConfig(PciRegs.COMMAND, 2);
        s.guest.write(PciRegs.COMMAND, 2, Command.RESERVED | Command.WAIT);
        assertEquals(command & (Command.RESERVED | Command.WAIT),
                s.phys.readConfig(PciRegs.COMMAND, 2) & (Command.RESERVED | Command.WAIT));
        for (int off = PciRegs.CAPABILITY_LIST + 1; off < PciRegs.INTERRUPT_LINE; off++) {
            byte[] before = s.device();
            s.guest.write(off, 1, 0xff);
            assertEquals(before[off], s.device()[off], "reserved header byte 0x" + Integer.toHexString(off));
        }
    }

    @Test
    void xsa131_pciExpressCapabilityRegistersAndMaxPayloadSizeStayTheHosts() {
        Scenario s = new Scenario(DEVICE);
        Capability exp = s.capability(CapabilitySpace.STANDARD, CapId.EXP);
        byte[] before = s.device();
        for (int off = exp.offset(); off < exp.end(); off += 4) {
            s.guest.write(off, 4, off == exp.offset() + Exp.DEVCTL ? ~Exp.DEVCTL_BCR_FLR : -1);
        }
        byte[] after = s.device();
        for (int reg : new int[] {Exp.FLAGS, Exp.DEVCAP, Exp.LNKCAP, Exp.DEVCAP2}) {
            for (int k = 0; k < 2; k++) {
                int b = exp.offset() + reg + k;
                assertEquals(before[b], after[b], "PCIe capability register +0x" + Integer.toHexString(reg));
            }
        }
        int devctl = exp.offset() + Exp.DEVCTL;
        assertEquals(Bytes16.get(before, devctl) & Exp.DEVCTL_PAYLOAD, Bytes16.get(after, devctl) & Exp.DEVCTL_PAYLOAD,
                "Max Payload Size is the fabric's");
    }

    /** 16-bit little-endian reads of a byte image. */
    private static final class Bytes16 {
        static int get(byte[] b, int off) {
            return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8;
        }
    }
}
