package org.pciguard.irq;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.irq.DeviceRoutes;
import org.pciguard.api.irq.GuestInterruptController;
import org.pciguard.api.irq.InterruptRouter;
import org.pciguard.api.irq.PendingListener;
import org.pciguard.api.irq.dto.RouteDTO;

/**
 * The interrupt router: keeps the routes of every attached device ({@link RoutedDevice}) and delivers
 * to the {@link GuestInterruptController} of highest {@code service.ranking}, rebinding greedily.
 * Without a controller nothing is delivered: raised interrupts are counted as held.
 * <p>
 * Plain Java (command line, tests, benchmarks): {@code new InterruptRouterImpl(controller)}, or the
 * no-argument constructor and {@link #setController}. The routing state lives here, not in the
 * capability handlers, so a handler replaced or restarted under a running guest loses no route.
 */
@Component(service = InterruptRouter.class)
public final class InterruptRouterImpl implements InterruptRouter {

    private final ConcurrentSkipListMap<PciAddress, RoutedDevice> devices = new ConcurrentSkipListMap<>();
    private final Object controllerLock = new Object();
    /** Read once per delivery. */
    private volatile GuestInterruptController controller;

    /** A router with no controller yet (DS binds one). */
    public InterruptRouterImpl() {
    }

    /** A router delivering to {@code controller}. */
    public InterruptRouterImpl(GuestInterruptController controller) {
        this.controller = Objects.requireNonNull(controller, "controller");
    }

    /**
     * Delivers to {@code c} from now on (null: to nobody). An INTx line asserted on the previous
     * controller is asserted on this one, as its EOI will come from here.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void setController(GuestInterruptController c) {
        synchronized (controllerLock) {
            controller = c;
            for (RoutedDevice d : devices.values()) {
                d.controllerChanged();
            }
        }
    }

    /** Stops delivering to {@code c} if it is the current controller (DS unbinds after binding a better one). */
    public void unsetController(GuestInterruptController c) {
        synchronized (controllerLock) {
            if (controller == c) {
                setController(null);
            }
        }
    }

    GuestInterruptController controller() {
        return controller;
    }

    @Override
    public DeviceRoutes attach(PciAddress device, PendingListener pending) {
        RoutedDevice d = new RoutedDevice(this, Objects.requireNonNull(device, "device"),
                Objects.requireNonNull(pending, "pending"));
        RoutedDevice previous = devices.put(device, d);
        if (previous != null) {
            previous.detach();
        }
        return d;
    }

    void detached(RoutedDevice d) {
        devices.remove(d.address(), d);
    }

    @Override
    public void eoi(PciAddress device) {
        RoutedDevice d = devices.get(device);
        if (d != null) {
            d.eoi();
        }
    }

    /** Every route of every attached device, in address order. */
    @Override
    public RouteDTO[] snapshot() {
        List<RouteDTO> all = new ArrayList<>();
        for (RoutedDevice d : devices.values()) {
            Collections.addAll(all, d.snapshot());
        }
        return all.toArray(new RouteDTO[0]);
    }

    /** Detaches every device (the component is going away). */
    @Deactivate
    void deactivate() {
        for (RoutedDevice d : devices.values()) {
            d.detach();
        }
    }
}
