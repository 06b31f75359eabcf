package org.pciguard.cap.header;

import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_0;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_1;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_2;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_3;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_4;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_5;
import static org.pciguard.api.regs.PciRegs.BIST;
import static org.pciguard.api.regs.PciRegs.CACHE_LINE_SIZE;
import static org.pciguard.api.regs.PciRegs.CAPABILITY_LIST;
import static org.pciguard.api.regs.PciRegs.CARDBUS_CIS;
import static org.pciguard.api.regs.PciRegs.CLASS_DEVICE;
import static org.pciguard.api.regs.PciRegs.CLASS_PROG;
import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.api.regs.PciRegs.DEVICE_ID;
import static org.pciguard.api.regs.PciRegs.HEADER_TYPE;
import static org.pciguard.api.regs.PciRegs.INTERRUPT_LINE;
import static org.pciguard.api.regs.PciRegs.INTERRUPT_PIN;
import static org.pciguard.api.regs.PciRegs.LATENCY_TIMER;
import static org.pciguard.api.regs.PciRegs.MAX_LAT;
import static org.pciguard.api.regs.PciRegs.MIN_GNT;
import static org.pciguard.api.regs.PciRegs.REVISION_ID;
import static org.pciguard.api.regs.PciRegs.ROM_ADDRESS;
import static org.pciguard.api.regs.PciRegs.ROM_ADDRESS_ENABLE;
import static org.pciguard.api.regs.PciRegs.ROM_ADDRESS_MASK;
import static org.pciguard.api.regs.PciRegs.STATUS;
import static org.pciguard.api.regs.PciRegs.STD_HEADER_SIZEOF;
import static org.pciguard.api.regs.PciRegs.SUBSYSTEM_ID;
import static org.pciguard.api.regs.PciRegs.SUBSYSTEM_VENDOR_ID;
import static org.pciguard.api.regs.PciRegs.VENDOR_ID;

import java.util.ArrayList;
import java.util.List;

import org.pciguard.api.access.BarInfo;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.BaseAddress;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Status;

/**
 * The guest's rights to every bit of the type-0 header (PCI 3.0, 6.2), one line per register with
 * its reason. It follows Linux vfio-pci's header table (reference 2.1) with DESIGN.md's differences:
 * <ul>
 * <li>Memory and I/O decode in Command are virtual (difference 7): the core gates guest BAR access
 * on the guest's bits, the device keeps the host's decode;</li>
 * <li>BARs and the ROM BAR are masked on write as hardware masks them (difference 4): the address
 * bits above the BAR's size are writable, the flag bits are virtual read-only, an unimplemented BAR
 * is virtual read-only 0; there is no fix-up on read;</li>
 * <li>Command bits 7 and 15:11 (hardwired 0, reserved) are read-only, where vfio passes all 16
 * bits to the device: unknown means read-only;</li>
 * <li>Revision, class, header type, subsystem ids, CardBus CIS, Min_Gnt and Max_Lat are constant:
 * served from the open-time snapshot, as the spec fixes them.</li>
 * </ul>
 * The Capabilities Pointer and Status Capabilities List are virtual read-only: the core relinks the
 * chain and sets them. Bytes 0x35..0x3b (reserved) have no line: they read through, read-only.
 * Nothing in the header is RW1C to the guest: Status writes are dropped, as in vfio.
 */
final class HeaderPermissions {

    /** All bits of a 1-byte register. */
    static final int BYTE = 0xff;
    /** All bits of a 2-byte register. */
    static final int WORD = 0xffff;
    /** All bits of a 4-byte register. */
    static final int DWORD = 0xffffffff;

    /** Command bits kept in the shadow: decode (difference 7) and INTx Disable (the router masks INTx). */
    static final int COMMAND_VIRTUAL = Command.IO | Command.MEMORY | Command.INTX_DISABLE;
    /** Command bits the guest sets on the device: bus mastering and error reporting belong to the driver. */
    static final int COMMAND_DEVICE = Command.MASTER | Command.SPECIAL | Command.INVALIDATE | Command.VGA_PALETTE
            | Command.PARITY | Command.SERR | Command.FAST_BACK;

    /** The six BAR registers, in index order. */
    private static final int[] BAR_REGISTERS = {
        BASE_ADDRESS_0, BASE_ADDRESS_1, BASE_ADDRESS_2, BASE_ADDRESS_3, BASE_ADDRESS_4, BASE_ADDRESS_5 };

    private HeaderPermissions() {
    }

    /**
     * The guest view of one BAR register (or the ROM BAR).
     *
     * @param offset   config offset of the register
     * @param writable address bits the guest may change: the bits above the BAR's size
     * @param initial  the value the guest reads after open and reset: 0 with the flag bits, never a
     *                 host address
     * @param reason   what the register is, for the table line
     */
    record BarRegister(int offset, int writable, int initial, String reason) {
    }

    /** The permission table of the header of a device with these BARs. */
    static PermissionTable build(List<BarInfo> bars) {
        PermissionTable.Builder table = PermissionTable.builder(STD_HEADER_SIZEOF)
                .at(VENDOR_ID, 2).virtual(WORD)
                    .because("read-only; virtual so that an SR-IOV VF, whose hardware reads 0xffff, can be given ids")
                .at(DEVICE_ID, 2).virtual(WORD)
                    .because("read-only; virtual so that an SR-IOV VF, whose hardware reads 0xffff, can be given ids")
                .at(COMMAND, 2).virtual(COMMAND_VIRTUAL).writable(COMMAND_VIRTUAL | COMMAND_DEVICE)
                    .because("decode virtual: BAR access is gated on the guest's bits (difference 7); INTx Disable"
                            + " virtual: the router masks INTx; bus master, parity, SERR and the rest reach the"
                            + " device; bit 7 and reserved bits read-only")
                .at(STATUS, 2).virtual(Status.CAP_LIST).deviceWriteOneToClear(Status.RW1C)
                    .because("Capabilities List virtual: the core relinks the chain; the rest reads through;"
                            + " writes dropped, and the error bits are device RW1C the guest may not clear, so no"
                            + " read-modify-write of Command clears them (difference 1)")
                .at(REVISION_ID, 1).constant(BYTE).because("fixed by hardware")
                .at(CLASS_PROG, 1).constant(BYTE).because("programming interface, fixed by hardware")
                .at(CLASS_DEVICE, 2).constant(WORD).because("sub-class and base class, fixed by hardware")
                .at(CACHE_LINE_SIZE, 1).writable(BYTE).because("no harm to write")
                .at(LATENCY_TIMER, 1).writable(BYTE).because("no harm to write")
                .at(HEADER_TYPE, 1).constant(BYTE).because("layout and multi-function bit, fixed by hardware")
                .at(BIST, 1).writable(BYTE).because("no harm to write: the guest may start a self-test; the"
                        + " device keeps its read-only bits");
        for (BarRegister bar : bars(bars)) {
            table.at(bar.offset(), 4).virtual(DWORD).writable(bar.writable()).because(bar.reason());
        }
        table.at(CARDBUS_CIS, 4).constant(DWORD).because("fixed by hardware")
                .at(SUBSYSTEM_VENDOR_ID, 2).constant(WORD).because("fixed by hardware (HwInit)")
                .at(SUBSYSTEM_ID, 2).constant(WORD).because("fixed by hardware (HwInit)");
        BarRegister rom = rom(bars);
        table.at(ROM_ADDRESS, 4).virtual(DWORD).writable(rom.writable()).because(rom.reason());
        return table
                .at(CAPABILITY_LIST, 1).virtual(BYTE).because("the core relinks the chain to hide capabilities")
                .at(INTERRUPT_LINE, 1).virtual(BYTE).writable(BYTE).because("used by software only: a scratch byte")
                .at(INTERRUPT_PIN, 1).virtual(BYTE).because("virtual so that INTx can be hidden (0 for a VF)")
                .at(MIN_GNT, 1).constant(BYTE).because("fixed by hardware")
                .at(MAX_LAT, 1).constant(BYTE).because("fixed by hardware")
                .build();
    }

    /**
     * The guest view of BAR0..BAR5, in that order. Masks follow the hardware: the guest writes
     * all-ones and reads back the size mask with the flags. A 64-bit BAR's upper register is writable
     * above the size and has no flags. A 64-bit BAR reported at index 5 has no upper register and is
     * served as its lower half.
     */
    static List<BarRegister> bars(List<BarInfo> bars) {
        BarInfo[] byIndex = byIndex(bars);
        List<BarRegister> out = new ArrayList<>(BAR_REGISTERS.length);
        for (int i = 0; i < BAR_REGISTERS.length; i++) {
            BarInfo bar = byIndex[i];
            int reg = BAR_REGISTERS[i];
            if (bar == null) {
                out.add(new BarRegister(reg, 0, 0, "BAR" + i + " unimplemented: reads 0, writes dropped"));
                continue;
            }
            long address = ~(bar.size() - 1);
            String sized = " of " + bar.size() + " bytes: address bits above the size writable, flags read-only,"
                    + " starts at 0 (difference 4)";
            switch (bar.kind()) {
                case IO -> out.add(new BarRegister(reg, (int) address & BaseAddress.IO_MASK, BaseAddress.SPACE_IO,
                        "BAR" + i + ": I/O" + sized));
                case MEMORY64 -> {
                    int flags = BaseAddress.MEM_TYPE_64 | prefetch(bar);
                    out.add(new BarRegister(reg, (int) address & BaseAddress.MEM_MASK, flags,
                            "BAR" + i + ": 64-bit memory" + sized));
                    if (i + 1 < BAR_REGISTERS.length) {
                        i++;
                        out.add(new BarRegister(BAR_REGISTERS[i], (int) (address >>> Integer.SIZE), 0,
                                "BAR" + i + ": upper half of 64-bit BAR" + (i - 1) + sized));
                    }
                }
                default -> out.add(new BarRegister(reg, (int) address & BaseAddress.MEM_MASK, prefetch(bar),
                        "BAR" + i + ": 32-bit memory" + sized));
            }
        }
        return out;
    }

    /** The guest view of the Expansion ROM BAR: like a memory BAR, with the enable bit writable. */
    static BarRegister rom(List<BarInfo> bars) {
        BarInfo rom = byIndex(bars)[BarInfo.ROM_INDEX];
        if (rom == null) {
            return new BarRegister(ROM_ADDRESS, 0, 0, "no Expansion ROM: reads 0, writes dropped");
        }
        int writable = (int) ~(rom.size() - 1) & ROM_ADDRESS_MASK | ROM_ADDRESS_ENABLE;
        return new BarRegister(ROM_ADDRESS, writable, 0, "Expansion ROM of " + rom.size()
                + " bytes: address bits above the size and the enable bit writable, never reaching the device;"
                + " starts at 0 (difference 4)");
    }

    private static BarInfo[] byIndex(List<BarInfo> bars) {
        BarInfo[] byIndex = new BarInfo[BarInfo.ROM_INDEX + 1];
        for (BarInfo bar : bars) {
            byIndex[bar.index()] = bar;
        }
        return byIndex;
    }

    private static int prefetch(BarInfo bar) {
        return bar.prefetchable() ? BaseAddress.MEM_PREFETCH : 0;
    }
}
