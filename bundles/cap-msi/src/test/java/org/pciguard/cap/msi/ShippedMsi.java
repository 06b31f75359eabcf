package org.pciguard.cap.msi;

import static org.pciguard.api.regs.PciRegs.HEADER_TYPE_NORMAL;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.pciguard.api.access.PciAddress;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedBackend;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;
import org.pciguard.walker.DefaultCapabilityWalker;

/** The shipped real dumps that carry MSI, and the real core to open them in. */
final class ShippedMsi {

    static final SimulatedBackend SHIPPED = SimulatedBackend.shipped();
    private static final DefaultCapabilityWalker WALKER = new DefaultCapabilityWalker();

    private ShippedMsi() {
    }

    /** Every shipped type-0 function with an MSI capability (bridges cannot be passed through). */
    static Stream<DeviceImage> withMsi() {
        return SHIPPED.devices().stream().filter(d -> d.headerType == HEADER_TYPE_NORMAL)
                .map(d -> SHIPPED.image(PciAddress.parse(d.address)))
                .filter(i -> WALKER.walk(i.config()).find(CapabilitySpace.STANDARD, CapId.MSI).isPresent());
    }

    /** The shipped function of this file. */
    static DeviceImage image(String source) {
        return withMsi().filter(i -> i.source().equals(source)).findFirst().orElseThrow();
    }

    /** Its MSI capability as the walker finds it. */
    static Capability msi(DeviceImage image) {
        return WALKER.walk(image.config()).find(CapabilitySpace.STANDARD, CapId.MSI).orElseThrow();
    }

    /** Its Message Control as the device holds it. */
    static int flags(DeviceImage image) {
        byte[] config = image.config();
        int at = msi(image).offset() + Msi.FLAGS;
        return config[at] & 0xff | (config[at + 1] & 0xff) << 8;
    }

    /** The function fresh from power-on, in a backend of its own so that no state carries over. */
    static SimulatedDevice fresh(DeviceImage image) {
        SimulatedBackend backend = SimulatedBackend.of(List.of(image), SimulatedBackend.DEFAULT_VPD_SIZE);
        return backend.open(PciAddress.parse(backend.devices().get(0).address));
    }

    /** A runtime with {@code handler} serving MSI. */
    static CoreRuntime runtime(CapabilityHandler handler) {
        return runtime(handler, System.getLogger(CoreRuntime.class.getName()));
    }

    /** A runtime with {@code handler} serving MSI, logging (the handler's reports too) to {@code log}. */
    static CoreRuntime runtime(CapabilityHandler handler, System.Logger log) {
        CoreRuntime rt = new CoreRuntime(new DefaultCapabilityWalker(), log);
        rt.addHandler(handler, Map.of(CapabilityHandler.CAPABILITY_ID, CapId.MSI,
                CapabilityHandler.CAPABILITY_SPACE, CapabilitySpace.STANDARD.property()));
        return rt;
    }
}
