package org.pciguard.conformance;

import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Vndr;
import org.pciguard.api.virt.DeviceOptions;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.cap.vendor.VendorHandler;
import org.pciguard.core.CoreRuntime;
import org.pciguard.testing.HandlerProperties;
import org.pciguard.testing.Shipped;

/**
 * The vendor-specific handler in the real core on every shipped function that shows one to its
 * guest: every write against reference 2.8 (the next pointer virtual, every byte raw-written) with
 * pciguard's difference: the capability is read-only, and a device configured permissive gets
 * vfio's raw writes back for the vendor-defined bytes (id and length are read-only in hardware).
 */
class VendorConformanceTest {

    static Stream<Arguments> showingVendor() {
        return Functions.showing(CapabilitySpace.STANDARD, CapId.VNDR);
    }

    /**
     * Reference 2.8: the next pointer from the shadow (direct read patches it), raw writes of every
     * byte from {@code firstWritable} on; vfio's is 0, pciguard's for a permissive device is the
     * first vendor-defined byte (id and length are read-only in hardware), and by default nothing
     * is writable.
     */
    static CapabilityReference reference(Capability cap, int firstWritable) {
        CapabilityReference ref = new CapabilityReference(cap.length());
        for (int b = 0; b < cap.length(); b++) {
            ref.vfio(b, 1, b == 1 ? 0xff : 0, b >= firstWritable ? 0xff : 0);
        }
        return ref;
    }

    private static CoreRuntime runtime() {
        CoreRuntime runtime = Functions.runtime();
        runtime.addHandler(new VendorHandler(), HandlerProperties.of(CapabilitySpace.STANDARD, CapId.VNDR));
        return runtime;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("showingVendor")
    void byDefaultEveryWriteIsDropped(DeviceImage image, Capability cap) {
        try (CoreRuntime runtime = runtime()) {
            CapabilityFlip.everyWrite(runtime, image, cap, reference(cap, cap.length()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("showingVendor")
    void aPermissiveDeviceGetsRawWritesOfTheVendorBytes(DeviceImage image, Capability cap) {
        try (CoreRuntime runtime = runtime()) {
            runtime.setDeviceOptions(Shipped.fresh(image).address(), new DeviceOptions(true, Set.of(), Set.of()));
            CapabilityFlip.everyWrite(runtime, image, cap, reference(cap, Vndr.MIN_SIZEOF));
        }
    }
}
