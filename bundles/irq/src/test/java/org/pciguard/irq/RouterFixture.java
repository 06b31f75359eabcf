package org.pciguard.irq;

import java.util.ArrayList;
import java.util.List;

import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.irq.DeviceRoutes;
import org.pciguard.api.irq.PendingListener;
import org.pciguard.api.irq.dto.RouteDTO;
import org.pciguard.irq.recording.RecordingInterruptController;

/** A router with a recording controller and one attached device whose pending notifications are recorded. */
final class RouterFixture implements PendingListener {

    static final PciAddress DEVICE = PciAddress.parse("0000:03:00.0");
    static final long ADDRESS = 0xfee0_0000L;

    final RecordingInterruptController controller = new RecordingInterruptController();
    final InterruptRouterImpl router = new InterruptRouterImpl(controller);
    final DeviceRoutes routes = router.attach(DEVICE, this);
    final List<String> pending = new ArrayList<>();

    @Override
    public synchronized void pendingChanged(InterruptKind kind, int index, boolean now) {
        pending.add(kind + " " + index + (now ? " pending" : " clear"));
    }

    synchronized List<String> pendingHeard() {
        return List.copyOf(pending);
    }

    void raise(InterruptKind kind, int index) {
        routes.interrupt(DEVICE, kind, index);
    }

    List<String> lines() {
        return controller.lines();
    }

    /** The one route of a source, or null. */
    RouteDTO route(String source, int index) {
        for (RouteDTO r : routes.snapshot()) {
            if (r.source.equals(source) && r.index == index) {
                return r;
            }
        }
        return null;
    }

    static String msix(long address, int data) {
        return String.format("> msix addr=0x%016x data=0x%08x", address, data);
    }

    static String msi(long address, int data) {
        return String.format("> msi addr=0x%016x data=0x%08x", address, data);
    }
}
