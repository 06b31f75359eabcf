package org.pciguard.conformance;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.provider.Arguments;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.ExtCapId;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.cap.aer.AerHandler;
import org.pciguard.cap.header.HeaderHandler;
import org.pciguard.cap.pcie.PcieHandler;
import org.pciguard.cap.pwr.PwrHandler;
import org.pciguard.core.CoreRuntime;
import org.pciguard.testing.ConfigBytes;
import org.pciguard.testing.HandlerProperties;
import org.pciguard.testing.Shipped;
import org.pciguard.walker.DefaultCapabilityWalker;

/** The stock handlers' runtime, changed power-on images, and the chain a guest sees. */
final class Functions {

    private static final DefaultCapabilityWalker WALKER = new DefaultCapabilityWalker();

    private Functions() {
    }

    /**
     * A runtime with the stock handlers of the capabilities these tests cover: the header, PCI
     * Express, AER and Power Budgeting.
     */
    static CoreRuntime runtime() {
        return runtime(new CoreRuntime(WALKER));
    }

    /** Adds the stock handlers to a runtime. */
    static CoreRuntime runtime(CoreRuntime rt) {
        add(rt, new HeaderHandler(), CapabilitySpace.HEADER, HeaderHandler.HEADER_ID);
        add(rt, new PcieHandler(), CapabilitySpace.STANDARD, CapId.EXP);
        add(rt, new AerHandler(), CapabilitySpace.EXTENDED, ExtCapId.ERR);
        add(rt, new PwrHandler(), CapabilitySpace.EXTENDED, ExtCapId.PWR);
        return rt;
    }

    private static void add(CoreRuntime rt, CapabilityHandler handler, CapabilitySpace space, int id) {
        rt.addHandler(handler, HandlerProperties.of(space, id));
    }

    /** The same function with a changed power-on image. */
    static DeviceImage with(DeviceImage image, String what, byte[] config) {
        return new DeviceImage(image.source() + " " + what, null, image.description(), config, image.bars(), List.of());
    }

    /** The capabilities of the function's config bytes (the device's chain). */
    static CapabilityMap capabilities(DeviceImage image) {
        return WALKER.walk(image.config());
    }

    /** The first capability of an id, as the device's chain has it. */
    static Capability capability(DeviceImage image, CapabilitySpace space, int id) {
        return capabilities(image).find(space, id).orElseThrow();
    }

    /**
     * The functions on which a freshly opened guest sees a capability of this id (the device has it
     * and nothing hides it), with the capability as the device's chain has it.
     */
    static Stream<Arguments> showing(CapabilitySpace space, int id) {
        try (CoreRuntime rt = runtime()) {
            return Shipped.type0().<Arguments>mapMulti((image, out) -> {
                Optional<Capability> cap = capabilities(image).find(space, id);
                if (cap.isPresent() && shows(rt, image, cap.get())) {
                    out.accept(Arguments.of(image, cap.get()));
                }
            }).toList().stream();
        }
    }

    /** Whether the guest of a freshly opened function finds the capability, at its offset, in its chain. */
    static boolean shows(CoreRuntime rt, DeviceImage image, Capability cap) {
        VirtualDevice guest = rt.open(Shipped.fresh(image));
        try {
            return guestChain(guest).all().stream()
                    .anyMatch(c -> c.space() == cap.space() && c.id() == cap.id() && c.offset() == cap.offset());
        } finally {
            guest.close();
        }
    }

    /** The capabilities a guest finds by walking the config space it reads. */
    static CapabilityMap guestChain(VirtualDevice guest) {
        return WALKER.walk(ConfigBytes.dwords(guest::read, 0, guest.configSize()));
    }
}
