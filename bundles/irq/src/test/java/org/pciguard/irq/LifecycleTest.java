package org.pciguard.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.irq.RouterFixture.ADDRESS;
import static org.pciguard.irq.RouterFixture.DEVICE;
import static org.pciguard.irq.RouterFixture.msix;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.irq.DeviceRoutes;
import org.pciguard.api.irq.GuestInterruptController;
import org.pciguard.irq.recording.RecordingInterruptController;

/** Release (reset), detach (close), re-attach, and controllers coming, going and failing. */
class LifecycleTest {

    private final RouterFixture f = new RouterFixture();

    /** Every kind programmed, something pending of each, the INTx line asserted. */
    private void busy() {
        f.routes.intx(true);
        f.raise(InterruptKind.INTX, 0);
        f.routes.msi(true, ADDRESS, 0x10, 4, 0b1);
        f.raise(InterruptKind.MSI, 0);
        f.routes.msix(true, false, 4);
        f.routes.msixEntry(1, ADDRESS, 0x21, true);
        f.raise(InterruptKind.MSIX, 1);
    }

    @Test
    void releaseLeavesNoRouteNothingPendingAndTheLineDeasserted() {
        f.routes.intx(true);
        f.raise(InterruptKind.INTX, 0);
        f.routes.msi(true, ADDRESS, 0x10, 4, 0b1);
        f.raise(InterruptKind.MSI, 0);
        f.routes.msi(false, ADDRESS, 0x10, 4, 0b1);
        f.routes.msix(true, false, 4);
        f.routes.msixEntry(1, ADDRESS, 0x21, true);
        f.raise(InterruptKind.MSIX, 1);
        f.routes.release();
        assertEquals(0, f.routes.snapshot().length, "no route left");
        assertEquals(0, f.router.snapshot().length);
        assertEquals(List.of("> intx assert", "> intx deassert"), f.lines());
        assertEquals(List.of("MSI 0 pending", "MSI 0 clear", "MSIX 1 pending", "MSIX 1 clear"), f.pendingHeard());
        assertFalse(f.routes.pending(InterruptKind.MSIX, 1));
    }

    @Test
    void afterReleaseNothingIsDeliveredUntilTheGuestProgramsAgain() {
        busy();
        f.routes.release();
        f.controller.clear();
        f.raise(InterruptKind.INTX, 0);
        f.raise(InterruptKind.MSI, 0);
        f.raise(InterruptKind.MSIX, 1);
        assertEquals(List.of(), f.lines());
        f.routes.msix(true, false, 4);
        f.raise(InterruptKind.MSIX, 1);
        assertEquals(List.of(), f.lines(), "the table came out of reset masked");
        f.routes.msixEntry(1, ADDRESS + 4, 0x55, false);
        assertEquals(List.of(msix(ADDRESS + 4, 0x55)), f.lines());
    }

    @Test
    void detachDeassertsTheLine() {
        f.routes.intx(true);
        f.raise(InterruptKind.INTX, 0);
        f.routes.detach();
        assertEquals(List.of("> intx assert", "> intx deassert"), f.lines());
    }

    @Test
    void detachDropsTheDeviceAndTheHandleIsDead() {
        busy();
        f.controller.clear();
        List<String> heard = f.pendingHeard();
        f.routes.detach();
        assertEquals(0, f.router.snapshot().length);
        assertEquals(0, f.routes.snapshot().length);
        f.routes.msix(true, false, 4);
        f.routes.msixEntry(1, ADDRESS, 1, false);
        f.raise(InterruptKind.MSIX, 1);
        f.routes.intx(true);
        f.raise(InterruptKind.INTX, 0);
        f.routes.eoi();
        f.routes.release();
        f.routes.detach();
        assertEquals(List.of(), f.lines(), "a detached handle delivers nothing");
        assertEquals(heard, f.pendingHeard(), "and tells nothing");
        assertFalse(f.routes.pending(InterruptKind.MSIX, 1));
    }

    @Test
    void attachingAgainDetachesThePreviousRoutes() {
        busy();
        DeviceRoutes again = f.router.attach(DEVICE, f);
        assertNotSame(f.routes, again);
        assertEquals(0, f.router.snapshot().length, "a fresh device: nothing programmed");
        f.raise(InterruptKind.MSIX, 1);
        assertTrue(f.lines().stream().noneMatch(l -> l.startsWith("> msix")));
        again.intx(true);
        assertEquals(1, f.router.snapshot().length);
        f.routes.detach();
        assertEquals(1, f.router.snapshot().length, "detaching the old handle leaves the new one");
    }

    @Test
    void theRouterSnapshotListsEveryDeviceInAddressOrder() {
        RouterFixture g = new RouterFixture();
        DeviceRoutes second = g.router.attach(PciAddress.parse("0000:01:00.0"), g);
        second.intx(true);
        g.routes.intx(true);
        assertEquals(List.of("0000:01:00.0", "0000:03:00.0"),
                List.of(g.router.snapshot()[0].device, g.router.snapshot()[1].device));
    }

    @Test
    void withoutAControllerInterruptsAreHeldAndCounted() {
        InterruptRouterImpl router = new InterruptRouterImpl();
        DeviceRoutes routes = router.attach(DEVICE, f);
        routes.intx(true);
        routes.msix(true, false, 2);
        routes.msixEntry(0, ADDRESS, 7, false);
        routes.interrupt(DEVICE, InterruptKind.MSIX, 0);
        routes.interrupt(DEVICE, InterruptKind.INTX, 0);
        assertEquals(1, router.snapshot()[0].held);
        assertEquals(0, router.snapshot()[0].delivered);
        assertFalse(router.snapshot()[0].pending, "no controller is no mask: nothing pending");
        assertEquals(1, router.snapshot()[1].held);

        RecordingInterruptController late = new RecordingInterruptController();
        router.setController(late);
        routes.interrupt(DEVICE, InterruptKind.MSIX, 0);
        assertEquals(List.of(msix(ADDRESS, 7)), late.lines());
    }

    @Test
    void anAssertedLineMovesToTheNextControllerAndItsEoiComesFromThere() {
        f.routes.intx(true);
        f.raise(InterruptKind.INTX, 0);
        RecordingInterruptController next = new RecordingInterruptController();
        f.router.setController(next);
        assertEquals(List.of("> intx assert"), next.lines());
        f.router.unsetController(f.controller);
        assertEquals(List.of("> intx assert"), next.lines(), "unbinding a controller that is not current changes nothing");
        f.routes.eoi();
        assertEquals(List.of("> intx assert", "> intx deassert"), next.lines());
        assertEquals(List.of("> intx assert"), f.lines());

        f.raise(InterruptKind.INTX, 0);
        f.router.unsetController(next);
        f.routes.eoi();
        f.raise(InterruptKind.INTX, 0);
        assertEquals(List.of("> intx assert", "> intx deassert", "> intx assert"), next.lines());
        assertEquals(2, f.route("intx", 0).delivered);
        assertEquals(1, f.route("intx", 0).held);
    }

    @Test
    void aFailingControllerOrListenerNeverThrowsIntoTheCaller() {
        List<String> tried = new ArrayList<>();
        GuestInterruptController failing = new GuestInterruptController() {
            @Override
            public void deliverMsi(PciAddress source, InterruptKind kind, long address, int data) {
                tried.add(kind.toString());
                throw new IllegalStateException("injection failed");
            }

            @Override
            public void setIntxLevel(PciAddress source, boolean asserted) {
                tried.add("INTX " + asserted);
                throw new IllegalStateException("injection failed");
            }
        };
        InterruptRouterImpl router = new InterruptRouterImpl(failing);
        DeviceRoutes routes = router.attach(DEVICE, (kind, index, pending) -> {
            tried.add("pending " + pending);
            throw new IllegalStateException("listener failed");
        });
        routes.intx(true);
        routes.interrupt(DEVICE, InterruptKind.INTX, 0);
        routes.eoi();
        routes.msix(true, true, 1);
        routes.msixEntry(0, ADDRESS, 1, false);
        routes.interrupt(DEVICE, InterruptKind.MSIX, 0);
        routes.msix(true, false, 1);
        assertEquals(List.of("INTX true", "INTX false", "pending true", "MSIX", "pending false"), tried);
        assertEquals(1, router.snapshot()[1].delivered, "the router counts what it handed over");
        assertFalse(routes.pending(InterruptKind.MSIX, 0));
    }
}
