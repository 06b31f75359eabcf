package org.pciguard.cap.msix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.CAPABILITY_LIST;
import static org.pciguard.api.regs.PciRegs.CAP_LIST_NEXT;
import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.cap.msix.ShippedMsix.layout;
import static org.pciguard.cap.msix.ShippedMsix.msix;
import static org.pciguard.testing.ConfigBytes.dwords;
import static org.pciguard.testing.ConfigBytes.ones;
import static org.pciguard.testing.Shipped.fresh;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.dto.VirtualCapabilityDTO;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;
import org.pciguard.testing.Shipped;

/**
 * The MSI-X handler in the real core, on simulated functions built from every shipped dump with
 * MSI-X: every guest write at every width and offset of the capability against reference 2.7 with
 * DESIGN.md's difference 3, the device never changing; the open-time view of the capability and of
 * the emulated table; the one shipped function whose table lies outside its BARs.
 */
class MsixConformanceTest {

    private static final int[] WIDTHS = {1, 2, 4};
    /** A Cavium ThunderX VF-capable NIC: its BARs are Enhanced Allocation entries, so BIR 4 names no BAR. */
    private static final String EA_NIC = "177d-a01e-thunderx-nic-ea-sriov.lspci";
    /** A host's message, as the host's driver leaves it in the device's table. */
    private static final int HOST_ADDRESS = 0xfee0100c;
    private static final int HOST_DATA = 0x4023;

    private final CoreRuntime runtime = ShippedMsix.runtime(new MsixHandler());

    @AfterEach
    void close() {
        runtime.close();
    }

    static Stream<DeviceImage> withMsix() {
        return ShippedMsix.withMsix();
    }

    /** The functions whose table and PBA lie inside their BARs. */
    static Stream<DeviceImage> emulated() {
        return withMsix().filter(i -> !i.source().equals(EA_NIC));
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private VirtualCapabilityDTO dto(Capability cap) {
        return Arrays.stream(runtime.snapshot().devices[0].capabilities).filter(c -> c.offset == cap.offset())
                .findFirst().orElseThrow();
    }

    /**
     * The oracle, per byte of the capability: reference 2.7 gives the guest no writable bit (vfio
     * serves MSI-X read-only and enables it through an ioctl); difference 3 gives it Enable and
     * Function Mask, virtual. A hidden capability is read-only (difference 5).
     */
    private static int guestWritable(int rel, boolean hidden) {
        int writable = Msix.FLAGS_ENABLE | Msix.FLAGS_MASKALL;
        return hidden || rel < Msix.FLAGS || rel >= Msix.FLAGS + 2 ? 0 : writable >>> 8 * (rel - Msix.FLAGS) & 0xff;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withMsix")
    void everyWriteOfTheCapabilityFollowsTheReferenceAndNeverReachesTheDevice(DeviceImage image) {
        Capability cap = msix(image);
        assertEquals(Msix.SIZEOF, cap.length());
        for (int size : WIDTHS) {
            for (int offset = cap.offset(); offset < cap.end(); offset += size) {
                for (int value : new int[] {ones(size), 0, 0x5a5a5a5a & ones(size)}) {
                    SimulatedDevice device = fresh(image);
                    VirtualDevice guest = runtime.open(device);
                    try {
                        boolean hidden = dto(cap).hidden;
                        byte[] deviceBefore = dwords(device::readConfig, 0, device.configSize());
                        byte[] expected = dwords(guest::read, cap.offset(), cap.end());
                        guest.write(offset, size, value);
                        for (int i = 0; i < size; i++) {
                            int rel = offset + i - cap.offset();
                            int w = guestWritable(rel, hidden);
                            expected[rel] = (byte) (expected[rel] & ~w | (value >>> 8 * i) & w);
                        }
                        String where = image.source() + ": " + size + "-byte write of " + hex(value) + " at " + hex(offset);
                        assertArrayEquals(expected, dwords(guest::read, cap.offset(), cap.end()), where + ": guest view");
                        assertArrayEquals(deviceBefore, dwords(device::readConfig, 0, device.configSize()),
                                where + ": device");
                    } finally {
                        guest.close();
                    }
                }
            }
        }
    }

    /** Enable and Function Mask start clear; Table Size and the locations are the device's. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("emulated")
    void theGuestStartsWithMsixDisabledAndTheDevicesLayout(DeviceImage image) {
        Capability cap = msix(image);
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = runtime.open(device);
        assertFalse(dto(cap).hidden, image.source());
        int guestBits = Msix.FLAGS_ENABLE | Msix.FLAGS_MASKALL;
        assertEquals(device.readConfig(cap.offset() + Msix.FLAGS, 2) & ~guestBits, guest.read(cap.offset() + Msix.FLAGS, 2));
        assertEquals(device.readConfig(cap.offset() + Msix.TABLE, 4), guest.read(cap.offset() + Msix.TABLE, 4));
        assertEquals(device.readConfig(cap.offset() + Msix.PBA, 4), guest.read(cap.offset() + Msix.PBA, 4));
    }

    /**
     * Every entry starts masked with address and data 0, whatever the device's table holds (here the
     * host's messages, unmasked), and the PBA reads 0.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("emulated")
    void everyEntryStartsMaskedAndNoneOfTheHostsMessagesIsShown(DeviceImage image) {
        MsixLayout l = layout(image);
        SimulatedDevice device = fresh(image);
        for (int e = 0; e < l.entries(); e++) {
            long entry = l.tableOffset() + (long) e * Msix.ENTRY_SIZE;
            device.writeBar(l.tableBir(), entry + Msix.ENTRY_LOWER_ADDR, 4, HOST_ADDRESS);
            device.writeBar(l.tableBir(), entry + Msix.ENTRY_DATA, 4, HOST_DATA + e);
            device.writeBar(l.tableBir(), entry + Msix.ENTRY_VECTOR_CTRL, 4, 0);
        }
        VirtualDevice guest = runtime.open(device);
        guest.write(COMMAND, 2, Command.MEMORY);
        for (int e = 0; e < l.entries(); e++) {
            long entry = l.tableOffset() + (long) e * Msix.ENTRY_SIZE;
            String where = image.source() + ": entry " + e;
            assertEquals(0L, guest.barRead(l.tableBir(), entry + Msix.ENTRY_LOWER_ADDR, 8), where + ": address");
            assertEquals(0L, guest.barRead(l.tableBir(), entry + Msix.ENTRY_DATA, 4), where + ": data");
            assertEquals(Msix.ENTRY_CTRL_MASKBIT, guest.barRead(l.tableBir(), entry + Msix.ENTRY_VECTOR_CTRL, 4), where);
        }
        for (long q = l.pbaOffset(); q < l.pbaOffset() + l.pbaLength(); q += Long.BYTES) {
            assertEquals(0L, guest.barRead(l.pbaBir(), q, 8), image.source() + ": PBA at " + hex(q));
        }
        assertEquals(Integer.toUnsignedLong(HOST_ADDRESS),
                device.readBar(l.tableBir(), l.tableOffset() + Msix.ENTRY_LOWER_ADDR, 4), "the device keeps the host's");
    }

    /** Difference 3: the guest never writes the device's table or PBA. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("emulated")
    void guestTableWritesNeverReachTheDevice(DeviceImage image) {
        MsixLayout l = layout(image);
        SimulatedDevice device = fresh(image);
        VirtualDevice guest = runtime.open(device);
        guest.write(COMMAND, 2, Command.MEMORY);
        int control = msix(image).offset() + Msix.FLAGS;
        int deviceControl = device.readConfig(control, 2);
        long[] before = new long[(int) (l.tableLength() / Long.BYTES)];
        for (int q = 0; q < before.length; q++) {
            before[q] = device.readBar(l.tableBir(), l.tableOffset() + 8L * q, 8);
        }
        for (long at = l.tableOffset(); at < l.tableOffset() + l.tableLength(); at += Long.BYTES) {
            guest.barWrite(l.tableBir(), at, 8, 0x1234_5678_9abc_def0L);
        }
        guest.write(control, 2, Msix.FLAGS_ENABLE | Msix.FLAGS_MASKALL);
        guest.write(control, 2, 0);
        for (int q = 0; q < before.length; q++) {
            assertEquals(before[q], device.readBar(l.tableBir(), l.tableOffset() + 8L * q, 8),
                    image.source() + ": device table QWORD " + q);
        }
        assertEquals(deviceControl, device.readConfig(control, 2), image.source() + ": the device's Message Control");
    }

    /** The shipped EA function: its table names BAR 4, which has no standard BAR: hidden, relinked. */
    @Test
    void aTableOutsideTheBarsIsAnAnomalyAndTheCapabilityIsHidden() {
        DeviceImage image = Shipped.image(EA_NIC);
        Capability cap = msix(image);
        VirtualDevice guest = runtime.open(fresh(image));
        VirtualCapabilityDTO dto = dto(cap);
        assertTrue(dto.hidden);
        assertEquals("anomaly: MSI-X table (BIR 4, offset 0x0, 160 bytes): BAR 4 is not implemented", dto.hiddenReason);
        List<Integer> chain = new ArrayList<>();
        for (int p = guest.read(CAPABILITY_LIST, 1); p != 0; p = guest.read(p + CAP_LIST_NEXT, 1)) {
            chain.add(p);
        }
        assertFalse(chain.contains(cap.offset()), "relinked out of the guest's chain: " + chain);
        assertFalse(chain.isEmpty());
    }
}
