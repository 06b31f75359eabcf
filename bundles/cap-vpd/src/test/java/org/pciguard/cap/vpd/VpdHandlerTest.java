package org.pciguard.cap.vpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.testing.Shipped.fresh;
import static org.pciguard.testing.Shipped.image;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.pciguard.api.access.AccessListener;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Vpd;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedBackend;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;
import org.pciguard.testing.HandlerProperties;
import org.pciguard.testing.RecordingLogger;
import org.pciguard.walker.DefaultCapabilityWalker;

/** The VPD table, and the handler in the real core on the shipped dumps that carry VPD. */
class VpdHandlerTest {

    /** The shipped functions with a VPD capability. */
    private static final List<String> WITH_VPD = List.of("10ec-8125-rtl8125-2.5gbe.lspci", "10ec-8168-rtl8111-gbe.lspci",
            "11ab-4363-yukon2-88e8055.lspci", "1000-0072-sas2008-hba.lspci", "14f1-8852-cx23885-vpd.lspci",
            "15b3-1019-connectx5-ex.lspci");
    /** Bytes of VPD behind each simulated capability. */
    private static final int SIM_VPD = SimulatedBackend.DEFAULT_VPD_SIZE;
    private static final String RTL8111 = "10ec-8168-rtl8111-gbe.lspci";

    private final List<CoreRuntime> runtimes = new ArrayList<>();
    private final RecordingLogger log = new RecordingLogger();

    @AfterEach
    void close() {
        runtimes.forEach(CoreRuntime::close);
    }

    static Stream<String> withVpd() {
        return WITH_VPD.stream();
    }

    private static int vpd(DeviceImage image) {
        return new DefaultCapabilityWalker().walk(image.config()).find(CapabilitySpace.STANDARD, CapId.VPD)
                .orElseThrow().offset();
    }

    private VirtualDevice open(SimulatedDevice device, VpdHandler handler) {
        CoreRuntime runtime = new CoreRuntime(new DefaultCapabilityWalker(), log);
        runtimes.add(runtime);
        runtime.addHandler(handler, HandlerProperties.of(CapabilitySpace.STANDARD, CapId.VPD));
        return runtime.open(device);
    }

    /** Four bytes of VPD read through the device's own registers. */
    private static int direct(PhysicalDevice device, int cap, int address) {
        device.writeConfig(cap + Vpd.ADDR, 2, address);
        assertEquals(Vpd.ADDR_F, device.readConfig(cap + Vpd.ADDR, 2) & Vpd.ADDR_F);
        return device.readConfig(cap + Vpd.DATA, 4);
    }

    /** Four bytes of VPD read by the guest: request, poll F once, take Data. */
    private static int guestRead(VirtualDevice guest, int cap, int address) {
        guest.write(cap + Vpd.ADDR, 2, address);
        assertEquals(Vpd.ADDR_F | address, guest.read(cap + Vpd.ADDR, 2), "read complete at 0x" + Integer.toHexString(address));
        return guest.read(cap + Vpd.DATA, 4);
    }

    /** Counts the accesses that reach the VPD registers of a function. */
    private static final class VpdAccesses implements AccessListener {
        private final int cap;
        int count;

        VpdAccesses(int cap) {
            this.cap = cap;
        }

        @Override
        public void configAccess(PciAddress device, boolean write, int offset, int size, int value) {
            if (offset + size > cap + Vpd.ADDR && offset < cap + Vpd.SIZEOF) {
                count++;
            }
        }

        @Override
        public void barAccess(PciAddress device, boolean write, int bar, long offset, int size, long value) {
        }
    }

    // ---- the table --------------------------------------------------------------------------

    @Test
    void addressAndDataAreVirtualReadWriteIdConstantNextVirtual() {
        PermissionTable t = VpdPermissions.build();
        assertEquals(Vpd.SIZEOF, t.length());
        assertEquals(List.of(0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), bytes(t::virtualByte));
        assertEquals(List.of(0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), bytes(t::writableByte));
        assertEquals(List.of(0xff, 0, 0, 0, 0, 0, 0, 0), bytes(t::constantByte));
        assertEquals(List.of(0, 0, 0, 0, 0, 0, 0, 0), bytes(t::writeOneToClearByte));
        assertTrue(t.lines().stream().noneMatch(l -> l.reason().isBlank()));
    }

    private static List<Integer> bytes(IntUnaryOperator mask) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < Vpd.SIZEOF; i++) {
            out.add(mask.applyAsInt(i));
        }
        return out;
    }

    // ---- configuration ----------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 6, -4, 32772, 65536})
    void aBadVpdSizeIsRejectedNamingTheProperty(int size) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new VpdHandler(config(size)));
        assertTrue(e.getMessage().startsWith("vpdSize " + size), e.getMessage());
    }

    @Test
    void theDefaultIsTheWholeVpdAddressSpace() {
        assertEquals(VpdHandler.MAX_SIZE, config(VpdHandler.MAX_SIZE).vpdSize());
        new VpdHandler(config(4));
        new VpdHandler(config(VpdHandler.MAX_SIZE));
    }

    private static VpdConfig config(int size) {
        return new VpdConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return VpdConfig.class;
            }

            @Override
            public int vpdSize() {
                return size;
            }
        };
    }

    // ---- transfers on the shipped dumps ------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("withVpd")
    void theGuestReadsTheWholeVpdAsTheDeviceHoldsItAndStartsAtZero(String source) {
        DeviceImage image = image(source);
        int cap = vpd(image);
        SimulatedDevice twin = fresh(image);
        VirtualDevice guest = open(fresh(image), new VpdHandler(VpdHandler.MAX_SIZE));
        assertEquals(0, guest.read(cap + Vpd.ADDR, 2), "Address starts at 0");
        assertEquals(0, guest.read(cap + Vpd.DATA, 4), "Data starts at 0");
        for (int address = 0; address < SIM_VPD; address += 4) {
            assertEquals(direct(twin, cap, address), guestRead(guest, cap, address), source + " at 0x" + Integer.toHexString(address));
        }
        assertEquals(Vpd.LRDT_ID_STRING, guestRead(guest, cap, 0) & 0xff, "VPD starts with the Identifier String tag");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withVpd")
    void aGuestWriteIsStoredInTheDevicesVpd(String source) {
        DeviceImage image = image(source);
        int cap = vpd(image);
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = open(device, new VpdHandler(VpdHandler.MAX_SIZE));
        guest.write(cap + Vpd.DATA, 4, 0x5a6b7c8d);
        guest.write(cap + Vpd.ADDR, 2, Vpd.ADDR_F | 0x80);
        assertEquals(0x80, guest.read(cap + Vpd.ADDR, 2), "write complete: F clear");
        assertEquals(0x5a6b7c8d, direct(device, cap, 0x80));
        assertEquals(0x5a6b7c8d, guestRead(guest, cap, 0x80));
    }

    @Test
    void pollingFNeverReachesTheDeviceAndOnlyTheFlagByteStartsATransfer() {
        DeviceImage image = image(RTL8111);
        int cap = vpd(image);
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = open(device, new VpdHandler(VpdHandler.MAX_SIZE));
        VpdAccesses accesses = new VpdAccesses(cap);
        device.addAccessListener(accesses);

        guest.write(cap + Vpd.ADDR, 1, 0x10);
        guest.write(cap + Vpd.DATA, 4, 0x01020304);
        assertEquals(0, accesses.count, "the low address byte and Data stay in the shadow");
        guest.write(cap + Vpd.ADDR + 1, 1, 0);
        int transfer = accesses.count;
        assertTrue(transfer > 0, "the F byte starts the read");
        for (int i = 0; i < 100; i++) {
            assertEquals(Vpd.ADDR_F | 0x10, guest.read(cap + Vpd.ADDR, 2));
        }
        assertEquals(transfer, accesses.count, "polls are served from the shadow");
    }

    @Test
    void transfersPastTheVpdSizeNeverReachTheDevice() {
        DeviceImage image = image(RTL8111);
        int cap = vpd(image);
        SimulatedDevice device = fresh(image);
        int stored = direct(device, cap, 0x40);
        VirtualDevice guest = open(device, new VpdHandler(0x40));
        VpdAccesses accesses = new VpdAccesses(cap);
        device.addAccessListener(accesses);

        guest.write(cap + Vpd.ADDR, 2, 0x40);
        assertEquals(Vpd.ADDR_F | 0x40, guest.read(cap + Vpd.ADDR, 2), "the read completes");
        assertEquals(VpdHandler.BLANK, guest.read(cap + Vpd.DATA, 4), "as blank storage");
        guest.write(cap + Vpd.ADDR, 2, 0x3e);
        assertEquals(VpdHandler.BLANK, guest.read(cap + Vpd.DATA, 4), "a transfer straddling the end too");

        guest.write(cap + Vpd.DATA, 4, 0x11111111);
        guest.write(cap + Vpd.ADDR, 2, Vpd.ADDR_F | 0x40);
        assertEquals(0x40, guest.read(cap + Vpd.ADDR, 2), "the write completes");
        assertEquals(0, accesses.count, "nothing reached the device");
        assertEquals(stored, direct(device, cap, 0x40), "and nothing was stored");

        assertEquals(direct(fresh(image), cap, 0x3c), guestRead(guest, cap, 0x3c), "the last four bytes are read");
        // The three transfers past the end are reported through the core, which names the device and the capability.
        String prefix = "WARNING " + device.address() + ": VPD@0x" + Integer.toHexString(cap) + " (capability id 0x3): "
                + "2-byte write of 0x";
        String at = " at 0x" + Integer.toHexString(cap + Vpd.ADDR) + ": VPD ";
        String past = " runs past the VPD size of 64 bytes; not sent to the device, ";
        assertEquals(List.of(prefix + "40" + at + "read at 0x40" + past + "Data reads 0xffffffff",
                prefix + "3e" + at + "read at 0x3e" + past + "Data reads 0xffffffff",
                prefix + "8040" + at + "write at 0x40" + past + "nothing stored"), log.messages);
    }

    @Test
    void aResetReturnsTheRegistersToZeroAndTheVpdKeepsWhatWasWritten() {
        DeviceImage image = image(RTL8111);
        int cap = vpd(image);
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = open(device, new VpdHandler(VpdHandler.MAX_SIZE));
        guest.write(cap + Vpd.DATA, 4, 0xcafef00d);
        guest.write(cap + Vpd.ADDR, 2, Vpd.ADDR_F | 0x20);
        guest.reset(ResetKind.BUS);
        assertEquals(0, guest.read(cap + Vpd.ADDR, 2));
        assertEquals(0, guest.read(cap + Vpd.DATA, 4));
        assertEquals(0xcafef00d, guestRead(guest, cap, 0x20), "VPD storage survives the reset");
        assertNotEquals(0xcafef00d, direct(fresh(image), cap, 0x20));
    }
}
