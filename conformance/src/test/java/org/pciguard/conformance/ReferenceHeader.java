package org.pciguard.conformance;

import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_0;
import static org.pciguard.api.regs.PciRegs.BIST;
import static org.pciguard.api.regs.PciRegs.CACHE_LINE_SIZE;
import static org.pciguard.api.regs.PciRegs.CAPABILITY_LIST;
import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.api.regs.PciRegs.DEVICE_ID;
import static org.pciguard.api.regs.PciRegs.INTERRUPT_LINE;
import static org.pciguard.api.regs.PciRegs.INTERRUPT_PIN;
import static org.pciguard.api.regs.PciRegs.LATENCY_TIMER;
import static org.pciguard.api.regs.PciRegs.ROM_ADDRESS;
import static org.pciguard.api.regs.PciRegs.ROM_ADDRESS_ENABLE;
import static org.pciguard.api.regs.PciRegs.STATUS;
import static org.pciguard.api.regs.PciRegs.STD_HEADER_SIZEOF;
import static org.pciguard.api.regs.PciRegs.VENDOR_ID;

import java.util.List;

import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.BarKind;
import org.pciguard.api.regs.PciRegs.BaseAddress;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Status;

/**
 * The oracle of the header conformance tests, written independently of the handler's table: the
 * header table of reference 2.1 as vfio-pci has it (virt and write masks), then DESIGN.md's
 * differences applied one by one. Per config byte of the header.
 */
final class ReferenceHeader {

    private static final int ALL = 0xffffffff;
    private static final int BAR_COUNT = 6;

    /** Per byte: bits served from the shadow. */
    final int[] virt = new int[STD_HEADER_SIZEOF];
    /** Per byte: bits the guest may write (to the shadow if virtual, else to the device). */
    final int[] write = new int[STD_HEADER_SIZEOF];

    ReferenceHeader(List<BarInfo> bars) {
        // Reference 2.1, line by line.
        vfio(VENDOR_ID, 2, 0xffff, 0);
        vfio(DEVICE_ID, 2, 0xffff, 0);
        vfio(COMMAND, 2, Command.INTX_DISABLE, 0xffff);
        vfio(STATUS, 2, Status.CAP_LIST, 0);
        vfio(CACHE_LINE_SIZE, 1, 0, 0xff);
        vfio(LATENCY_TIMER, 1, 0, 0xff);
        vfio(BIST, 1, 0, 0xff);
        for (int i = 0; i < BAR_COUNT; i++) {
            vfio(BASE_ADDRESS_0 + 4 * i, 4, ALL, ALL);
        }
        vfio(ROM_ADDRESS, 4, ALL, ALL);
        vfio(CAPABILITY_LIST, 1, 0xff, 0);
        vfio(INTERRUPT_LINE, 1, 0xff, 0xff);
        vfio(INTERRUPT_PIN, 1, 0xff, 0);

        // Difference 7: Memory and I/O decode are virtual.
        or(virt, COMMAND, 2, Command.IO | Command.MEMORY);
        // pciguard's choice: Command bit 7 (hardwired 0) and bits 15:11 (reserved) are read-only.
        and(write, COMMAND, 2, ~(Command.WAIT | Command.RESERVED));
        // Difference 4: BARs are masked on write as hardware masks them, with vfio's masks of 3.3.
        BarInfo[] byIndex = new BarInfo[BarInfo.ROM_INDEX + 1];
        bars.forEach(b -> byIndex[b.index()] = b);
        for (int i = 0; i < BAR_COUNT; i++) {
            BarInfo b = byIndex[i];
            int reg = BASE_ADDRESS_0 + 4 * i;
            long size = b == null ? 0 : ~(b.size() - 1);
            int flags = b == null ? ALL : b.kind() == BarKind.IO ? ~BaseAddress.IO_MASK : ~BaseAddress.MEM_MASK;
            and(write, reg, 4, (int) size & ~flags);
            if (b != null && b.kind() == BarKind.MEMORY64 && i + 1 < BAR_COUNT) {
                i++;
                and(write, reg + 4, 4, (int) (size >>> 32));
            }
        }
        BarInfo rom = byIndex[BarInfo.ROM_INDEX];
        and(write, ROM_ADDRESS, 4, rom == null ? 0 : (int) ~(rom.size() - 1) | ROM_ADDRESS_ENABLE);
    }

    /** Bits the guest may write into the shadow, in the access's little-endian value. */
    int virtualWritable(int offset, int size) {
        return compose(offset, size, true);
    }

    /** Bits the guest may write on the device, in the access's little-endian value. */
    int deviceWritable(int offset, int size) {
        return compose(offset, size, false);
    }

    private int compose(int offset, int size, boolean virtual) {
        int v = 0;
        for (int i = 0; i < size; i++) {
            int b = offset + i;
            v |= (write[b] & (virtual ? virt[b] : ~virt[b]) & 0xff) << 8 * i;
        }
        return v;
    }

    private void vfio(int offset, int size, int virtMask, int writeMask) {
        for (int i = 0; i < size; i++) {
            virt[offset + i] = virtMask >>> 8 * i & 0xff;
            write[offset + i] = writeMask >>> 8 * i & 0xff;
        }
    }

    private static void or(int[] masks, int offset, int size, int bits) {
        for (int i = 0; i < size; i++) {
            masks[offset + i] |= bits >>> 8 * i & 0xff;
        }
    }

    private static void and(int[] masks, int offset, int size, int bits) {
        for (int i = 0; i < size; i++) {
            masks[offset + i] &= bits >>> 8 * i & 0xff;
        }
    }
}
