package org.pciguard.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.capability.CapabilityWalker;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.irq.InterruptRouter;
import org.pciguard.api.virt.DeviceOptions;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.VirtualizationRuntime;
import org.pciguard.api.virt.dto.HandlerDTO;
import org.pciguard.api.virt.dto.RuntimeDTO;
import org.pciguard.api.virt.dto.VirtualDeviceDTO;

/**
 * The virtualization runtime, usable as plain Java (command line, benchmarks, tests) and wrapped by
 * the DS components of {@code org.pciguard.core.component} in OSGi:
 *
 * <pre>
 * CoreRuntime rt = new CoreRuntime(new DefaultCapabilityWalker());
 * rt.addHandler(headerHandler, Map.of(CapabilityHandler.CAPABILITY_ID, 0, CapabilityHandler.CAPABILITY_SPACE, "header"));
 * VirtualDevice vd = rt.open(physicalDevice);
 * </pre>
 *
 * Handlers are ranked per capability id: the highest {@code service.ranking} serves (ties: the lowest
 * {@code service.id}), the others are shadowed. A change takes over open devices at once, keeping
 * the guest-visible state; a change of which capabilities are visible waits for the next reset or
 * open (DESIGN.md, "Hot deployment"). Thread-safe.
 */
public final class CoreRuntime implements VirtualizationRuntime, AutoCloseable {

    /** Handler property: {@code service.id} (Long); assigned by the runtime when absent. */
    public static final String SERVICE_ID = "service.id";
    /** Handler property: {@code service.ranking} (Integer); 0 when absent. */
    public static final String SERVICE_RANKING = "service.ranking";
    /** Handler property: symbolic name of the bundle that registered the handler (String), for the DTO. */
    public static final String BUNDLE = "pciguard.core.bundle";
    /** Handler property: version of the bundle that registered the handler (String), for the DTO. */
    public static final String BUNDLE_VERSION = "pciguard.core.bundle.version";

    private final CapabilityWalker walker;
    private final System.Logger logger;
    private final AtomicLong changeCount = new AtomicLong();
    private final AtomicLong syntheticIds = new AtomicLong(1L << 48);
    private final ConcurrentSkipListMap<PciAddress, CoreDevice> devices = new ConcurrentSkipListMap<>();
    private final Map<PciAddress, DeviceOptions> configured = new ConcurrentHashMap<>();
    /** Serializes handler changes, their propagation to open devices, and the registration of new devices. */
    private final Object handlersLock = new Object();
    /** Guarded by handlersLock. */
    private final List<HandlerEntry> handlers = new ArrayList<>();
    /** Guarded by handlersLock. */
    private final Set<PciAddress> opening = new HashSet<>();
    /** The handler ranked first per capability; replaced as a whole. */
    private volatile Map<HandlerKey, HandlerEntry> winners = Map.of();
    private volatile LongConsumer changeListener = c -> { };
    /** Guarded by handlersLock for changes. */
    private volatile InterruptRouter interruptRouter;

    /** A runtime logging to {@code System.getLogger("org.pciguard.core")}. */
    public CoreRuntime(CapabilityWalker walker) {
        this(walker, System.getLogger("org.pciguard.core"));
    }

    /** A runtime logging to {@code logger} (quarantined handlers, backdoor resets, backend failures). */
    public CoreRuntime(CapabilityWalker walker, System.Logger logger) {
        this.walker = Objects.requireNonNull(walker, "walker");
        this.logger = Objects.requireNonNull(logger, "logger");
    }

    // ---- handlers ------------------------------------------------------------------------------

    /**
     * Tracks a handler service.
     *
     * @param handler    the handler
     * @param properties its service properties: {@link CapabilityHandler#CAPABILITY_ID} (required),
     *                   {@link CapabilityHandler#CAPABILITY_SPACE} ({@code standard} when absent),
     *                   {@link #SERVICE_RANKING}, {@link #SERVICE_ID}, {@link #BUNDLE}, {@link #BUNDLE_VERSION}
     * @throws IllegalArgumentException naming the property when one is missing or malformed
     */
    public void addHandler(CapabilityHandler handler, Map<String, ?> properties) {
        HandlerEntry entry = entry(handler, properties);
        synchronized (handlersLock) {
            handlers.add(entry);
            handlersChanged();
        }
    }

    /** The service properties of a tracked handler changed (its ranking, typically). */
    public void updateHandler(CapabilityHandler handler, Map<String, ?> properties) {
        HandlerEntry entry = entry(handler, properties);
        synchronized (handlersLock) {
            handlers.removeIf(e -> matches(e, handler, properties));
            handlers.add(entry);
            handlersChanged();
        }
    }

    /**
     * Stops tracking a handler: the registration with the {@link #SERVICE_ID} of {@code properties}
     * when given, else every registration of {@code handler}. Open devices fall back to the next
     * handler in rank, or to read-only.
     */
    public void removeHandler(CapabilityHandler handler, Map<String, ?> properties) {
        synchronized (handlersLock) {
            if (handlers.removeIf(e -> matches(e, handler, properties))) {
                handlersChanged();
            }
        }
    }

    /** Stops tracking every registration of {@code handler}; see {@link #removeHandler(CapabilityHandler, Map)}. */
    public void removeHandler(CapabilityHandler handler) {
        removeHandler(handler, Map.of());
    }

    private static boolean matches(HandlerEntry e, CapabilityHandler handler, Map<String, ?> properties) {
        Object id = properties.get(SERVICE_ID);
        return id instanceof Number n ? e.serviceId() == n.longValue() : e.handler() == handler;
    }

    private HandlerEntry entry(CapabilityHandler handler, Map<String, ?> p) {
        Objects.requireNonNull(handler, "handler");
        Object space = p.get(CapabilityHandler.CAPABILITY_SPACE);
        CapabilitySpace s = CapabilitySpace.fromProperty(space == null ? CapabilitySpace.STANDARD.property()
                : String.valueOf(space));
        Object id = p.get(CapabilityHandler.CAPABILITY_ID);
        int capId;
        if (id instanceof Number n) {
            capId = n.intValue();
        } else if (id instanceof String text) {
            try {
                capId = Integer.decode(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(CapabilityHandler.CAPABILITY_ID + " '" + text + "' is not a number", e);
            }
        } else {
            throw new IllegalArgumentException("handler " + handler + " has no " + CapabilityHandler.CAPABILITY_ID);
        }
        Object ranking = p.get(SERVICE_RANKING);
        Object serviceId = p.get(SERVICE_ID);
        return new HandlerEntry(handler, new HandlerKey(s, capId),
                serviceId instanceof Number n ? n.longValue() : syntheticIds.getAndIncrement(),
                ranking instanceof Integer r ? r : 0, string(p.get(BUNDLE)), string(p.get(BUNDLE_VERSION)));
    }

    private static String string(Object o) {
        return o == null ? null : o.toString();
    }

    /** Ranks again, publishes the winners and lets open devices take over. Caller holds handlersLock. */
    private void handlersChanged() {
        Map<HandlerKey, HandlerEntry> next = new HashMap<>();
        for (HandlerEntry e : handlers) {
            next.merge(e.key(), e, (a, b) -> HandlerEntry.SERVING_ORDER.compare(a, b) <= 0 ? a : b);
        }
        winners = Map.copyOf(next);
        for (CoreDevice d : devices.values()) {
            d.refresh(winners);
        }
        changed();
    }

    Map<HandlerKey, HandlerEntry> winners() {
        return winners;
    }

    // ---- device options ----------------------------------------------------------------------

    /** Sets the options used by {@link #open(PhysicalDevice)} for a device, from its next open or reset. */
    public void setDeviceOptions(PciAddress address, DeviceOptions options) {
        configured.put(Objects.requireNonNull(address, "address"), Objects.requireNonNull(options, "options"));
    }

    /** Returns a device to the default policy, from its next open or reset. */
    public void removeDeviceOptions(PciAddress address) {
        configured.remove(address);
    }

    /** The options configured for a device, or {@link DeviceOptions#DEFAULT}. */
    public DeviceOptions configuredOptions(PciAddress address) {
        return configured.getOrDefault(address, DeviceOptions.DEFAULT);
    }

    // ---- devices -------------------------------------------------------------------------------

    @Override
    public VirtualDevice open(PhysicalDevice device) {
        return open(device, null);
    }

    @Override
    public VirtualDevice open(PhysicalDevice device, DeviceOptions options) {
        Objects.requireNonNull(device, "device");
        PciAddress a = device.address();
        synchronized (handlersLock) {
            if (devices.containsKey(a) || !opening.add(a)) {
                throw new PciAccessException(a, "already open as a virtual device");
            }
        }
        CoreDevice d;
        try {
            d = CoreDevice.open(this, device, options, walker);
        } catch (RuntimeException e) {
            synchronized (handlersLock) {
                opening.remove(a);
            }
            throw e;
        }
        synchronized (handlersLock) {
            opening.remove(a);
            devices.put(a, d);
            // Handlers and a router that changed while the device was being built take over now.
            d.refresh(winners);
            d.routerChanged(interruptRouter);
        }
        changed();
        return d;
    }

    @Override
    public Optional<VirtualDevice> device(PciAddress address) {
        return Optional.ofNullable(devices.get(address));
    }

    void closed(CoreDevice device) {
        if (devices.remove(device.address(), device)) {
            changed();
        }
    }

    /** Closes every open device. */
    @Override
    public void close() {
        for (CoreDevice d : devices.values()) {
            d.close();
        }
    }

    // ---- snapshot and change count ---------------------------------------------------------

    @Override
    public RuntimeDTO snapshot() {
        RuntimeDTO dto = new RuntimeDTO();
        dto.changeCount = changeCount.get();
        List<VirtualDeviceDTO> ds = new ArrayList<>();
        for (CoreDevice d : devices.values()) {
            ds.add(d.dto());
        }
        dto.devices = ds.toArray(new VirtualDeviceDTO[0]);
        List<HandlerDTO> hs = new ArrayList<>();
        synchronized (handlersLock) {
            for (HandlerEntry e : handlers) {
                HandlerEntry w = winners.get(e.key());
                HandlerDTO h = new HandlerDTO();
                h.serviceId = e.serviceId();
                h.bundle = e.bundle();
                h.bundleVersion = e.bundleVersion();
                h.space = e.key().space().property();
                h.capabilityId = e.key().id();
                h.ranking = e.ranking();
                h.failureReason = w == e ? HandlerDTO.ACTIVE : HandlerDTO.SHADOWED;
                h.shadowedBy = w == e ? -1 : w.serviceId();
                hs.add(h);
            }
        }
        hs.sort((a, b) -> Long.compare(a.serviceId, b.serviceId));
        dto.handlers = hs.toArray(new HandlerDTO[0]);
        return dto;
    }

    /**
     * The change count: raised whenever what {@link #snapshot()} reports changes structurally (a device
     * opened, reset or closed, a handler bound, shadowed or quarantined, a backend failure). Denied-write
     * and refused-access counters are statistics read live: counting them here would make every denied
     * guest write an OSGi service event.
     */
    public long changeCount() {
        return changeCount.get();
    }

    /**
     * Sets the observer of the change count (the DS component updates {@code service.changecount}).
     * It is called on the thread that made the change, possibly a vCPU thread: it must not block.
     */
    public void setChangeListener(LongConsumer listener) {
        changeListener = listener == null ? c -> { } : listener;
    }

    void changed() {
        changeListener.accept(changeCount.incrementAndGet());
    }

    // ---- interrupts, logging ---------------------------------------------------------------

    /**
     * Routes the interrupts of every device, open and opened later, through {@code router} (null: no
     * routing). At open a device is attached there and its routes become the physical device's
     * interrupt listener; handler effects program the routes, a reset releases them, close detaches
     * them. The host acknowledges INTx with {@link InterruptRouter#eoi}.
     */
    public void setInterruptRouter(InterruptRouter router) {
        synchronized (handlersLock) {
            interruptRouter = router;
            for (CoreDevice d : devices.values()) {
                d.routerChanged(router);
            }
        }
        changed();
    }

    /** Stops routing through {@code router} if it is the current one (DS unbinds after binding a better one). */
    public void removeInterruptRouter(InterruptRouter router) {
        synchronized (handlersLock) {
            if (interruptRouter == router) {
                setInterruptRouter(null);
            }
        }
    }

    InterruptRouter interruptRouter() {
        return interruptRouter;
    }

    System.Logger logger() {
        return logger;
    }
}
