package org.pciguard.testing;

import static org.pciguard.api.regs.PciRegs.HEADER_TYPE_NORMAL;

import java.util.List;
import java.util.stream.Stream;

import org.pciguard.api.access.PciAddress;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedBackend;
import org.pciguard.backend.sim.SimulatedDevice;

/**
 * The real dumps backend-sim ships, as power-on images, and functions fresh from them. The shared
 * backend is only read for its images; every function a test opens comes from {@link #fresh}.
 */
public final class Shipped {

    private static final SimulatedBackend SHIPPED = SimulatedBackend.shipped();

    private Shipped() {
    }

    /** Every shipped type-0 function (bridges cannot be passed through, DESIGN.md difference 8). */
    public static Stream<DeviceImage> type0() {
        return SHIPPED.devices().stream().filter(d -> d.headerType == HEADER_TYPE_NORMAL)
                .map(d -> SHIPPED.image(PciAddress.parse(d.address)));
    }

    /** The shipped function from {@code source} (a dump file name). */
    public static DeviceImage image(String source) {
        return SHIPPED.devices().stream().filter(d -> d.source.equals(source))
                .map(d -> SHIPPED.image(PciAddress.parse(d.address))).findFirst().orElseThrow();
    }

    /** The function fresh from power-on, in a backend of its own so that no state carries over. */
    public static SimulatedDevice fresh(DeviceImage image) {
        SimulatedBackend backend = SimulatedBackend.of(List.of(image), SimulatedBackend.DEFAULT_VPD_SIZE);
        return backend.open(PciAddress.parse(backend.devices().get(0).address));
    }
}
