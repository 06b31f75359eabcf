package org.pciguard.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.BarKind;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.BaseAddress;
import org.pciguard.backend.sim.DeviceFileException;
import org.pciguard.backend.sim.DeviceFiles;
import org.pciguard.backend.sim.DeviceImage;

/** {@code pciguard dump DEVICE --guest}: what a freshly opened guest sees (policies 4 and 8 of DESIGN.md). */
class GuestDumpTest {

    static List<String> typeZero() {
        return Shipped.devices().stream().filter(d -> d.headerType() == PciRegs.HEADER_TYPE_NORMAL)
                .map(Shipped.Device::name).toList();
    }

    static List<Shipped.Device> bridges() {
        return Shipped.devices().stream().filter(d -> d.headerType() != PciRegs.HEADER_TYPE_NORMAL).toList();
    }

    @Test
    void theShippedSetHasBothKinds() {
        assertFalse(typeZero().isEmpty());
        assertTrue(bridges().stream().anyMatch(d -> d.headerType() == PciRegs.HEADER_TYPE_BRIDGE));
        assertTrue(bridges().stream().anyMatch(d -> d.headerType() == PciRegs.HEADER_TYPE_CARDBUS));
    }

    @ParameterizedTest
    @MethodSource("typeZero")
    void noBarOrRomDwordShowsHostAddressBits(String name) throws DeviceFileException {
        DeviceImage image = Shipped.image(name);
        byte[] guest = guestBytes(name);
        assertEquals(image.configSize(), guest.length, name + ": the guest sees the whole config space");
        List<String> leaks = new ArrayList<>();
        for (BarInfo bar : image.bars()) {
            int reg = bar.registerOffset();
            int low = dword(guest, reg);
            int deviceLow = dword(image.config(), reg);
            int addressBits = bar.kind() == BarKind.ROM ? PciRegs.ROM_ADDRESS_MASK
                    : bar.kind() == BarKind.IO ? BaseAddress.IO_MASK : BaseAddress.MEM_MASK;
            if ((low & (int) bar.hostAddress() & addressBits) != 0 || (low & addressBits) != 0) {
                leaks.add(String.format("BAR %d: guest 0x%08x, host address 0x%x", bar.index(), low, bar.hostAddress()));
            }
            if (bar.kind() != BarKind.ROM && (low & ~addressBits) != (deviceLow & ~addressBits)) {
                leaks.add(String.format("BAR %d: flags 0x%x where the device has 0x%x", bar.index(), low & ~addressBits,
                        deviceLow & ~addressBits));
            }
            if (bar.kind() == BarKind.MEMORY64 && dword(guest, reg + 4) != 0) {
                leaks.add(String.format("BAR %d: upper dword 0x%08x, host address 0x%x", bar.index(),
                        dword(guest, reg + 4), bar.hostAddress()));
            }
        }
        assertEquals(List.of(), leaks, name + ": guest BARs start at 0 with their flags (policy 4)");
    }

    @ParameterizedTest
    @MethodSource("typeZero")
    void lspciDecodesTheGuestDump(String name, @TempDir Path dir) throws IOException {
        Lspci.assumeInstalled();
        Path file = dir.resolve("guest.lspci");
        Files.writeString(file, Cli.run("dump", name, "--guest").out());
        Shipped.Device d = Shipped.devices().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        Lspci numeric = Lspci.decode(file, "-n");
        assertEquals(0, numeric.status(), name);
        assertTrue(numeric.out().contains(String.format(" %04x:%04x", d.vendor(), d.device())), numeric.out());
        assertEquals(0, Lspci.decode(file, "-vvv").status(), name);
    }

    @ParameterizedTest
    @MethodSource("bridges")
    void bridgesAreRefused(Shipped.Device bridge) {
        Cli dump = Cli.run("dump", bridge.name(), "--guest");
        assertEquals(1, dump.status(), dump::transcript);
        assertEquals("", dump.out());
        String kind = bridge.headerType() == PciRegs.HEADER_TYPE_BRIDGE ? "header type 1 (PCI-to-PCI bridge)"
                : "header type 2 (CardBus bridge)";
        // The message names the address of the file's header line (list may move a colliding one to a free bus).
        String address = Shipped.image(bridge.name()).address().orElseThrow().toString();
        assertTrue(dump.err().contains(address + ": cannot be passed through: " + kind), dump.err());
        assertEquals(0, Cli.run("dump", bridge.name()).status(), "the plain dump still handles it");
    }

    @Test
    void headerOnlyDumpIsRefusedForAGuest(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("x.lspci");
        Files.writeString(file, Shipped.resource(DumpCommandTest.HEADER_ONLY));
        Cli dump = Cli.run("dump", file.toString(), "--guest");
        assertEquals(1, dump.status(), dump::transcript);
        assertTrue(dump.err().contains("64 bytes of config space"), dump.err());
    }

    @Test
    void guestViewDiffersFromTheDeviceWhereThePolicySaysSo() throws DeviceFileException {
        byte[] device = Shipped.hexBytes(Shipped.text("8086-1503-82579v-gbe.lspci"));
        byte[] guest = guestBytes("8086-1503-82579v-gbe");
        // Memory and I/O decode are virtual and start off (policy 7); INTx Disable is virtual (router-owned).
        assertEquals(0x0407, word(device, PciRegs.COMMAND));
        assertEquals(0x0004, word(guest, PciRegs.COMMAND));
        assertEquals(word(device, PciRegs.VENDOR_ID), word(guest, PciRegs.VENDOR_ID));
        assertEquals(word(device, PciRegs.DEVICE_ID), word(guest, PciRegs.DEVICE_ID));
    }

    private static byte[] guestBytes(String name) throws DeviceFileException {
        Cli dump = Cli.run("dump", name, "--guest");
        assertEquals(0, dump.status(), dump::transcript);
        return DeviceFiles.parse("guest-" + name, dump.out(), null).config();
    }

    private static int dword(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    private static int word(byte[] b, int off) {
        return dword(b, off) & 0xffff;
    }
}
