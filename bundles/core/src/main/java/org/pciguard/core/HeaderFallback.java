package org.pciguard.core;

import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_0;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_1;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_2;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_3;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_4;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_5;
import static org.pciguard.api.regs.PciRegs.ROM_ADDRESS;
import static org.pciguard.api.regs.PciRegs.STD_HEADER_SIZEOF;

import org.pciguard.api.handler.PermissionTable;

/**
 * The header's table while no handler serves it (none registered, or it threw before it could):
 * read-only pass-through, except the BAR and ROM BAR registers, which are virtual and read 0. The
 * header handler owns the real policy; this only keeps the one rule a read-through header would
 * break: host BAR addresses are never shown to a guest (DESIGN.md difference 4).
 */
final class HeaderFallback {

    /** The registers kept virtual, reading 0. */
    static final int[] HOST_ADDRESS_REGISTERS = {
        BASE_ADDRESS_0, BASE_ADDRESS_1, BASE_ADDRESS_2, BASE_ADDRESS_3, BASE_ADDRESS_4, BASE_ADDRESS_5, ROM_ADDRESS };

    static final PermissionTable TABLE = table();

    private HeaderFallback() {
    }

    private static PermissionTable table() {
        PermissionTable.Builder b = PermissionTable.builder(STD_HEADER_SIZEOF);
        for (int reg : HOST_ADDRESS_REGISTERS) {
            b.at(reg, 4).virtual(-1).because("no header handler: the host's BAR address is never shown to a guest");
        }
        return b.build();
    }
}
