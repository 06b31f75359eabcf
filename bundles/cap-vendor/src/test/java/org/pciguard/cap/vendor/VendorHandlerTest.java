package org.pciguard.cap.vendor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.testing.Shipped.fresh;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pciguard.api.access.AccessListener;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.virt.DeviceOptions;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;
import org.pciguard.testing.HandlerProperties;
import org.pciguard.testing.Shipped;
import org.pciguard.walker.DefaultCapabilityWalker;

/** The vendor-specific table, and the handler in the real core on the shipped dumps that carry one. */
class VendorHandlerTest {

    private static final DeviceOptions PERMISSIVE = new DeviceOptions(true, Set.of(), Set.of());

    private final CoreRuntime runtime = new CoreRuntime(new DefaultCapabilityWalker());
    private final List<VirtualDevice> opened = new ArrayList<>();

    VendorHandlerTest() {
        runtime.addHandler(new VendorHandler(), HandlerProperties.of(CapabilitySpace.STANDARD, CapId.VNDR));
    }

    @AfterEach
    void close() {
        opened.forEach(VirtualDevice::close);
        runtime.close();
    }

    /** Every shipped type-0 function with a vendor-specific capability the guest sees. */
    static Stream<DeviceImage> withVendor() {
        return Shipped.type0().filter(i -> !vendorCaps(i).isEmpty());
    }

    /** The vendor-specific capabilities of a function that the walker found sound (the core hides the others). */
    private static List<Capability> vendorCaps(DeviceImage image) {
        CapabilityMap map = new DefaultCapabilityWalker().walk(image.config());
        return map.standard().stream().filter(c -> c.id() == CapId.VNDR && !c.hiddenByDefault())
                .filter(c -> map.anomalies().stream().noneMatch(a -> a.offset() == c.offset())).toList();
    }

    private VirtualDevice open(SimulatedDevice device, DeviceOptions options) {
        VirtualDevice guest = runtime.open(device, options);
        opened.add(guest);
        return guest;
    }

    /** Records the config writes that reach a function. */
    private static final class Writes implements AccessListener {
        final List<Integer> offsets = new ArrayList<>();

        @Override
        public void configAccess(PciAddress device, boolean write, int offset, int size, int value) {
            if (write) {
                offsets.add(offset);
            }
        }

        @Override
        public void barAccess(PciAddress device, boolean write, int bar, long offset, int size, long value) {
        }
    }

    // ---- the table --------------------------------------------------------------------------

    @Test
    void byDefaultEveryByteIsReadOnlyIdAndLengthConstantNextVirtual() {
        PermissionTable t = VendorPermissions.build(20, false);
        assertEquals(20, t.length());
        for (int i = 0; i < 20; i++) {
            assertEquals(0, t.writableByte(i), "writable +" + i);
            assertEquals(i == 1 ? 0xff : 0, t.virtualByte(i), "virtual +" + i);
            assertEquals(i == 0 || i == 2 ? 0xff : 0, t.constantByte(i), "constant +" + i);
        }
    }

    @Test
    void aPermissiveDeviceGetsRawWritesOfTheVendorBytesOnly() {
        PermissionTable t = VendorPermissions.build(15, true);
        for (int i = 0; i < 15; i++) {
            assertEquals(i < 3 ? 0 : 0xff, t.writableByte(i), "writable +" + i);
            assertEquals(i == 1 ? 0xff : 0, t.virtualByte(i), "virtual +" + i);
        }
    }

    @Test
    void vendorBytesAreLinedUpInNaturallyAlignedRegisters() {
        List<String> lines = VendorPermissions.build(15, false).lines().stream()
                .map(l -> l.offset() + ":" + l.width()).toList();
        assertEquals(List.of("0:1", "1:1", "2:1", "3:1", "4:4", "8:4", "12:2", "14:1"), lines);
        assertTrue(VendorPermissions.build(15, true).lines().stream().noneMatch(l -> l.reason().isBlank()));
    }

    @Test
    void theSmallestCapabilityHasOnlyItsHeader() {
        assertEquals(3, VendorPermissions.build(3, true).lines().size());
    }

    // ---- on the shipped dumps ----------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("withVendor")
    void theGuestReadsTheDeviceAndItsWritesAreDropped(DeviceImage image) {
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = open(device, DeviceOptions.DEFAULT);
        Writes writes = new Writes();
        device.addAccessListener(writes);
        for (Capability c : vendorCaps(image)) {
            for (int off = c.offset(); off < c.end(); off++) {
                if (off != c.offset() + 1) {
                    assertEquals(device.readConfig(off, 1), guest.read(off, 1), image.source() + " byte 0x" + Integer.toHexString(off));
                }
                guest.write(off, 1, 0xff);
                guest.write(off, 1, 0);
            }
        }
        assertEquals(List.of(), writes.offsets, image.source() + ": no write reached the device");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withVendor")
    void aPermissiveDeviceTakesRawWritesOfTheVendorBytes(DeviceImage image) {
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = open(device, PERMISSIVE);
        Writes writes = new Writes();
        device.addAccessListener(writes);
        List<Integer> expected = new ArrayList<>();
        for (Capability c : vendorCaps(image)) {
            for (int off = c.offset(); off < c.end(); off++) {
                guest.write(off, 1, 0);
                if (off >= c.offset() + 3) {
                    expected.add(off);
                }
            }
        }
        assertEquals(expected, writes.offsets, image.source() + ": the vendor bytes, never id, next or length");
        assertFalse(expected.isEmpty());
    }
}
