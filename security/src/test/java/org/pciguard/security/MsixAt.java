package org.pciguard.security;

import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.testing.ConfigBytes;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * Where a function's MSI-X table and PBA lie, from its capability (PCI 3.0, 6.8.2.4 and 6.8.2.5).
 *
 * @param control absolute config offset of Message Control
 * @param entries table size
 */
public record MsixAt(int control, int entries, int tableBar, long tableOffset, int pbaBar, long pbaOffset) {

    /** Where the MSI-X capability of a dump puts its table and PBA. */
    public static MsixAt of(DeviceImage image) {
        byte[] config = image.config();
        Capability c = new DefaultCapabilityWalker().walk(config).find(CapabilitySpace.STANDARD, CapId.MSIX)
                .orElseThrow(() -> new AssertionError(image.source() + " has no MSI-X capability"));
        int table = ConfigBytes.get(config, c.offset() + Msix.TABLE, 4);
        int pba = ConfigBytes.get(config, c.offset() + Msix.PBA, 4);
        return new MsixAt(c.offset() + Msix.FLAGS, (ConfigBytes.get(config, c.offset() + Msix.FLAGS, 2) & Msix.FLAGS_QSIZE) + 1,
                table & Msix.TABLE_BIR, Integer.toUnsignedLong(table & Msix.TABLE_OFFSET), pba & Msix.PBA_BIR,
                Integer.toUnsignedLong(pba & Msix.PBA_OFFSET));
    }

    /** BAR offset of {@code field} of table entry {@code entry}. */
    public long entry(int entry, int field) {
        return tableOffset + (long) entry * Msix.ENTRY_SIZE + field;
    }

    /** BAR offset of the first byte past the table. */
    public long tableEnd() {
        return entry(entries, 0);
    }

    /** Bytes of the PBA: one bit per entry, in QWORDs. */
    public long pbaLength() {
        return (entries + Long.SIZE - 1) / Long.SIZE * Long.BYTES;
    }

    /** Whether {@code [offset, offset + size)} of BAR {@code bar} touches the table or the PBA. */
    public boolean touches(int bar, long offset, int size) {
        return bar == tableBar && offset < tableEnd() && offset + size > tableOffset
                || bar == pbaBar && offset < pbaOffset + pbaLength() && offset + size > pbaOffset;
    }
}
