package org.pciguard.cap.msi;

import java.util.stream.Stream;

import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.core.CoreRuntime;
import org.pciguard.testing.ConfigBytes;
import org.pciguard.testing.HandlerProperties;
import org.pciguard.testing.Shipped;
import org.pciguard.walker.DefaultCapabilityWalker;

/** The shipped real dumps that carry MSI, and the real core to open them in. */
final class ShippedMsi {

    private static final DefaultCapabilityWalker WALKER = new DefaultCapabilityWalker();

    private ShippedMsi() {
    }

    /** Every shipped type-0 function with an MSI capability (bridges cannot be passed through). */
    static Stream<DeviceImage> withMsi() {
        return Shipped.type0()
                .filter(i -> WALKER.walk(i.config()).find(CapabilitySpace.STANDARD, CapId.MSI).isPresent());
    }

    /** Its MSI capability as the walker finds it. */
    static Capability msi(DeviceImage image) {
        return WALKER.walk(image.config()).find(CapabilitySpace.STANDARD, CapId.MSI).orElseThrow();
    }

    /** Its Message Control as the device holds it. */
    static int flags(DeviceImage image) {
        return ConfigBytes.get(image.config(), msi(image).offset() + Msi.FLAGS, 2);
    }

    /** A runtime with {@code handler} serving MSI. */
    static CoreRuntime runtime(CapabilityHandler handler) {
        return runtime(handler, System.getLogger(CoreRuntime.class.getName()));
    }

    /** A runtime with {@code handler} serving MSI, logging (the handler's reports too) to {@code log}. */
    static CoreRuntime runtime(CapabilityHandler handler, System.Logger log) {
        CoreRuntime rt = new CoreRuntime(new DefaultCapabilityWalker(), log);
        rt.addHandler(handler, HandlerProperties.of(CapabilitySpace.STANDARD, CapId.MSI));
        return rt;
    }
}
