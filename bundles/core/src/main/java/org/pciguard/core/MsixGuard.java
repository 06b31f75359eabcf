package org.pciguard.core;

import java.nio.ByteBuffer;

import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Msix;

/**
 * Where the device's own MSI-X table and PBA lie in its BARs, as its MSI-X capability said at open.
 * The core refuses every guest BAR access touching them that no handler emulates (DESIGN.md
 * difference 3), whether or not an MSI-X handler is present and whether or not the capability is
 * visible: the table holds the host's interrupt messages, and a guest writing it could send
 * interrupts anywhere.
 */
final class MsixGuard {

    /** A device without an MSI-X capability. */
    static final MsixGuard NONE = new MsixGuard(-1, 0, 0, -1, 0, 0);

    private final int tableBar;
    private final long tableStart;
    private final long tableEnd;
    private final int pbaBar;
    private final long pbaStart;
    private final long pbaEnd;

    private MsixGuard(int tableBar, long tableStart, long tableEnd, int pbaBar, long pbaStart, long pbaEnd) {
        this.tableBar = tableBar;
        this.tableStart = tableStart;
        this.tableEnd = tableEnd;
        this.pbaBar = pbaBar;
        this.pbaStart = pbaStart;
        this.pbaEnd = pbaEnd;
    }

    /** The ranges of the first MSI-X capability the walker found, or {@link #NONE}. */
    static MsixGuard of(CapabilityMap map, ByteBuffer config) {
        for (Capability c : map.standard()) {
            if (c.space() != CapabilitySpace.STANDARD || c.id() != CapId.MSIX
                    || c.offset() + Msix.SIZEOF > config.limit()) {
                continue;
            }
            int entries = (config.getShort(c.offset() + Msix.FLAGS) & Msix.FLAGS_QSIZE) + 1;
            int table = config.getInt(c.offset() + Msix.TABLE);
            int pba = config.getInt(c.offset() + Msix.PBA);
            long tableStart = Integer.toUnsignedLong(table & Msix.TABLE_OFFSET);
            long pbaStart = Integer.toUnsignedLong(pba & Msix.PBA_OFFSET);
            long pbaBytes = (entries + 63) / 64 * 8L;
            return new MsixGuard(table & Msix.TABLE_BIR, tableStart, tableStart + (long) entries * Msix.ENTRY_SIZE,
                    pba & Msix.PBA_BIR, pbaStart, pbaStart + pbaBytes);
        }
        return NONE;
    }

    /** What of the device's MSI-X structures {@code [offset, offset + size)} of BAR {@code bar} touches, or null. */
    String touched(int bar, long offset, int size) {
        long end = offset + size;
        if (bar == tableBar && offset < tableEnd && end > tableStart) {
            return "the device's MSI-X table";
        }
        if (bar == pbaBar && offset < pbaEnd && end > pbaStart) {
            return "the device's MSI-X PBA";
        }
        return null;
    }
}
