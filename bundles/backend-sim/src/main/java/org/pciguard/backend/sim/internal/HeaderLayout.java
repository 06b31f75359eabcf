package org.pciguard.backend.sim.internal;

import org.pciguard.api.access.BarInfo;
import org.pciguard.api.regs.PciRegs;

/** Where the base address registers of each header layout are (PCI 3.0, 6.2.5; PCI-to-PCI Bridge 1.2, 3.2). */
public final class HeaderLayout {

    private HeaderLayout() {
    }

    /** The header layout, {@link PciRegs#HEADER_TYPE} bits 6:0, of a configuration image. */
    public static int headerType(byte[] cfg) {
        return cfg[PciRegs.HEADER_TYPE] & PciRegs.HEADER_TYPE_MASK;
    }

    /** Number of BAR registers: 6 for a normal function, 2 for a bridge, 1 (the socket registers) for CardBus. */
    public static int barCount(int headerType) {
        switch (headerType) {
            case PciRegs.HEADER_TYPE_NORMAL:
                return 6;
            case PciRegs.HEADER_TYPE_BRIDGE:
                return 2;
            case PciRegs.HEADER_TYPE_CARDBUS:
                return 1;
            default:
                return 0;
        }
    }

    /** The Expansion ROM register: 0x30 for a normal function, 0x38 for a bridge, -1 where there is none. */
    public static int romRegister(int headerType) {
        switch (headerType) {
            case PciRegs.HEADER_TYPE_NORMAL:
                return PciRegs.ROM_ADDRESS;
            case PciRegs.HEADER_TYPE_BRIDGE:
                return PciRegs.ROM_ADDRESS1;
            default:
                return -1;
        }
    }

    /** The register of BAR {@code index} (0..5, or {@link BarInfo#ROM_INDEX}) in this layout. */
    public static int register(int headerType, int index) {
        return index == BarInfo.ROM_INDEX ? romRegister(headerType) : PciRegs.BASE_ADDRESS_0 + 4 * index;
    }
}
