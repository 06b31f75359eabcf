package org.pciguard.cap.msix;

import java.util.List;
import java.util.Optional;

import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.BarKind;
import org.pciguard.api.handler.BarRegion;
import org.pciguard.api.regs.PciRegs.Msix;

/**
 * Where one MSI-X capability puts its table and Pending Bit Array in BAR space (PCI 3.0, 6.8.2.4
 * and 6.8.2.5), read from the registers the hardware fixes.
 *
 * @param entries     table entries, Table Size + 1
 * @param tableBir    Table BIR
 * @param tableOffset Table Offset in that BAR
 * @param pbaBir      PBA BIR
 * @param pbaOffset   PBA Offset in that BAR
 */
record MsixLayout(int entries, int tableBir, long tableOffset, int pbaBir, long pbaOffset) {

    /** What the handler calls the emulated table. */
    static final String TABLE = "MSI-X table";
    /** What the handler calls the emulated Pending Bit Array. */
    static final String PBA = "MSI-X PBA";

    /** Number of BARs a BIR may name: 0..5; 6 and 7 are reserved. */
    private static final int BARS = 6;

    /** The layout from Message Control, Table Offset/BIR and PBA Offset/BIR as the device holds them. */
    static MsixLayout of(int flags, int table, int pba) {
        return new MsixLayout((flags & Msix.FLAGS_QSIZE) + 1, table & Msix.TABLE_BIR,
                Integer.toUnsignedLong(table & Msix.TABLE_OFFSET), pba & Msix.PBA_BIR,
                Integer.toUnsignedLong(pba & Msix.PBA_OFFSET));
    }

    /** Bytes of the table: 16 per entry. */
    long tableLength() {
        return (long) entries * Msix.ENTRY_SIZE;
    }

    /** Bytes of the PBA: one bit per entry, in whole QWORDs. */
    long pbaLength() {
        return (entries + Long.SIZE - 1) / Long.SIZE * Long.BYTES;
    }

    /** The table as a BAR region; only where {@link #anomaly} finds nothing. */
    BarRegion table() {
        return new BarRegion(tableBir, tableOffset, tableLength(), TABLE);
    }

    /** The PBA as a BAR region; only where {@link #anomaly} finds nothing. */
    BarRegion pba() {
        return new BarRegion(pbaBir, pbaOffset, pbaLength(), PBA);
    }

    /** Offset in the PBA's BAR of the QWORD holding the pending bit of {@code entry}. */
    long pbaQword(int entry) {
        return pbaOffset + (long) (entry / Long.SIZE) * Long.BYTES;
    }

    /**
     * What keeps the table or the PBA from being emulated on a function with these BARs: a reserved
     * BIR, a BAR that is not implemented (or is the upper half of a 64-bit BAR) or is an I/O BAR, a
     * structure past the end of its BAR, or the two overlapping.
     */
    Optional<String> anomaly(List<BarInfo> bars) {
        String table = outside(TABLE, tableBir, tableOffset, tableLength(), bars);
        if (table != null) {
            return Optional.of(table);
        }
        String pba = outside(PBA, pbaBir, pbaOffset, pbaLength(), bars);
        if (pba != null) {
            return Optional.of(pba);
        }
        if (tableBir == pbaBir && tableOffset < pbaOffset + pbaLength() && pbaOffset < tableOffset + tableLength()) {
            return Optional.of(describe(TABLE, tableBir, tableOffset, tableLength()) + " and "
                    + describe(PBA, pbaBir, pbaOffset, pbaLength()) + " overlap");
        }
        return Optional.empty();
    }

    private static String outside(String what, int bir, long offset, long length, List<BarInfo> bars) {
        String where = describe(what, bir, offset, length);
        if (bir >= BARS) {
            return where + ": BIR " + bir + " is reserved";
        }
        BarInfo bar = bars.stream().filter(b -> b.index() == bir).findFirst().orElse(null);
        if (bar == null) {
            return where + ": BAR " + bir + " is not implemented";
        }
        if (bar.kind() == BarKind.IO) {
            return where + ": BAR " + bir + " is an I/O BAR";
        }
        if (offset + length > bar.size()) {
            return where + " runs past the end of BAR " + bir + " (" + bar.size() + " bytes)";
        }
        return null;
    }

    private static String describe(String what, int bir, long offset, long length) {
        return what + " (BIR " + bir + ", offset 0x" + Long.toHexString(offset) + ", " + length + " bytes)";
    }
}
