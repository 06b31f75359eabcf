package org.pciguard.walker;

import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Exp;
import org.pciguard.api.regs.PciRegs.ExtCapHeader;

/** Builds configuration bytes for walker tests: header fields, capability headers, registers. */
final class ConfigBuilder {

    /** Where {@link #pcie} puts the PCI Express capability. */
    static final int EXP_AT = 0x40;

    private final byte[] c;

    ConfigBuilder(int size) {
        c = new byte[size];
        if (size >= PciRegs.DEVICE_ID + 2) {
            u16(PciRegs.VENDOR_ID, 0x8086).u16(PciRegs.DEVICE_ID, 0x1234);
        }
    }

    /** A 4 KiB function with a version 2 PCI Express capability of {@code type} at 0x40 as its only standard one. */
    static ConfigBuilder pcie(int type) {
        return new ConfigBuilder(PciRegs.CFG_SPACE_EXP_SIZE).capList(EXP_AT).cap(EXP_AT, CapId.EXP, 0)
                .u16(EXP_AT + Exp.FLAGS, 2 | type << Exp.FLAGS_TYPE_SHIFT);
    }

    /** A 4 KiB PCI Express endpoint. */
    static ConfigBuilder pcieEndpoint() {
        return pcie(Exp.TYPE_ENDPOINT);
    }

    /** Sets Status.CAP_LIST and the Capabilities Pointer. */
    ConfigBuilder capList(int first) {
        u16(PciRegs.STATUS, PciRegs.Status.CAP_LIST);
        return u8(PciRegs.CAPABILITY_LIST, first);
    }

    /** A standard capability header: id and next pointer. */
    ConfigBuilder cap(int off, int id, int next) {
        return u8(off, id).u8(off + 1, next);
    }

    /** An extended capability header dword. */
    ConfigBuilder ecap(int off, int id, int version, int next) {
        return u32(off, id | version << ExtCapHeader.VERSION_SHIFT | next << ExtCapHeader.NEXT_SHIFT);
    }

    ConfigBuilder u8(int off, int value) {
        c[off] = (byte) value;
        return this;
    }

    ConfigBuilder u16(int off, int value) {
        return u8(off, value).u8(off + 1, value >>> 8);
    }

    ConfigBuilder u32(int off, int value) {
        return u16(off, value).u16(off + 2, value >>> 16);
    }

    byte[] bytes() {
        return c.clone();
    }
}
