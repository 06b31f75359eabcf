package org.pciguard.conformance;

import static org.pciguard.api.regs.PciRegs.HEADER_TYPE_NORMAL;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntBinaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.params.provider.Arguments;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.ExtCapId;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedBackend;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.cap.aer.AerHandler;
import org.pciguard.cap.header.HeaderHandler;
import org.pciguard.cap.pcie.PcieHandler;
import org.pciguard.cap.pwr.PwrHandler;
import org.pciguard.core.CoreRuntime;
import org.pciguard.walker.DefaultCapabilityWalker;

/** Shipped type-0 functions fresh from power-on, config images, and the chain a guest sees. */
final class Functions {

    private static final SimulatedBackend SHIPPED = SimulatedBackend.shipped();
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
        rt.addHandler(handler, Map.of(CapabilityHandler.CAPABILITY_ID, id, CapabilityHandler.CAPABILITY_SPACE,
                space.property()));
    }

    /** Every shipped type-0 function (bridges cannot be passed through, DESIGN.md difference 8). */
    static Stream<DeviceImage> type0() {
        return SHIPPED.devices().stream().filter(d -> d.headerType == HEADER_TYPE_NORMAL)
                .map(d -> SHIPPED.image(PciAddress.parse(d.address)));
    }

    /** The shipped type-0 function from {@code source} (a dump file name). */
    static DeviceImage image(String source) {
        return type0().filter(i -> i.source().equals(source)).findFirst().orElseThrow();
    }

    /** The function fresh from power-on, in a backend of its own so that no state carries over. */
    static SimulatedDevice fresh(DeviceImage image) {
        SimulatedBackend backend = SimulatedBackend.of(List.of(image), SimulatedBackend.DEFAULT_VPD_SIZE);
        return backend.open(PciAddress.parse(backend.devices().get(0).address));
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
            return type0().<Arguments>mapMulti((image, out) -> {
                Optional<Capability> cap = capabilities(image).find(space, id);
                if (cap.isPresent() && shows(rt, image, cap.get())) {
                    out.accept(Arguments.of(image, cap.get()));
                }
            }).toList().stream();
        }
    }

    /** Whether the guest of a freshly opened function finds the capability, at its offset, in its chain. */
    static boolean shows(CoreRuntime rt, DeviceImage image, Capability cap) {
        VirtualDevice guest = rt.open(fresh(image));
        try {
            return guestChain(guest).all().stream()
                    .anyMatch(c -> c.space() == cap.space() && c.id() == cap.id() && c.offset() == cap.offset());
        } finally {
            guest.close();
        }
    }

    /** The capabilities a guest finds by walking the config space it reads. */
    static CapabilityMap guestChain(VirtualDevice guest) {
        return WALKER.walk(bytes(guest::read, 0, guest.configSize()));
    }

    /** {@code length} config bytes from {@code offset} (dword aligned), read by dwords. */
    static byte[] bytes(IntBinaryOperator read, int offset, int length) {
        byte[] bytes = new byte[length];
        for (int at = 0; at < length; at += 4) {
            put(bytes, at, 4, read.applyAsInt(offset + at, 4));
        }
        return bytes;
    }

    /** Sets a little-endian value in a byte image. */
    static void put(byte[] config, int offset, int size, int value) {
        for (int i = 0; i < size; i++) {
            config[offset + i] = (byte) (value >>> 8 * i);
        }
    }

    /** Reads a little-endian value from a byte image. */
    static int get(byte[] config, int offset, int size) {
        int v = 0;
        for (int i = 0; i < size; i++) {
            v |= (config[offset + i] & 0xff) << 8 * i;
        }
        return v;
    }

    /** All ones at an access width. */
    static int ones(int size) {
        return size == 4 ? -1 : (1 << 8 * size) - 1;
    }

    static String hex(int v) {
        return "0x" + Integer.toHexString(v);
    }
}
