package org.pciguard.conformance;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.irq.DeviceRoutes;
import org.pciguard.api.irq.InterruptRouter;
import org.pciguard.api.irq.PendingListener;
import org.pciguard.api.irq.dto.RouteDTO;

/** An {@link InterruptRouter} that records how the core programs each device's routes, in order. */
final class RecordingRouter implements InterruptRouter {

    /** What the core did: {@code intx on}, {@code msi off}, {@code release} ... */
    final List<String> heard = new CopyOnWriteArrayList<>();

    @Override
    public DeviceRoutes attach(PciAddress device, PendingListener pending) {
        return new Routes();
    }

    @Override
    public void eoi(PciAddress device) {
    }

    @Override
    public RouteDTO[] snapshot() {
        return new RouteDTO[0];
    }

    private final class Routes implements DeviceRoutes {
        @Override
        public void interrupt(PciAddress device, InterruptKind kind, int index) {
        }

        @Override
        public void intx(boolean enabled) {
            heard.add("intx " + (enabled ? "on" : "off"));
        }

        @Override
        public void msi(boolean enabled, long address, int data, int vectors, int mask) {
            heard.add("msi " + (enabled ? "on" : "off"));
        }

        @Override
        public void msix(boolean enabled, boolean functionMask, int tableSize) {
            heard.add("msix " + (enabled ? "on" : "off"));
        }

        @Override
        public void msixEntry(int entry, long address, int data, boolean masked) {
        }

        @Override
        public void eoi() {
        }

        @Override
        public boolean pending(InterruptKind kind, int index) {
            return false;
        }

        @Override
        public void release() {
            heard.add("release");
        }

        @Override
        public void detach() {
            heard.add("detach");
        }

        @Override
        public RouteDTO[] snapshot() {
            return new RouteDTO[0];
        }
    }
}
