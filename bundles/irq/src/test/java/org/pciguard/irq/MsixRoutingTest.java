package org.pciguard.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.irq.RouterFixture.ADDRESS;
import static org.pciguard.irq.RouterFixture.msix;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.irq.dto.RouteDTO;

/** MSI-X: entries from the emulated table, entry mask and Function Mask emulated, the PBA through pending bits. */
class MsixRoutingTest {

    private static final int TABLE = 8;

    private RouterFixture f;

    @BeforeEach
    void enabled() {
        f = new RouterFixture();
        f.routes.msix(true, false, TABLE);
        for (int e = 0; e < TABLE; e++) {
            f.routes.msixEntry(e, ADDRESS + 0x1000L * e, 0x40 + e, false);
        }
    }

    @Test
    void anUnmaskedEntryIsDeliveredWithItsAddressAndData() {
        f.raise(InterruptKind.MSIX, 3);
        f.raise(InterruptKind.MSIX, 0);
        assertEquals(List.of(msix(ADDRESS + 0x3000, 0x43), msix(ADDRESS, 0x40)), f.lines());
        RouteDTO r = f.route("msix", 3);
        assertEquals(1, r.delivered);
        assertEquals(0, r.held);
        assertTrue(r.enabled);
        assertFalse(r.masked);
        assertEquals(ADDRESS + 0x3000, r.address);
        assertEquals("0000:03:00.0", r.device);
        assertEquals(List.of(), f.pendingHeard());
    }

    @Test
    void aMaskedEntrySetsItsPendingBitOnceAndIsDeliveredOnUnmaskWithTheNewMessage() {
        f.routes.msixEntry(2, ADDRESS, 0x42, true);
        f.raise(InterruptKind.MSIX, 2);
        f.raise(InterruptKind.MSIX, 2);
        assertEquals(List.of(), f.lines());
        assertEquals(List.of("MSIX 2 pending"), f.pendingHeard(), "one pending bit, told once");
        assertTrue(f.routes.pending(InterruptKind.MSIX, 2));
        RouteDTO r = f.route("msix", 2);
        assertTrue(r.masked && r.pending);
        assertEquals(2, r.held);

        f.routes.msixEntry(2, ADDRESS + 0x8000, 0x99, true);
        assertEquals(List.of(), f.lines(), "reprogrammed but still masked");
        f.routes.msixEntry(2, ADDRESS + 0x8000, 0x99, false);
        assertEquals(List.of(msix(ADDRESS + 0x8000, 0x99)), f.lines(), "one delivery, with the message programmed now");
        assertEquals(List.of("MSIX 2 pending", "MSIX 2 clear"), f.pendingHeard());
        assertFalse(f.routes.pending(InterruptKind.MSIX, 2));
        assertEquals(1, f.route("msix", 2).delivered);
    }

    @Test
    void functionMaskHoldsEveryEntryAndItsClearingDeliversThoseNotMaskedThemselves() {
        f.routes.msix(true, true, TABLE);
        f.routes.msixEntry(5, ADDRESS, 0x45, true);
        f.raise(InterruptKind.MSIX, 1);
        f.raise(InterruptKind.MSIX, 5);
        f.raise(InterruptKind.MSIX, 7);
        assertEquals(List.of(), f.lines());
        assertTrue(f.route("msix", 1).masked, "Function Mask masks every entry");

        f.routes.msix(true, false, TABLE);
        assertEquals(List.of(msix(ADDRESS + 0x1000, 0x41), msix(ADDRESS + 0x7000, 0x47)), f.lines());
        assertTrue(f.routes.pending(InterruptKind.MSIX, 5), "entry 5 is masked itself: still pending");
        assertEquals(List.of("MSIX 1 pending", "MSIX 5 pending", "MSIX 7 pending", "MSIX 1 clear", "MSIX 7 clear"),
                f.pendingHeard());
    }

    @Test
    void disablingClearsThePendingBitsKeepsTheTableAndHoldsWhatIsRaised() {
        f.routes.msixEntry(4, ADDRESS, 0x44, true);
        f.raise(InterruptKind.MSIX, 4);
        f.routes.msix(false, false, TABLE);
        assertEquals(List.of("MSIX 4 pending", "MSIX 4 clear"), f.pendingHeard());
        f.raise(InterruptKind.MSIX, 1);
        assertEquals(List.of(), f.lines(), "nothing is delivered while MSI-X is disabled");
        assertFalse(f.routes.pending(InterruptKind.MSIX, 1), "a disabled source is not pending");
        assertEquals(1, f.route("msix", 1).held);
        assertFalse(f.route("msix", 1).enabled);

        f.routes.msix(true, false, TABLE);
        f.raise(InterruptKind.MSIX, 1);
        assertEquals(List.of(msix(ADDRESS + 0x1000, 0x41)), f.lines(), "the table programmed before survives");
    }

    @Test
    void everyEntryOfTheTableIsARoute() {
        RouteDTO[] routes = f.routes.snapshot();
        assertEquals(TABLE, routes.length);
        for (int e = 0; e < TABLE; e++) {
            assertEquals("msix", routes[e].source);
            assertEquals(e, routes[e].index);
            assertEquals(0x40 + e, routes[e].data);
        }
    }

    @Test
    void entriesComeOutOfResetMasked() {
        RouterFixture fresh = new RouterFixture();
        fresh.routes.msix(true, false, 4);
        fresh.raise(InterruptKind.MSIX, 0);
        assertEquals(List.of(), fresh.lines());
        assertTrue(fresh.routes.pending(InterruptKind.MSIX, 0));
    }
}
