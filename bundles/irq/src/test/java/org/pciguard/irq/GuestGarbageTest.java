package org.pciguard.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.pciguard.irq.RouterFixture.ADDRESS;
import static org.pciguard.irq.RouterFixture.msi;
import static org.pciguard.irq.RouterFixture.msix;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.InterruptKind;

/** Whatever a guest (through a handler) or a device hands the router, the result is defined and nothing throws. */
class GuestGarbageTest {

    private final RouterFixture f = new RouterFixture();

    @Test
    void vectorCountsAreTakenAsMultipleMessageEnableCanExpressThem() {
        f.routes.msi(true, ADDRESS, 0xffff, 64, 0);   // MME above MMC, above 32
        f.raise(InterruptKind.MSI, 31);
        f.routes.msi(true, ADDRESS, 0xffff, 3, 0);    // not a power of two: 2
        f.raise(InterruptKind.MSI, 1);
        f.raise(InterruptKind.MSI, 2);
        f.routes.msi(true, ADDRESS, 0xffff, 0, 0);    // none: 1
        f.raise(InterruptKind.MSI, 0);
        f.routes.msi(true, ADDRESS, 0xffff, -5, 0);
        f.raise(InterruptKind.MSI, 1);
        assertEquals(List.of(msi(ADDRESS, 0xffff), msi(ADDRESS, 0xffff), msi(ADDRESS, 0xffff)), f.lines());
        assertEquals(List.of(0, 1, 2, 31), List.of(f.routes.snapshot()).stream().map(r -> r.index).toList());
    }

    @Test
    void indexesPastEveryTableAreIgnored() {
        f.routes.msix(true, false, 4);
        f.routes.msixEntry(-1, ADDRESS, 1, false);
        f.routes.msixEntry(RoutedDevice.MSIX_ENTRIES, ADDRESS, 1, false);
        f.routes.msixEntry(Integer.MAX_VALUE, ADDRESS, 1, false);
        f.raise(InterruptKind.MSIX, 4);
        f.raise(InterruptKind.MSIX, -1);
        f.raise(InterruptKind.MSIX, Integer.MIN_VALUE);
        f.raise(InterruptKind.MSI, 32);
        f.raise(InterruptKind.MSI, -1);
        f.raise(InterruptKind.INTX, 7);
        assertEquals(List.of(), f.lines());
        assertEquals(4, f.routes.snapshot().length);
        assertFalse(f.routes.pending(InterruptKind.MSIX, -1));
        assertFalse(f.routes.pending(InterruptKind.MSIX, 1 << 20));
        assertFalse(f.routes.pending(InterruptKind.MSI, 40));
    }

    @Test
    void anEntryProgrammedPastTheTableIsKeptAndRoutedOnlyOnceTheTableHoldsIt() {
        f.routes.msix(true, false, 2);
        f.routes.msixEntry(5, ADDRESS, 0x55, false);
        f.raise(InterruptKind.MSIX, 5);
        assertEquals(List.of(), f.lines());
        f.routes.msix(true, false, 8);
        f.raise(InterruptKind.MSIX, 5);
        assertEquals(List.of(msix(ADDRESS, 0x55)), f.lines());
    }

    @Test
    void entriesProgrammedBeforeTheControlAreKept() {
        f.routes.msixEntry(0, ADDRESS, 0x10, false);
        f.routes.msix(true, false, 1);
        f.raise(InterruptKind.MSIX, 0);
        assertEquals(List.of(msix(ADDRESS, 0x10)), f.lines());
    }

    @Test
    void aTableSizeOutOfRangeIsClamped() {
        f.routes.msix(true, false, 100_000);
        assertEquals(RoutedDevice.MSIX_ENTRIES, f.routes.snapshot().length);
        f.routes.msixEntry(RoutedDevice.MSIX_ENTRIES - 1, ADDRESS, 0x7ff, false);
        f.raise(InterruptKind.MSIX, RoutedDevice.MSIX_ENTRIES - 1);
        assertEquals(List.of(msix(ADDRESS, 0x7ff)), f.lines());
        f.routes.msix(true, false, -3);
        assertEquals(0, f.routes.snapshot().length);
        f.raise(InterruptKind.MSIX, 0);
        assertEquals(1, f.lines().size());
    }

    @Test
    void shrinkingTheTableDropsThePendingBitsPastIt() {
        f.routes.msix(true, true, 8);
        f.raise(InterruptKind.MSIX, 6);
        f.routes.msix(true, true, 4);
        assertEquals(List.of("MSIX 6 pending", "MSIX 6 clear"), f.pendingHeard());
    }

    @Test
    void anInterruptOfAnUnknownKindIsIgnored() {
        f.routes.intx(true);
        f.routes.interrupt(RouterFixture.DEVICE, null, 0);
        assertEquals(List.of(), f.lines());
    }
}
