package org.pciguard.conformance;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs.Af;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.cap.af.AfHandler;
import org.pciguard.core.CoreRuntime;
import org.pciguard.testing.HandlerProperties;

/**
 * The AF handler in the real core on every shipped function that shows AF to its guest (all
 * advertise FLR and Transactions Pending): every write against reference 2.10 and 3.10, Initiate
 * FLR emulated, reading 0, and an AF FLR of the function, after which the guest's view is the
 * open-time one.
 */
class AfConformanceTest {

    static Stream<Arguments> showingAf() {
        return Functions.showing(CapabilitySpace.STANDARD, CapId.AF);
    }

    /** Reference 2.10, line by line (vfio's array of 8 is cut at the capability's 6 bytes), and 3.10. */
    static CapabilityReference reference() {
        return new CapabilityReference(Af.SIZEOF)
                .vfio(1, 1, 0xff, 0)
                .vfio(Af.CTRL, 1, Af.CTRL_FLR, Af.CTRL_FLR)
                .readsZero(Af.CTRL, 1, Af.CTRL_FLR)
                .resetsOn(Af.CTRL, Af.CTRL_FLR, ResetKind.AF_FLR);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("showingAf")
    void everyWriteFollowsTheReference(DeviceImage image, Capability cap) {
        try (CoreRuntime runtime = Functions.runtime()) {
            runtime.addHandler(new AfHandler(), HandlerProperties.of(CapabilitySpace.STANDARD, CapId.AF));
            CapabilityFlip.everyWrite(runtime, image, cap, reference());
        }
    }
}
