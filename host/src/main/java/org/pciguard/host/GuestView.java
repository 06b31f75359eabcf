package org.pciguard.host;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.capability.CapabilityWalker;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.irq.InterruptRouter;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.ExtCapId;
import org.pciguard.api.virt.DeviceOptions;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.dto.VirtualCapabilityDTO;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedBackend;
import org.pciguard.cap.aer.AerHandler;
import org.pciguard.cap.af.AfHandler;
import org.pciguard.cap.header.HeaderHandler;
import org.pciguard.cap.msi.MsiHandler;
import org.pciguard.cap.msix.MsixHandler;
import org.pciguard.cap.pcie.PcieHandler;
import org.pciguard.cap.pm.PmHandler;
import org.pciguard.cap.pwr.PwrHandler;
import org.pciguard.cap.vendor.VendorHandler;
import org.pciguard.cap.vpd.VpdHandler;
import org.pciguard.core.CoreRuntime;
import org.pciguard.irq.InterruptRouterImpl;
import org.pciguard.irq.recording.RecordingInterruptController;

/**
 * One device file opened for a guest on the plain classpath: the simulated function, a core runtime
 * with the stock handlers, an interrupt router whose controller prints each interrupt delivered to the
 * guest as a replay line, and the virtual device. (The OSGi host wires the same pieces as services.)
 */
final class GuestView implements AutoCloseable {

    private final CoreRuntime runtime;
    private final InterruptRouter router;
    private final PhysicalDevice device;
    private final VirtualDevice guest;

    private GuestView(CoreRuntime runtime, InterruptRouter router, PhysicalDevice device, VirtualDevice guest) {
        this.runtime = runtime;
        this.router = router;
        this.device = device;
        this.guest = guest;
    }

    /** The stock handlers with the service properties their components declare. */
    private static List<Map.Entry<CapabilityHandler, Map<String, Object>>> stockHandlers() {
        return List.of(handler(new HeaderHandler(), CapabilitySpace.HEADER, HeaderHandler.HEADER_ID, "org.pciguard.cap.header"),
                handler(new PcieHandler(), CapabilitySpace.STANDARD, CapId.EXP, "org.pciguard.cap.pcie"),
                handler(new AerHandler(), CapabilitySpace.EXTENDED, ExtCapId.ERR, "org.pciguard.cap.aer"),
                handler(new PwrHandler(), CapabilitySpace.EXTENDED, ExtCapId.PWR, "org.pciguard.cap.pwr"),
                handler(new PmHandler(), CapabilitySpace.STANDARD, CapId.PM, "org.pciguard.cap.pm"),
                handler(new VpdHandler(VpdHandler.MAX_SIZE), CapabilitySpace.STANDARD, CapId.VPD, "org.pciguard.cap.vpd"),
                handler(new AfHandler(), CapabilitySpace.STANDARD, CapId.AF, "org.pciguard.cap.af"),
                handler(new VendorHandler(), CapabilitySpace.STANDARD, CapId.VNDR, "org.pciguard.cap.vendor"),
                handler(new MsiHandler(), CapabilitySpace.STANDARD, CapId.MSI, "org.pciguard.cap.msi"),
                handler(new MsixHandler(), CapabilitySpace.STANDARD, CapId.MSIX, "org.pciguard.cap.msix"));
    }

    private static Map.Entry<CapabilityHandler, Map<String, Object>> handler(CapabilityHandler h, CapabilitySpace space,
            int id, String bundle) {
        return Map.entry(h, Map.of(CapabilityHandler.CAPABILITY_ID, id, CapabilityHandler.CAPABILITY_SPACE,
                space.property(), CoreRuntime.BUNDLE, bundle));
    }

    static GuestView open(DeviceImage image, CapabilityWalker walker, boolean permissive) {
        return open(image, walker, permissive, line -> { });
    }

    /**
     * Opens the device for a guest.
     *
     * @param interrupts receives the replay line of each interrupt delivered to the guest
     *                   ({@code > msi addr=... data=...}, {@code > msix ...}, {@code > intx assert})
     */
    static GuestView open(DeviceImage image, CapabilityWalker walker, boolean permissive, Consumer<String> interrupts) {
        CoreRuntime runtime = new CoreRuntime(walker);
        InterruptRouter router = new InterruptRouterImpl(new RecordingInterruptController(interrupts));
        runtime.setInterruptRouter(router);
        long id = 1;
        for (var h : stockHandlers()) {
            Map<String, Object> props = new HashMap<>(h.getValue());
            props.put(CoreRuntime.SERVICE_ID, id++);
            runtime.addHandler(h.getKey(), props);
        }
        SimulatedBackend backend = SimulatedBackend.of(List.of(image), SimulatedBackend.DEFAULT_VPD_SIZE);
        PhysicalDevice device = backend.open(PciAddress.parse(backend.devices().get(0).address));
        try {
            VirtualDevice guest = runtime.open(device,
                    permissive ? new DeviceOptions(true, Set.of(), Set.of()) : DeviceOptions.DEFAULT);
            return new GuestView(runtime, router, device, guest);
        } catch (RuntimeException e) {
            device.close();
            runtime.close();
            throw e;
        }
    }

    /**
     * Which capabilities a freshly opened guest does not see, as the core decides it (default policy,
     * capabilities whose extent cannot be trusted); for a function that cannot be opened for a guest
     * (a bridge, a 64-byte dump), the walker's default policy.
     */
    static Predicate<Capability> hiddenFromGuest(DeviceImage image, CapabilityWalker walker) {
        Set<String> hidden = new HashSet<>();
        try (GuestView view = open(image, walker, false)) {
            for (VirtualCapabilityDTO c : view.runtime.snapshot().devices[0].capabilities) {
                if (c.hidden) {
                    hidden.add(c.space + "@" + c.offset);
                }
            }
        } catch (PciAccessException e) {
            return Capability::hiddenByDefault;
        }
        return c -> hidden.contains(c.space().property() + "@" + c.offset());
    }

    /** Opens the device and reads the whole config space as a freshly opened guest sees it. */
    static GuestView of(DeviceImage image, CapabilityWalker walker) {
        return open(image, walker, false);
    }

    byte[] config() {
        try {
            byte[] bytes = new byte[guest.configSize()];
            for (int off = 0; off < bytes.length; off += 4) {
                int v = guest.read(off, 4);
                bytes[off] = (byte) v;
                bytes[off + 1] = (byte) (v >>> 8);
                bytes[off + 2] = (byte) (v >>> 16);
                bytes[off + 3] = (byte) (v >>> 24);
            }
            return bytes;
        } finally {
            close();
        }
    }

    PhysicalDevice device() {
        return device;
    }

    VirtualDevice guest() {
        return guest;
    }

    /** The router the guest's interrupts go through (the replay's {@code eoi}). */
    InterruptRouter router() {
        return router;
    }

    @Override
    public void close() {
        guest.close();
        device.close();
        runtime.close();
    }
}
