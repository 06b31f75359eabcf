package org.pciguard.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.irq.RouterFixture.ADDRESS;
import static org.pciguard.irq.RouterFixture.msi;
import static org.pciguard.irq.RouterFixture.msix;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.InterruptKind;

/** MSI: vectors from Multiple Message Enable, the vector in the data's low bits, per-vector mask and pending emulated. */
class MsiRoutingTest {

    private final RouterFixture f = new RouterFixture();

    @Test
    void vectorsAreSentWithTheVectorInTheLowBitsOfTheData() {
        f.routes.msi(true, ADDRESS, 0x4a60, 4, 0);
        f.raise(InterruptKind.MSI, 0);
        f.raise(InterruptKind.MSI, 3);
        assertEquals(List.of(msi(ADDRESS, 0x4a60), msi(ADDRESS, 0x4a63)), f.lines());
    }

    @Test
    void lowBitsTheGuestLeftSetAreReplacedByTheVector() {
        f.routes.msi(true, ADDRESS, 0x4a63, 4, 0);
        f.raise(InterruptKind.MSI, 1);
        f.raise(InterruptKind.MSI, 2);
        assertEquals(List.of(msi(ADDRESS, 0x4a61), msi(ADDRESS, 0x4a62)), f.lines());
    }

    @Test
    void aVectorPastTheEnabledCountIsHeldNotDelivered() {
        f.routes.msi(true, ADDRESS, 0x20, 2, 0);
        f.raise(InterruptKind.MSI, 2);
        f.raise(InterruptKind.MSI, 31);
        assertEquals(List.of(), f.lines());
        assertEquals(List.of(), f.pendingHeard());
        assertEquals(1, f.route("msi", 2).held, "a stray vector shows with its count");
        assertFalse(f.route("msi", 2).enabled);
        assertEquals(4, f.routes.snapshot().length, "vectors 0 and 1, and the two stray ones");
    }

    @Test
    void aMaskedVectorIsPendingAndDeliveredWhenUnmasked() {
        f.routes.msi(true, ADDRESS, 0x30, 8, 1 << 5);
        f.raise(InterruptKind.MSI, 5);
        f.raise(InterruptKind.MSI, 5);
        f.raise(InterruptKind.MSI, 4);
        assertEquals(List.of(msi(ADDRESS, 0x34)), f.lines());
        assertEquals(List.of("MSI 5 pending"), f.pendingHeard());
        assertTrue(f.routes.pending(InterruptKind.MSI, 5));
        assertEquals(2, f.route("msi", 5).held);
        assertTrue(f.route("msi", 5).masked);

        f.routes.msi(true, ADDRESS + 0x10, 0x38, 8, 0);
        assertEquals(List.of(msi(ADDRESS, 0x34), msi(ADDRESS + 0x10, 0x3d)), f.lines());
        assertEquals(List.of("MSI 5 pending", "MSI 5 clear"), f.pendingHeard());
        assertEquals(1, f.route("msi", 5).delivered);
    }

    @Test
    void disablingOrShrinkingDropsThePendingBits() {
        f.routes.msi(true, ADDRESS, 0, 8, 0xff);
        f.raise(InterruptKind.MSI, 1);
        f.raise(InterruptKind.MSI, 6);
        f.routes.msi(true, ADDRESS, 0, 4, 0xff);
        assertEquals(List.of("MSI 1 pending", "MSI 6 pending", "MSI 6 clear"), f.pendingHeard());
        f.routes.msi(false, ADDRESS, 0, 4, 0);
        assertEquals(List.of("MSI 1 pending", "MSI 6 pending", "MSI 6 clear", "MSI 1 clear"), f.pendingHeard());
        assertEquals(List.of(), f.lines(), "a disabled kind delivers nothing, not even what was pending");
        f.raise(InterruptKind.MSI, 0);
        assertEquals(List.of(), f.lines());
        assertFalse(f.routes.pending(InterruptKind.MSI, 0));
    }

    @Test
    void msixTakesPrecedenceWhenTheGuestEnablesBoth() {
        f.routes.msi(true, ADDRESS, 0x10, 1, 0);
        f.routes.msixEntry(0, ADDRESS + 0x100, 0x77, false);
        f.routes.msix(true, false, 1);
        f.raise(InterruptKind.MSI, 0);
        f.raise(InterruptKind.MSIX, 0);
        assertEquals(List.of(msix(ADDRESS + 0x100, 0x77)), f.lines(), "MSI is suspended while MSI-X is on");
        assertFalse(f.route("msi", 0).enabled);
        assertEquals(1, f.route("msi", 0).held);

        f.routes.msix(false, false, 1);
        f.raise(InterruptKind.MSIX, 0);
        f.raise(InterruptKind.MSI, 0);
        assertEquals(List.of(msix(ADDRESS + 0x100, 0x77), msi(ADDRESS, 0x10)), f.lines(), "MSI resumes");
    }

    @Test
    void aPendingMsiVectorWaitsWhileMsixIsOnAndIsDeliveredWhenItGoesOffAndTheVectorIsUnmasked() {
        f.routes.msi(true, ADDRESS, 0x10, 2, 0b10);
        f.raise(InterruptKind.MSI, 1);
        f.routes.msix(true, false, 1);
        f.routes.msi(true, ADDRESS, 0x10, 2, 0);
        assertEquals(List.of(), f.lines(), "unmasked, but MSI-X is on");
        assertTrue(f.routes.pending(InterruptKind.MSI, 1));
        f.routes.msix(false, false, 1);
        assertEquals(List.of(msi(ADDRESS, 0x11)), f.lines());
        assertFalse(f.routes.pending(InterruptKind.MSI, 1));
    }
}
