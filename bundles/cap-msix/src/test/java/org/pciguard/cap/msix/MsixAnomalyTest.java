package org.pciguard.cap.msix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.CAPABILITY_LIST;
import static org.pciguard.api.regs.PciRegs.CAP_LIST_NEXT;
import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.cap.msix.ShippedMsix.msix;
import static org.pciguard.testing.ConfigBytes.put;
import static org.pciguard.testing.Shipped.fresh;
import static org.pciguard.testing.Shipped.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.dto.VirtualCapabilityDTO;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;

/**
 * A table or PBA that does not lie inside an implemented memory BAR is an anomaly, and the core
 * hides the capability: the Intel 82576 (BAR0 and BAR1 32-bit memory, BAR2 I/O of 32 bytes, BAR3
 * 32-bit memory of 16 KiB holding 10 entries at 0 and the PBA at 0x2000) with its Table or PBA
 * register changed, and the Intel X710, whose BAR 3 is 64-bit.
 */
class MsixAnomalyTest {

    private final MsixHandler handler = new MsixHandler();

    /** The function of {@code source} with its Table Offset/BIR and PBA Offset/BIR changed. */
    private static DeviceImage with(String source, int table, int pba) {
        DeviceImage image = image(source);
        byte[] config = image.config();
        int cap = msix(image).offset();
        put(config, cap + Msix.TABLE, 4, table);
        put(config, cap + Msix.PBA, 4, pba);
        return new DeviceImage(image.source() + String.format(" table 0x%08x pba 0x%08x", table, pba), null,
                image.description(), config, image.bars(), List.of());
    }

    private Optional<String> anomaly(DeviceImage image) {
        return handler.anomaly(msix(image), ByteBuffer.wrap(image.config()).order(ByteOrder.LITTLE_ENDIAN),
                image.bars());
    }

    @Test
    void everyShippedTableThatFitsItsBarIsShown() {
        assertEquals(List.of("177d-a01e-thunderx-nic-ea-sriov.lspci"),
                ShippedMsix.withMsix().filter(i -> anomaly(i).isPresent()).map(DeviceImage::source).toList());
    }

    @ParameterizedTest(name = "table 0x{0}, PBA 0x{1}")
    @CsvSource({
        "00000005, 00002003, 'MSI-X table (BIR 5, offset 0x0, 160 bytes): BAR 5 is not implemented'",
        "00000002, 00002003, 'MSI-X table (BIR 2, offset 0x0, 160 bytes): BAR 2 is an I/O BAR'",
        "00000007, 00002003, 'MSI-X table (BIR 7, offset 0x0, 160 bytes): BIR 7 is reserved'",
        "00003f6b, 00002003, 'MSI-X table (BIR 3, offset 0x3f68, 160 bytes) runs past the end of BAR 3 (16384 bytes)'",
        "00000003, 00002006, 'MSI-X PBA (BIR 6, offset 0x2000, 8 bytes): BIR 6 is reserved'",
        "00000003, 00004003, 'MSI-X PBA (BIR 3, offset 0x4000, 8 bytes) runs past the end of BAR 3 (16384 bytes)'",
        "00000003, 00000093, 'MSI-X table (BIR 3, offset 0x0, 160 bytes) and MSI-X PBA (BIR 3, offset 0x90, 8 bytes) overlap'",
    })
    void aStructureOutsideItsBarIsAnAnomaly(String table, String pba, String expected) {
        DeviceImage image = with(MsixTableTest.I82576, Integer.parseUnsignedInt(table, 16), Integer.parseUnsignedInt(pba, 16));
        assertEquals(Optional.of(expected), anomaly(image));
    }

    @ParameterizedTest(name = "table 0x{0}, PBA 0x{1}")
    @CsvSource({ "00003f63, 00003f5b", "00000003, 00003ffb", "00000000, 000000a0", "00000001, 00000003" })
    void structuresThatFitAreNoAnomaly(String table, String pba) {
        DeviceImage image = with(MsixTableTest.I82576, Integer.parseUnsignedInt(table, 16), Integer.parseUnsignedInt(pba, 16));
        assertEquals(Optional.empty(), anomaly(image));
    }

    /** A BIR naming the upper half of a 64-bit BAR names no BAR. */
    @Test
    void theUpperHalfOfA64BitBarIsNotABar() {
        DeviceImage image = with(MsixTableTest.X710, 0x00000004, 0x00001003);
        assertEquals(Optional.of("MSI-X table (BIR 4, offset 0x0, 2064 bytes): BAR 4 is not implemented"), anomaly(image));
    }

    /** In the core: hidden with the reason, out of the guest's chain, and no region claimed. */
    @Test
    void theCoreHidesTheCapabilityAndClaimsNothing() {
        DeviceImage image = with(MsixTableTest.I82576, 0x00000002, 0x00002003);
        Capability cap = msix(image);
        CoreRuntime runtime = ShippedMsix.runtime(handler);
        try {
            SimulatedDevice device = fresh(image);
            VirtualDevice guest = runtime.open(device);
            VirtualCapabilityDTO dto = Arrays.stream(runtime.snapshot().devices[0].capabilities)
                    .filter(c -> c.offset == cap.offset()).findFirst().orElseThrow();
            assertTrue(dto.hidden);
            assertEquals("anomaly: MSI-X table (BIR 2, offset 0x0, 160 bytes): BAR 2 is an I/O BAR", dto.hiddenReason);
            java.util.List<Integer> chain = new java.util.ArrayList<>();
            for (int p = guest.read(CAPABILITY_LIST, 1); p != 0 && chain.size() < 48; p = guest.read(p + CAP_LIST_NEXT, 1)) {
                chain.add(p);
            }
            assertTrue(!chain.isEmpty() && !chain.contains(cap.offset()), "the guest's chain " + chain + " skips it");
            guest.write(COMMAND, 2, Command.MEMORY);
            device.writeBar(3, 0, 4, 0x5eed);
            assertEquals(0x5eedL, guest.barRead(3, 0, 4), "BAR 3 is the device's: no table emulated");
        } finally {
            runtime.close();
        }
    }
}
