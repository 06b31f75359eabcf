package org.pciguard.cap.msi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.cap.msi.ShippedMsi.flags;
import static org.pciguard.cap.msi.ShippedMsi.msi;
import static org.pciguard.testing.ConfigBytes.dwords;
import static org.pciguard.testing.ConfigBytes.hex;
import static org.pciguard.testing.ConfigBytes.ones;
import static org.pciguard.testing.Shipped.fresh;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.dto.VirtualCapabilityDTO;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;

/**
 * The MSI handler in the real core, on simulated functions built from every shipped dump with MSI
 * (all four layouts): every guest write at every width and offset of the capability against
 * {@link ReferenceMsi} (reference 2.5 with DESIGN.md's differences), on the guest's side and the
 * device's, which never changes; then the open-time view.
 */
class MsiConformanceTest {

    private static final int[] WIDTHS = {1, 2, 4};
    /** MSI Enable and Multiple Message Enable on the device, as a host driver leaves them. */
    private static final int HOST_FLAGS = Msi.FLAGS_ENABLE | Msi.FLAGS_QSIZE;

    private final CoreRuntime runtime = ShippedMsi.runtime(new MsiHandler());

    @AfterEach
    void close() {
        runtime.close();
    }

    static Stream<DeviceImage> withMsi() {
        return ShippedMsi.withMsi();
    }

    @Test
    void theShippedDumpsCoverAllFourLayouts() {
        Set<Integer> layouts = withMsi().map(i -> flags(i) & (Msi.FLAGS_64BIT | Msi.FLAGS_MASKBIT))
                .collect(Collectors.toSet());
        assertEquals(Set.of(0, Msi.FLAGS_64BIT, Msi.FLAGS_MASKBIT, Msi.FLAGS_64BIT | Msi.FLAGS_MASKBIT), layouts);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withMsi")
    void everyWriteOfTheCapabilityFollowsTheReferenceAndNeverReachesTheDevice(DeviceImage image) {
        Capability cap = msi(image);
        ReferenceMsi ref = new ReferenceMsi(flags(image));
        assertEquals(ref.length, cap.length(), image.source() + ": the walker's length is the reference's");
        int from = cap.offset() & ~3;
        int to = cap.end() + 3 & ~3;
        for (int size : WIDTHS) {
            for (int offset = from; offset < to; offset += size) {
                for (int value : new int[] {ones(size), 0, 0x5a5a5a5a & ones(size)}) {
                    writeAndCompare(image, cap, ref, from, to, offset, size, value);
                }
            }
        }
    }

    /** One guest write on a fresh function, the guest's bytes from the reference, the device's untouched. */
    private void writeAndCompare(DeviceImage image, Capability cap, ReferenceMsi ref, int from, int to, int offset,
            int size, int value) {
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = runtime.open(device);
        try {
            byte[] deviceBefore = dwords(device::readConfig, 0, device.configSize());
            byte[] expected = dwords(guest::read, from, to);
            guest.write(offset, size, value);

            for (int i = 0; i < size; i++) {
                int rel = offset + i - cap.offset();
                if (rel >= 0 && rel < ref.length) {
                    int w = ref.write[rel] & ref.virt[rel];
                    int b = offset + i - from;
                    expected[b] = (byte) (expected[b] & ~w | (value >>> 8 * i) & w);
                }
            }
            // Multiple Message Enable above Capable is set to Capable.
            int control = cap.offset() + Msi.FLAGS - from;
            int mme = (expected[control] & Msi.FLAGS_QSIZE) >> 4;
            if (mme > ref.capableLog2()) {
                expected[control] = (byte) (expected[control] & ~Msi.FLAGS_QSIZE | ref.capableLog2() << 4);
            }
            String where = image.source() + ": " + size + "-byte write of " + hex(value) + " at " + hex(offset);
            assertArrayEquals(expected, dwords(guest::read, from, to), where + ": guest view");
            assertArrayEquals(deviceBefore, dwords(device::readConfig, 0, device.configSize()), where + ": device");
        } finally {
            guest.close();
        }
    }

    /** The guest sees MSI disabled with everything it programs at 0, never what the host programmed. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("withMsi")
    void theGuestStartsWithMsiDisabledAndNoneOfTheHostsValues(DeviceImage image) {
        Capability cap = msi(image);
        ReferenceMsi ref = new ReferenceMsi(flags(image));
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = runtime.open(device);
        VirtualCapabilityDTO dto = Arrays.stream(runtime.snapshot().devices[0].capabilities)
                .filter(c -> c.offset == cap.offset()).findFirst().orElseThrow();
        assertFalse(dto.hidden, image.source() + ": MSI is shown");

        int virtualFlags = Msi.FLAGS_ENABLE | Msi.FLAGS_QSIZE | Msi.FLAGS_EXT_DATA_CAP | Msi.FLAGS_EXT_DATA_EN;
        assertEquals(device.readConfig(cap.offset(), 1), guest.read(cap.offset(), 1), image.source() + ": id");
        assertEquals(device.readConfig(cap.offset() + Msi.FLAGS, 2) & ~virtualFlags, guest.read(cap.offset() + Msi.FLAGS, 2),
                image.source() + ": Message Control");
        for (int rel = Msi.ADDRESS_LO; rel < ref.length; rel++) {
            assertEquals(0, guest.read(cap.offset() + rel, 1), image.source() + ": byte +" + hex(rel));
        }
    }

    /** The open-time test can fail: the host has MSI programmed on some of these functions. */
    @Test
    void someShippedFunctionsHoldTheHostsMsiProgramming() {
        assertTrue(withMsi().anyMatch(i -> (flags(i) & HOST_FLAGS) != 0));
        assertTrue(withMsi().anyMatch(i -> {
            SimulatedDevice d = fresh(i);
            return d.readConfig(msi(i).offset() + Msi.ADDRESS_LO, 4) != 0;
        }));
    }
}
