package org.pciguard.cap.msix;

import static org.pciguard.api.regs.PciRegs.HEADER_TYPE_NORMAL;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.pciguard.api.access.PciAddress;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedBackend;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.cap.header.HeaderHandler;
import org.pciguard.core.CoreRuntime;
import org.pciguard.walker.DefaultCapabilityWalker;

/** The shipped real dumps that carry MSI-X, and the real core to open them in. */
final class ShippedMsix {

    static final SimulatedBackend SHIPPED = SimulatedBackend.shipped();
    private static final DefaultCapabilityWalker WALKER = new DefaultCapabilityWalker();

    private ShippedMsix() {
    }

    /** Every shipped type-0 function with an MSI-X capability (bridges cannot be passed through). */
    static Stream<DeviceImage> withMsix() {
        return SHIPPED.devices().stream().filter(d -> d.headerType == HEADER_TYPE_NORMAL)
                .map(d -> SHIPPED.image(PciAddress.parse(d.address)))
                .filter(i -> WALKER.walk(i.config()).find(CapabilitySpace.STANDARD, CapId.MSIX).isPresent());
    }

    /** The shipped function of this file. */
    static DeviceImage image(String source) {
        return withMsix().filter(i -> i.source().equals(source)).findFirst().orElseThrow();
    }

    /** Its MSI-X capability as the walker finds it. */
    static Capability msix(DeviceImage image) {
        return WALKER.walk(image.config()).find(CapabilitySpace.STANDARD, CapId.MSIX).orElseThrow();
    }

    /** Where its table and PBA are, as the device says. */
    static MsixLayout layout(DeviceImage image) {
        byte[] c = image.config();
        int cap = msix(image).offset();
        return MsixLayout.of(get(c, cap + Msix.FLAGS, 2), get(c, cap + Msix.TABLE, 4), get(c, cap + Msix.PBA, 4));
    }

    /** A little-endian value of a config image. */
    static int get(byte[] config, int offset, int size) {
        int v = 0;
        for (int i = 0; i < size; i++) {
            v |= (config[offset + i] & 0xff) << 8 * i;
        }
        return v;
    }

    /** Sets a little-endian value in a config image. */
    static void put(byte[] config, int offset, int size, int value) {
        for (int i = 0; i < size; i++) {
            config[offset + i] = (byte) (value >>> 8 * i);
        }
    }

    /** The function fresh from power-on, in a backend of its own so that no state carries over. */
    static SimulatedDevice fresh(DeviceImage image) {
        SimulatedBackend backend = SimulatedBackend.of(List.of(image), SimulatedBackend.DEFAULT_VPD_SIZE);
        return backend.open(PciAddress.parse(backend.devices().get(0).address));
    }

    /** A runtime with the header handler (the guest turns decode on) and {@code handler} serving MSI-X. */
    static CoreRuntime runtime(CapabilityHandler handler) {
        return runtime(handler, System.getLogger(CoreRuntime.class.getName()));
    }

    /** A runtime with the header handler and {@code handler} serving MSI-X, logging (reports too) to {@code log}. */
    static CoreRuntime runtime(CapabilityHandler handler, System.Logger log) {
        CoreRuntime rt = new CoreRuntime(new DefaultCapabilityWalker(), log);
        rt.addHandler(new HeaderHandler(), Map.of(CapabilityHandler.CAPABILITY_ID, HeaderHandler.HEADER_ID,
                CapabilityHandler.CAPABILITY_SPACE, CapabilitySpace.HEADER.property()));
        rt.addHandler(handler, Map.of(CapabilityHandler.CAPABILITY_ID, CapId.MSIX,
                CapabilityHandler.CAPABILITY_SPACE, CapabilitySpace.STANDARD.property()));
        return rt;
    }
}
