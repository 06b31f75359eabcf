package org.pciguard.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.irq.RouterFixture.ADDRESS;
import static org.pciguard.irq.RouterFixture.DEVICE;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.irq.dto.RouteDTO;

/** INTx: a level, masked by INTx Disable, auto-masked until the host's EOI, one held assertion. */
class IntxRoutingTest {

    private static final String ASSERT = "> intx assert";
    private static final String DEASSERT = "> intx deassert";

    private RouterFixture f;

    @BeforeEach
    void enabled() {
        f = new RouterFixture();
        f.routes.intx(true);
    }

    @Test
    void anAssertionIsDeliveredAndMasksTheLineUntilEoi() {
        f.raise(InterruptKind.INTX, 0);
        assertEquals(List.of(ASSERT), f.lines());
        RouteDTO r = f.route("intx", 0);
        assertTrue(r.masked, "awaiting EOI");
        assertEquals(1, r.delivered);
        f.routes.eoi();
        assertEquals(List.of(ASSERT, DEASSERT), f.lines());
        assertFalse(f.route("intx", 0).masked);
        f.raise(InterruptKind.INTX, 0);
        assertEquals(List.of(ASSERT, DEASSERT, ASSERT), f.lines());
    }

    @Test
    void assertionsWhileAwaitingEoiAreOneHeldAssertionDeliveredAtEoi() {
        f.raise(InterruptKind.INTX, 0);
        f.raise(InterruptKind.INTX, 0);
        f.raise(InterruptKind.INTX, 0);
        assertEquals(List.of(ASSERT), f.lines());
        RouteDTO r = f.route("intx", 0);
        assertTrue(r.pending);
        assertEquals(2, r.held);
        f.routes.eoi();
        assertEquals(List.of(ASSERT, DEASSERT, ASSERT), f.lines(), "one held assertion, level semantics");
        f.routes.eoi();
        assertEquals(List.of(ASSERT, DEASSERT, ASSERT, DEASSERT), f.lines());
        f.routes.eoi();
        assertEquals(4, f.lines().size(), "an EOI with nothing asserted does nothing");
        assertEquals(2, f.route("intx", 0).delivered);
    }

    @Test
    void intxDisableHoldsAnAssertionDeliveredWhenItClears() {
        f.routes.intx(false);
        f.raise(InterruptKind.INTX, 0);
        f.raise(InterruptKind.INTX, 0);
        assertEquals(List.of(), f.lines());
        RouteDTO r = f.route("intx", 0);
        assertTrue(r.masked && r.pending);
        f.routes.intx(true);
        assertEquals(List.of(ASSERT), f.lines());
        assertFalse(f.route("intx", 0).pending);
    }

    @Test
    void intxDisableSetWhileAssertedDeassertsAndKeepsTheAssertion() {
        f.raise(InterruptKind.INTX, 0);
        f.routes.intx(false);
        assertEquals(List.of(ASSERT, DEASSERT), f.lines());
        assertTrue(f.route("intx", 0).pending);
        f.routes.eoi();
        assertEquals(2, f.lines().size(), "the line is not asserted: EOI does nothing");
        f.routes.intx(true);
        assertEquals(List.of(ASSERT, DEASSERT, ASSERT), f.lines());
    }

    @Test
    void intxIsNotDeliveredWhileMsiOrMsixIsEnabled() {
        f.raise(InterruptKind.INTX, 0);
        f.raise(InterruptKind.INTX, 0);
        f.routes.msi(true, ADDRESS, 0, 1, 0);
        assertEquals(List.of(ASSERT, DEASSERT), f.lines(), "MSI enabled: the line drops, the held assertion too");
        assertFalse(f.route("intx", 0).enabled);
        f.raise(InterruptKind.INTX, 0);
        f.routes.msi(false, ADDRESS, 0, 1, 0);
        f.routes.msix(true, false, 1);
        f.raise(InterruptKind.INTX, 0);
        f.routes.msix(false, false, 1);
        assertEquals(List.of(ASSERT, DEASSERT), f.lines());
        assertFalse(f.route("intx", 0).pending);
        assertEquals(3, f.route("intx", 0).held);
    }

    @Test
    void theRouterTakesTheHostsEoiByAddressAndIgnoresOtherAddresses() {
        f.raise(InterruptKind.INTX, 0);
        f.raise(InterruptKind.INTX, 0);
        f.router.eoi(DEVICE);
        f.router.eoi(PciAddress.parse("0000:09:00.0"));
        assertEquals(List.of(ASSERT, DEASSERT, ASSERT), f.lines());
    }

    @Test
    void intxHasNoPendingBitForTheListener() {
        f.routes.intx(false);
        f.raise(InterruptKind.INTX, 0);
        assertEquals(List.of(), f.pendingHeard());
        assertFalse(f.routes.pending(InterruptKind.INTX, 0));
    }
}
