package org.pciguard.cap.msix;

import static org.pciguard.testing.ConfigBytes.get;

import java.util.stream.Stream;

import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.cap.header.HeaderHandler;
import org.pciguard.core.CoreRuntime;
import org.pciguard.testing.HandlerProperties;
import org.pciguard.testing.Shipped;
import org.pciguard.walker.DefaultCapabilityWalker;

/** The shipped real dumps that carry MSI-X, and the real core to open them in. */
final class ShippedMsix {

    private static final DefaultCapabilityWalker WALKER = new DefaultCapabilityWalker();

    private ShippedMsix() {
    }

    /** Every shipped type-0 function with an MSI-X capability (bridges cannot be passed through). */
    static Stream<DeviceImage> withMsix() {
        return Shipped.type0()
                .filter(i -> WALKER.walk(i.config()).find(CapabilitySpace.STANDARD, CapId.MSIX).isPresent());
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

    /** A runtime with the header handler (the guest turns decode on) and {@code handler} serving MSI-X. */
    static CoreRuntime runtime(CapabilityHandler handler) {
        return runtime(handler, System.getLogger(CoreRuntime.class.getName()));
    }

    /** A runtime with the header handler and {@code handler} serving MSI-X, logging (reports too) to {@code log}. */
    static CoreRuntime runtime(CapabilityHandler handler, System.Logger log) {
        CoreRuntime rt = new CoreRuntime(new DefaultCapabilityWalker(), log);
        rt.addHandler(new HeaderHandler(), HandlerProperties.of(CapabilitySpace.HEADER, HeaderHandler.HEADER_ID));
        rt.addHandler(handler, HandlerProperties.of(CapabilitySpace.STANDARD, CapId.MSIX));
        return rt;
    }
}
