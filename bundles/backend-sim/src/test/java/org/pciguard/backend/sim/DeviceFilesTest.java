package org.pciguard.backend.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.BarKind;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.BaseAddress;
import org.pciguard.backend.sim.internal.Le;

/** Loading lspci dumps: formats, header lines, BAR sizes, inference, and errors naming file and line. */
class DeviceFilesTest {

    private static final String HEADER = "0000:03:00.0 Non-Volatile memory controller: Example NVMe (rev 01)";

    @TempDir
    Path dir;

    private static byte[] image(int size) {
        byte[] c = new byte[size];
        for (int i = 0; i < size; i++) {
            c[i] = (byte) (i * 13 + 1);
        }
        TestDevices.put(c, PciRegs.STATUS, 2, 0); // no capability list
        TestDevices.put(c, PciRegs.HEADER_TYPE, 1, PciRegs.HEADER_TYPE_NORMAL);
        for (int reg = PciRegs.BASE_ADDRESS_0; reg <= PciRegs.BASE_ADDRESS_5; reg += 4) {
            TestDevices.put(c, reg, 4, 0);
        }
        TestDevices.put(c, PciRegs.ROM_ADDRESS, 4, 0);
        return c;
    }

    @Test
    void loadsEachSizeWithAndWithoutHeaderLine() throws Exception {
        for (int size : new int[] {PciRegs.STD_HEADER_SIZEOF, PciRegs.CFG_SPACE_SIZE, PciRegs.CFG_SPACE_EXP_SIZE}) {
            byte[] c = image(size);
            DeviceImage with = DeviceFiles.parse("a.lspci", TestDevices.dump(HEADER, c, null), null);
            assertArrayEquals(c, with.config());
            assertEquals(size, with.configSize());
            assertEquals(PciAddress.parse("0000:03:00.0"), with.address().orElseThrow());
            assertEquals("Non-Volatile memory controller: Example NVMe (rev 01)", with.description());
            DeviceImage without = DeviceFiles.parse("b.lspci", TestDevices.dump(null, c, null), null);
            assertArrayEquals(c, without.config());
            assertTrue(without.address().isEmpty());
            assertEquals("b.lspci", without.description());
        }
    }

    @Test
    void headerWithoutDomainOrTextAndCrLfLineEnds() throws Exception {
        String text = TestDevices.dump("2e:1f.7", image(64), null).replace("\n", "\r\n");
        DeviceImage img = DeviceFiles.parse("c.lspci", text, null);
        assertEquals(new PciAddress(0, 0x2e, 0x1f, 7), img.address().orElseThrow());
        assertEquals("c.lspci", img.description());
    }

    private static byte[] withBars() {
        byte[] c = image(PciRegs.CFG_SPACE_SIZE);
        TestDevices.put(c, PciRegs.BASE_ADDRESS_0, 4, 0xe0800000);
        TestDevices.put(c, PciRegs.BASE_ADDRESS_2, 4, BaseAddress.MEM_TYPE_64 | BaseAddress.MEM_PREFETCH);
        TestDevices.put(c, PciRegs.BASE_ADDRESS_3, 4, 0x60);
        TestDevices.put(c, PciRegs.BASE_ADDRESS_4, 4, 0x3060 | BaseAddress.SPACE_IO);
        TestDevices.put(c, PciRegs.ROM_ADDRESS, 4, 0xfb000000);
        return c;
    }

    private static final String VVV = "\tRegion 0: Memory at e0800000 (32-bit, non-prefetchable) [size=128K]\n"
            + "\tRegion 2: Memory at 6000000000 (64-bit, prefetchable) [size=8G]\n"
            + "\tRegion 4: I/O ports at 3060 [size=32]\n"
            + "\tExpansion ROM at fb000000 [disabled] [size=512K]\n"
            + "\tCapabilities: [40] Power Management version 3\n"
            + "\t\tRegion 0: Memory at 0000004010000000 (64-bit, non-prefetchable) [size=16M]\n";

    private static void assertSizes(DeviceImage img) {
        assertEquals(List.of(
                new BarInfo(0, BarKind.MEMORY32, 128 << 10, false, false, 0xe0800000L),
                new BarInfo(2, BarKind.MEMORY64, 8L << 30, true, false, 0x60_0000_0000L),
                new BarInfo(4, BarKind.IO, 32, false, false, 0x3060),
                new BarInfo(BarInfo.ROM_INDEX, BarKind.ROM, 512 << 10, false, false, 0xfb000000L)), img.bars());
    }

    @Test
    void sizesFromVvvLinesInTheSameFile() throws Exception {
        assertSizes(DeviceFiles.parse("d.lspci", TestDevices.dump(HEADER, withBars(), VVV), null));
    }

    @Test
    void sizesFromASiblingFile() throws Exception {
        Path file = dir.resolve("nvme.lspci");
        Files.writeString(file, TestDevices.dump(HEADER, withBars(), null));
        Files.writeString(dir.resolve("nvme.vvv.txt"), HEADER + "\n" + VVV);
        DeviceImage img = DeviceFiles.load(file);
        assertSizes(img);
        assertEquals("nvme.lspci", img.source());
        assertEquals(dir.resolve("nvme.vvv.txt"), DeviceFiles.siblingOf(file));
    }

    @Test
    void sizesInTheFileWinOverTheSibling() throws Exception {
        String own = "\tRegion 0: Memory at e0800000 (32-bit, non-prefetchable) [size=8M]\n";
        DeviceImage img = DeviceFiles.parse("e.lspci", TestDevices.dump(HEADER, withBars(), own), VVV);
        assertEquals(8 << 20, img.bars().get(0).size());
        assertEquals(8L << 30, img.bars().get(1).size(), "the rest from the sibling");
    }

    @Test
    void unknownSizesAreInferredFromAlignmentAndCapped() throws Exception {
        byte[] c = withBars();
        TestDevices.put(c, PciRegs.BASE_ADDRESS_1, 4, BaseAddress.MEM_PREFETCH); // 32-bit at address 0
        DeviceImage img = DeviceFiles.parse("f.lspci", TestDevices.dump(null, c, null), null);
        assertEquals(List.of(
                new BarInfo(0, BarKind.MEMORY32, 8 << 20, false, true, 0xe0800000L),
                new BarInfo(1, BarKind.MEMORY32, 1L << 31, true, true, 0),
                new BarInfo(2, BarKind.MEMORY64, 128L << 30, true, true, 0x60_0000_0000L),
                new BarInfo(4, BarKind.IO, 32, false, true, 0x3060),
                new BarInfo(BarInfo.ROM_INDEX, BarKind.ROM, 16 << 20, false, true, 0xfb000000L)), img.bars());
        assertTrue(img.warnings().contains("BAR 0: size unknown, inferred 8M from the address alignment"), img.warnings().toString());
        TestDevices.put(c, PciRegs.BASE_ADDRESS_4, 4, 0x3000 | BaseAddress.SPACE_IO);
        assertEquals(256, DeviceFiles.parse("g.lspci", TestDevices.dump(null, c, null), null).bars().get(3).size(),
                "I/O BARs hold at most 256 bytes");
    }

    @Test
    void zeroRegisterWithoutSizeIsUnimplementedButWithSizeIsABarAtZero() throws Exception {
        byte[] c = image(PciRegs.CFG_SPACE_SIZE);
        assertTrue(DeviceFiles.parse("h.lspci", TestDevices.dump(null, c, null), null).bars().isEmpty());
        DeviceImage img = DeviceFiles.parse("h.lspci", TestDevices.dump(null, c, "\tRegion 5: Memory at <unassigned> [size=4K]\n"), null);
        assertEquals(List.of(new BarInfo(5, BarKind.MEMORY32, 4096, false, false, 0)), img.bars());
    }

    @Test
    void virtualRegionsAndSizesOfUpperHalvesAreIgnoredWithAWarning() throws Exception {
        String vvv = "\tRegion 0: [virtual] Memory at 843000000000 (32-bit, non-prefetchable) [size=1G]\n"
                + "\tRegion 3: Memory at 6000000000 (64-bit) [size=4K]\n";
        DeviceImage img = DeviceFiles.parse("i.lspci", TestDevices.dump(null, withBars(), vvv), null);
        assertTrue(img.bars().get(0).sizeInferred());
        assertTrue(img.warnings().stream().anyMatch(w -> w.contains("[virtual]")), img.warnings().toString());
        assertTrue(img.warnings().stream().anyMatch(w -> w.contains("upper half")), img.warnings().toString());
    }

    @Test
    void addressBitsBelowAKnownSizeAreCleared() throws Exception {
        String vvv = "\tRegion 0: Memory at e0800000 (32-bit, non-prefetchable) [size=16M]\n";
        DeviceImage img = DeviceFiles.parse("j.lspci", TestDevices.dump(null, withBars(), vvv), null);
        assertEquals(0xe0000000L, img.bars().get(0).hostAddress());
        byte[] c = img.config();
        assertEquals(0xe0000000, Le.get(c, PciRegs.BASE_ADDRESS_0, 4));
        assertTrue(img.warnings().stream().anyMatch(w -> w.contains("not aligned")), img.warnings().toString());
    }

    @Test
    void bridgeHasTwoBarsAndItsRomAt0x38() throws Exception {
        byte[] c = TestDevices.rootPortImage();
        TestDevices.put(c, PciRegs.BASE_ADDRESS_0, 4, 0xf7000000);
        TestDevices.put(c, PciRegs.BASE_ADDRESS_2, 4, 0xf8000000); // the bus numbers: no BAR
        TestDevices.put(c, PciRegs.ROM_ADDRESS1, 4, 0xf6000000);
        DeviceImage img = DeviceFiles.parse("k.lspci", TestDevices.dump(null, c, "\tRegion 0: Memory at f7000000 [size=16K]\n"), null);
        assertEquals(List.of(0, BarInfo.ROM_INDEX), img.bars().stream().map(BarInfo::index).toList());
        assertEquals(16 << 10, img.bars().get(0).size());
    }

    private static void malformed(String text, int line, String what) {
        DeviceFileException e = assertThrows(DeviceFileException.class, () -> DeviceFiles.parse("bad.lspci", text, null));
        assertEquals("bad.lspci", e.file());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith("bad.lspci" + (line > 0 ? ":" + line : "") + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(what), e.getMessage());
    }

    private static String[] lines(int size) {
        return TestDevices.dump(HEADER, image(size), null).split("\n");
    }

    private static String join(String[] lines) {
        return String.join("\n", lines) + "\n";
    }

    @Test
    void badHexNamesFileAndLine() {
        String[] l = lines(256);
        l[3] = l[3].substring(0, l[3].length() - 2) + "g0";
        malformed(join(l), 4, "bad hex byte 'g0'");
    }

    @Test
    void wrongOffsetNamesFileAndLine() {
        String[] l = lines(256);
        l[5] = "50" + l[5].substring(2);
        malformed(join(l), 6, "offset 0x50 where 0x40 was expected");
        String[] missing = lines(256);
        missing[2] = "";
        malformed(join(missing), 4, "offset 0x20 where 0x10 was expected");
    }

    @Test
    void shortLineNamesFileAndLine() {
        String[] l = lines(256);
        l[2] = l[2].substring(0, l[2].length() - 3);
        malformed(join(l), 3, "short line: 15 bytes");
    }

    @Test
    void tooManyBytesOnALineOrInTheFile() {
        String[] l = lines(64);
        l[1] = l[1] + " 00";
        malformed(join(l), 2, "too many bytes on the line: 17");
        String extra = String.format("%03x:", 0x1000) + " 00".repeat(16) + "\n";
        malformed(join(lines(4096)) + extra, 258, "too many bytes");
    }

    @Test
    void sizeThatIsNoConfigSpace() {
        String[] l = Arrays.copyOf(lines(256), 9);
        malformed(join(l), 9, "after 128 bytes");
        malformed("", 0, "no configuration bytes");
        malformed(HEADER + "\n", 0, "no configuration bytes");
    }

    @Test
    void strayLinesAndSecondDevices() {
        String[] l = lines(64);
        l[2] = "Capabilities: [40] Power Management";
        malformed(join(l), 3, "neither a header");
        malformed(join(lines(64)) + HEADER + "\n", 6, "a second device header");
        malformed("\tRegion 0: Memory at 0 [size=4K]\n" + join(lines(64)), 2, "the header line must come first");
    }

    @Test
    void loadNamesThePathInErrors() throws Exception {
        Path file = dir.resolve("broken.lspci");
        Files.writeString(file, "00: zz\n");
        DeviceFileException e = assertThrows(DeviceFileException.class, () -> DeviceFiles.load(file));
        assertEquals(file.toString(), e.file());
        assertEquals(1, e.line());
        assertFalse(Files.exists(DeviceFiles.siblingOf(file)));
    }

    @Test
    void sizesPrintAsLspciPrintsThem() {
        assertEquals("512", DeviceFiles.human(512));
        assertEquals("4K", DeviceFiles.human(4096));
        assertEquals("16M", DeviceFiles.human(16 << 20));
        assertEquals("8G", DeviceFiles.human(8L << 30));
        assertEquals("4T", DeviceFiles.human(4L << 40));
        assertEquals("1536", DeviceFiles.human(1536));
    }
}
