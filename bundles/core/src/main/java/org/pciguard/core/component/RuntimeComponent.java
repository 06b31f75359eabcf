package org.pciguard.core.component;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.capability.CapabilityWalker;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.irq.InterruptRouter;
import org.pciguard.api.virt.VirtualizationRuntime;
import org.pciguard.core.CoreRuntime;

/**
 * Runs the {@link CoreRuntime} in OSGi: the walker is a static mandatory reference, capability
 * handlers, device configurations and the interrupt router are tracked dynamically and greedily, and
 * the runtime is registered as the {@link VirtualizationRuntime} service.
 * <p>
 * The component registers that service itself, through the {@link BundleContext}, rather than with
 * {@code @Component(service = ...)}: {@code service.changecount} must change with the runtime's
 * state, and DS (up to 1.5, Felix SCR 2.2) has no standard way for a component to change its own
 * service properties at run time (only Felix's {@code ExtComponentContext} has one, which would tie the
 * bundle to Felix). {@link ServiceRegistration#setProperties} does it; it runs on a private thread so
 * that a change made on a vCPU thread (a handler quarantined) never waits for framework listeners.
 * The {@code osgi.service} capability is declared by hand, as DS cannot see this registration.
 */
@Component(service = {}, immediate = true)
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=org.pciguard.api.virt.VirtualizationRuntime",
        uses = VirtualizationRuntime.class)
public final class RuntimeComponent {

    private static final System.Logger LOG = System.getLogger("org.pciguard.core");

    private final CoreRuntime runtime;
    private final BundleContext context;
    private final ExecutorService events = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pciguard-core-changecount");
        t.setDaemon(true);
        return t;
    });
    /** Bound device configurations, in binding order; the last one for an address applies. Guarded by itself. */
    private final List<ConfiguredDevice> configured = new ArrayList<>();
    /** Guarded by this. */
    private ServiceRegistration<VirtualizationRuntime> registration;

    @Activate
    public RuntimeComponent(@Reference CapabilityWalker walker, BundleContext context) {
        this.runtime = new CoreRuntime(walker, LOG);
        this.context = context;
    }

    /** Registers the runtime service once the handlers present at activation are bound. */
    @Activate
    void register() {
        runtime.setChangeListener(count -> changed());
        ServiceRegistration<VirtualizationRuntime> r = context.registerService(VirtualizationRuntime.class, runtime,
                properties());
        synchronized (this) {
            registration = r;
        }
    }

    @Deactivate
    void unregister() {
        runtime.setChangeListener(null);
        ServiceRegistration<VirtualizationRuntime> r;
        synchronized (this) {
            r = registration;
            registration = null;
        }
        if (r != null) {
            r.unregister();
        }
        events.shutdown();
        runtime.close();
    }

    /** Publishes the new change count on the private thread; after deactivation there is nothing to publish. */
    private void changed() {
        try {
            events.execute(this::publishChangeCount);
        } catch (RejectedExecutionException e) {
            // Deactivated: the registration is gone.
        }
    }

    private synchronized void publishChangeCount() {
        if (registration != null) {
            registration.setProperties(properties());
        }
    }

    private Hashtable<String, Object> properties() {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(Constants.SERVICE_CHANGECOUNT, runtime.changeCount());
        return p;
    }

    // ---- interrupt router ----------------------------------------------------------------------

    /** The router of highest rank routes the interrupts of every device; none: no routing. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindRouter")
    void bindRouter(InterruptRouter router) {
        runtime.setInterruptRouter(router);
    }

    void unbindRouter(InterruptRouter router) {
        runtime.removeInterruptRouter(router);
    }

    // ---- capability handlers -------------------------------------------------------------------

    @Reference(service = CapabilityHandler.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindHandler", updated = "updatedHandler")
    void bindHandler(CapabilityHandler handler, ServiceReference<CapabilityHandler> ref) {
        try {
            runtime.addHandler(handler, handlerProperties(ref));
        } catch (IllegalArgumentException e) {
            LOG.log(Level.ERROR, "capability handler service " + ref.getProperty(Constants.SERVICE_ID)
                    + " ignored: " + e.getMessage(), e);
        }
    }

    void updatedHandler(CapabilityHandler handler, ServiceReference<CapabilityHandler> ref) {
        try {
            runtime.updateHandler(handler, handlerProperties(ref));
        } catch (IllegalArgumentException e) {
            LOG.log(Level.ERROR, "capability handler service " + ref.getProperty(Constants.SERVICE_ID)
                    + " dropped: " + e.getMessage(), e);
            runtime.removeHandler(handler, handlerProperties(ref));
        }
    }

    void unbindHandler(CapabilityHandler handler, ServiceReference<CapabilityHandler> ref) {
        runtime.removeHandler(handler, handlerProperties(ref));
    }

    private static Map<String, Object> handlerProperties(ServiceReference<?> ref) {
        Map<String, Object> p = new HashMap<>();
        for (String key : ref.getPropertyKeys()) {
            p.put(key, ref.getProperty(key));
        }
        Bundle b = ref.getBundle();
        if (b != null) {
            p.put(CoreRuntime.BUNDLE, b.getSymbolicName());
            p.put(CoreRuntime.BUNDLE_VERSION, b.getVersion().toString());
        }
        return p;
    }

    // ---- device configurations -----------------------------------------------------------------

    @Reference(service = ConfiguredDevice.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindDevice")
    void bindDevice(ConfiguredDevice device) {
        synchronized (configured) {
            for (ConfiguredDevice d : configured) {
                if (d.address().equals(device.address())) {
                    LOG.log(Level.WARNING, ConfiguredDevice.FACTORY_PID + ": " + device.address()
                            + " is configured more than once; the configuration bound last applies");
                }
            }
            configured.add(device);
            apply(device.address());
        }
    }

    void unbindDevice(ConfiguredDevice device) {
        synchronized (configured) {
            configured.remove(device);
            apply(device.address());
        }
    }

    private void apply(PciAddress address) {
        ConfiguredDevice last = null;
        for (ConfiguredDevice d : configured) {
            if (d.address().equals(address)) {
                last = d;
            }
        }
        if (last == null) {
            runtime.removeDeviceOptions(address);
        } else {
            runtime.setDeviceOptions(address, last.options());
        }
    }
}
