package org.pciguard.backend.sysfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pciguard.api.access.AccessListener;
import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.BarKind;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.api.regs.PciRegs;

/** A function of a fake sysfs tree: config reads, reach, the read-only guard, writes, BARs, resets. */
class SysfsDeviceTest {

    private static final String ADDR = "0000:00:03.0";
    private static final PciAddress ADDRESS = PciAddress.parse(ADDR);

    @TempDir
    Path tmp;
    private FakeSysfs sysfs;

    @BeforeEach
    void setUp() {
        sysfs = new FakeSysfs(tmp);
    }

    private PhysicalDevice open(boolean writable) {
        return new SysfsBackend(tmp, writable).open(ADDRESS);
    }

    /** Bytes 0x00, 0x01, ... 0xff: every aligned access has a distinct, checkable value. */
    private static byte[] counting(int size) {
        byte[] c = new byte[size];
        for (int i = 0; i < size; i++) {
            c[i] = (byte) i;
        }
        return c;
    }

    @Test
    void readsEveryAlignedAccessLittleEndian() throws IOException {
        byte[] image = counting(PciRegs.CFG_SPACE_SIZE);
        sysfs.add(ADDR, image);
        try (PhysicalDevice d = open(false)) {
            assertEquals(0x13121110, d.readConfig(PciRegs.BASE_ADDRESS_0, 4));
            assertEquals((int) 0xfffefdfcL, d.readConfig(0xfc, 4), "the top byte lands in bits 31:24");
            for (int size : new int[] {1, 2, 4}) {
                for (int off = 0; off < PciRegs.CFG_SPACE_SIZE; off += size) {
                    assertEquals((int) FakeSysfs.le(image, off, size), d.readConfig(off, size),
                            size + " bytes at 0x" + Integer.toHexString(off));
                }
            }
        }
    }

    @Test
    void refusesMalformedAccessesNamingDeviceOffsetAndWidth() throws IOException {
        sysfs.add(ADDR, FakeSysfs.config(PciRegs.CFG_SPACE_SIZE));
        try (PhysicalDevice d = open(false)) {
            int[][] bad = {{0x10, 3}, {0x10, 8}, {0x01, 2}, {0x02, 4}, {-4, 4}, {0x100, 1}, {0xfe, 4},
                {Integer.MAX_VALUE - 3, 4}};
            for (int[] a : bad) {
                PciAccessException e = assertThrows(PciAccessException.class, () -> d.readConfig(a[0], a[1]));
                assertEquals(ADDRESS, e.device());
                assertEquals(a[0], e.offset());
                assertEquals(a[1], e.width());
                String where = a[0] < 0 ? ": " : ": " + a[1] + "-byte access at 0x"; // no offset shown below 0
                assertTrue(e.getMessage().startsWith(ADDR + where), e.getMessage());
            }
            assertTrue(assertThrows(PciAccessException.class, () -> d.readConfig(0x100, 4)).getMessage()
                    .contains("past the end of config space (256 bytes)"));
        }
    }

    @Test
    void a64ByteConfigIsReportedTruncatedAndNeverPadded() throws IOException {
        sysfs.add(ADDR, FakeSysfs.config(PciRegs.STD_HEADER_SIZEOF));
        try (PhysicalDevice d = open(false)) {
            assertEquals(64, d.configSize());
            DeviceDTO dto = d.describe();
            assertEquals(64, dto.configSize);
            assertTrue(dto.truncated);
            assertEquals(0x1af4, d.readConfig(PciRegs.VENDOR_ID, 2));
            assertEquals(0, d.readConfig(PciRegs.MAX_LAT - 3, 4));
            PciAccessException e = assertThrows(PciAccessException.class, () -> d.readConfig(0x40, 1));
            assertTrue(e.getMessage().contains("reaches only 64 of the function's 256 bytes"), e.getMessage());
        }
    }

    @Test
    void theFunctionSizeComesFromTheFileAndAPciExpressCapability() throws IOException {
        assertReach(FakeSysfs.config(PciRegs.CFG_SPACE_SIZE), 256, false);
        assertReach(FakeSysfs.expressConfig(PciRegs.CFG_SPACE_SIZE), 256, true);
        assertReach(FakeSysfs.expressConfig(PciRegs.CFG_SPACE_EXP_SIZE), 4096, false);
        assertReach(FakeSysfs.config(PciRegs.CFG_SPACE_EXP_SIZE), 4096, false);
        byte[] loop = FakeSysfs.expressConfig(PciRegs.CFG_SPACE_SIZE);
        FakeSysfs.put(loop, 0x50, 1, PciRegs.CapId.MSI);
        FakeSysfs.put(loop, 0x51, 1, 0x40);
        assertReach(loop, 256, false);
    }

    private void assertReach(byte[] image, int configSize, boolean truncated) throws IOException {
        sysfs.add(ADDR, image);
        try (PhysicalDevice d = open(false)) {
            assertEquals(configSize, d.configSize());
            assertEquals(truncated, d.describe().truncated);
            assertEquals(0x1041, d.readConfig(PciRegs.DEVICE_ID, 2));
            assertEquals(0, d.readConfig(configSize - 4, 4));
        }
    }

    @Test
    void aReadOnlyDeviceRefusesEveryWriteBarAccessAndResetAndChangesNothing() throws IOException {
        byte[] image = counting(PciRegs.CFG_SPACE_SIZE);
        Path dir = sysfs.add(ADDR, image, "0x00000000c000 0x00000000c01f 0x40101");
        Files.write(dir.resolve("resource0"), new byte[32]);
        Files.writeString(dir.resolve("reset"), "");
        Files.writeString(dir.resolve("reset_method"), "flr bus\n");
        try (PhysicalDevice d = open(false)) {
            assertFalse(d.writable());
            assertEquals(Set.of(), d.resets());
            for (int size : new int[] {1, 2, 4}) {
                for (int off = 0; off < PciRegs.CFG_SPACE_SIZE; off += size) {
                    int o = off;
                    PciAccessException e = assertThrows(PciAccessException.class, () -> d.writeConfig(o, size, -1));
                    assertTrue(e.getMessage().contains("read-only backend"), e.getMessage());
                    assertEquals(off, e.offset());
                    assertEquals(size, e.width());
                }
            }
            assertThrows(PciAccessException.class, () -> d.writeConfig(0x101, 3, 0), "malformed and read-only");
            assertReadOnly(assertThrows(PciAccessException.class, () -> d.readBar(0, 0, 4)));
            assertReadOnly(assertThrows(PciAccessException.class, () -> d.writeBar(0, 0, 4, -1)));
            for (ResetKind kind : ResetKind.values()) {
                assertReadOnly(assertThrows(PciAccessException.class, () -> d.reset(kind)));
            }
        }
        assertArrayEquals(image, Files.readAllBytes(dir.resolve("config")));
        assertArrayEquals(new byte[32], Files.readAllBytes(dir.resolve("resource0")));
        assertEquals("", Files.readString(dir.resolve("reset")));
    }

    private static void assertReadOnly(PciAccessException e) {
        assertTrue(e.getMessage().startsWith(ADDR + ": ") && e.getMessage().contains("read-only backend"),
                e.getMessage());
    }

    @Test
    void interruptsCannotBeRaisedAndTheListenerIsAccepted() throws IOException {
        sysfs.add(ADDR, FakeSysfs.config(PciRegs.CFG_SPACE_SIZE));
        try (PhysicalDevice d = open(false)) {
            d.setInterruptListener((dev, kind, index) -> {
                throw new AssertionError("sysfs delivers no interrupts");
            });
            for (InterruptKind kind : InterruptKind.values()) {
                PciAccessException e = assertThrows(PciAccessException.class, () -> d.raiseInterrupt(kind, 0));
                assertTrue(e.getMessage().contains("cannot raise interrupts on request"), e.getMessage());
            }
            d.setInterruptListener(null);
        }
    }

    @Test
    void accessListenersSeeEveryAccessUntilRemoved() throws IOException {
        sysfs.add(ADDR, counting(PciRegs.CFG_SPACE_SIZE));
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        try (PhysicalDevice d = open(false)) {
            d.addAccessListener(first);
            d.addAccessListener(second);
            d.readConfig(0x20, 4);
            d.readConfig(0x06, 2);
            d.removeAccessListener(first);
            d.readConfig(0x09, 1);
            assertThrows(PciAccessException.class, () -> d.readConfig(0x09, 2));
        }
        assertEquals(List.of("r 4 0x20 0x23222120", "r 2 0x6 0x706"), first.seen);
        assertEquals(List.of("r 4 0x20 0x23222120", "r 2 0x6 0x706", "r 1 0x9 0x9"), second.seen);
    }

    @Test
    void aClosedDeviceRefusesAccesses() throws IOException {
        sysfs.add(ADDR, FakeSysfs.config(PciRegs.CFG_SPACE_SIZE));
        PhysicalDevice d = open(false);
        d.close();
        d.close();
        PciAccessException e = assertThrows(PciAccessException.class, () -> d.readConfig(0, 4));
        assertTrue(e.getMessage().contains("config read: device is closed"), e.getMessage());
    }

    @Test
    void aWritableDeviceWritesLittleEndianAtTheAccessWidth() throws IOException {
        byte[] image = FakeSysfs.config(PciRegs.CFG_SPACE_SIZE);
        Path dir = sysfs.add(ADDR, image);
        Recorder rec = new Recorder();
        try (PhysicalDevice d = open(true)) {
            assertTrue(d.writable());
            d.addAccessListener(rec);
            d.writeConfig(PciRegs.BASE_ADDRESS_1, 4, 0x11223344);
            d.writeConfig(PciRegs.COMMAND, 2, 0xfff0406);
            d.writeConfig(PciRegs.INTERRUPT_LINE, 1, 0x1ab);
            assertEquals(0x11223344, d.readConfig(PciRegs.BASE_ADDRESS_1, 4));
        }
        FakeSysfs.put(image, PciRegs.BASE_ADDRESS_1, 4, 0x11223344);
        FakeSysfs.put(image, PciRegs.COMMAND, 2, 0x0406);
        FakeSysfs.put(image, PciRegs.INTERRUPT_LINE, 1, 0xab);
        assertArrayEquals(image, Files.readAllBytes(dir.resolve("config")), "only the addressed bytes changed");
        assertEquals(List.of("w 4 0x14 0x11223344", "w 2 0x4 0x406", "w 1 0x3c 0xab", "r 4 0x14 0x11223344"), rec.seen);
    }

    @Test
    void barsComeFromTheResourceFile() throws IOException {
        sysfs.add(ADDR, FakeSysfs.config(PciRegs.CFG_SPACE_SIZE),
                "0x0000004000000000 0x000000400007ffff 0x0000000000140204", // BAR0: 64-bit memory, 512 KiB
                FakeSysfs.NO_RESOURCE, // BAR1: the upper half of BAR0
                "0x000000000000c000 0x000000000000c01f 0x0000000000040101", // BAR2: 32 ports of I/O
                "0x00000000fc000000 0x00000000fdffffff 0x0000000000042208", // BAR3: 32-bit prefetchable, 32 MiB
                FakeSysfs.NO_RESOURCE, FakeSysfs.NO_RESOURCE,
                "0x00000000feb80000 0x00000000febbffff 0x0000000000046200", // ROM: 256 KiB
                "0x0000000000001000 0x0000000000001fff 0x0000000000000100"); // a bridge window: not a BAR
        try (PhysicalDevice d = open(false)) {
            assertEquals(List.of(
                    new BarInfo(0, BarKind.MEMORY64, 0x80000, false, false, 0x4000000000L),
                    new BarInfo(2, BarKind.IO, 0x20, false, false, 0xc000),
                    new BarInfo(3, BarKind.MEMORY32, 0x2000000, true, false, 0xfc000000L),
                    new BarInfo(BarInfo.ROM_INDEX, BarKind.ROM, 0x40000, false, false, 0xfeb80000L)), d.bars());
        }
    }

    @Test
    void aMalformedResourceFileIsRefusedNamingTheLine() throws IOException {
        sysfs.add(ADDR, FakeSysfs.config(PciRegs.CFG_SPACE_SIZE), FakeSysfs.NO_RESOURCE,
                "0x0000000000001000 0x0000000000001017 0x0000000000040200");
        PciAccessException e = assertThrows(PciAccessException.class, () -> open(false));
        assertTrue(e.getMessage().startsWith(ADDR + ": ") && e.getMessage().contains("line 2")
                && e.getMessage().contains("not a power of two"), e.getMessage());
        sysfs.add(ADDR, FakeSysfs.config(PciRegs.CFG_SPACE_SIZE), "0x1000 0x1fff");
        e = assertThrows(PciAccessException.class, () -> open(false));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("expected start, end and flags"),
                e.getMessage());
    }

    @Test
    void aWritableDeviceReachesIoBarsThroughResourceFiles() throws IOException {
        Path dir = sysfs.add(ADDR, FakeSysfs.config(PciRegs.CFG_SPACE_SIZE), FakeSysfs.NO_RESOURCE,
                "0x000000000000c000 0x000000000000c01f 0x0000000000040101", FakeSysfs.NO_RESOURCE,
                FakeSysfs.NO_RESOURCE, FakeSysfs.NO_RESOURCE, FakeSysfs.NO_RESOURCE,
                "0x00000000feb80000 0x00000000febbffff 0x0000000000046200");
        Files.write(dir.resolve("resource1"), new byte[32]);
        Recorder rec = new Recorder();
        try (PhysicalDevice d = open(true)) {
            d.addAccessListener(rec);
            d.writeBar(1, 8, 4, 0xdeadbeefL);
            d.writeBar(1, 16, 8, 0x0102030405060708L);
            assertEquals(0xbeefL, d.readBar(1, 8, 2));
            assertThrows(PciAccessException.class, () -> d.readBar(1, 32, 1), "past the BAR");
            assertThrows(PciAccessException.class, () -> d.readBar(1, 2, 4), "misaligned");
            assertThrows(PciAccessException.class, () -> d.readBar(0, 0, 4), "unimplemented");
            PciAccessException e = assertThrows(PciAccessException.class, () -> d.readBar(BarInfo.ROM_INDEX, 0, 4));
            assertTrue(e.getMessage().contains("Expansion ROM"), e.getMessage());
        }
        byte[] expected = new byte[32];
        FakeSysfs.put(expected, 8, 4, 0xdeadbeefL);
        FakeSysfs.put(expected, 16, 8, 0x0102030405060708L);
        assertArrayEquals(expected, Files.readAllBytes(dir.resolve("resource1")));
        assertEquals(List.of("bw 1 4 0x8 0xdeadbeef", "bw 1 8 0x10 0x102030405060708", "br 1 2 0x8 0xbeef"), rec.seen);
    }

    @Test
    void aWritableDeviceOffersTheFirstResetMethodLinuxWouldUse() throws IOException {
        Path dir = sysfs.add(ADDR, FakeSysfs.config(PciRegs.CFG_SPACE_SIZE));
        try (PhysicalDevice d = open(true)) {
            assertEquals(Set.of(), d.resets(), "no reset file");
        }
        Files.writeString(dir.resolve("reset"), "");
        try (PhysicalDevice d = open(true)) {
            assertEquals(Set.of(), d.resets(), "no reset_method: the kind is unknown");
        }
        Files.writeString(dir.resolve("reset_method"), "device_specific flr\n");
        try (PhysicalDevice d = open(true)) {
            assertEquals(Set.of(), d.resets(), "a method no ResetKind describes");
        }
        Files.writeString(dir.resolve("reset_method"), "flr bus\n");
        try (PhysicalDevice d = open(true)) {
            assertEquals(Set.of(ResetKind.FLR), d.resets());
            PciAccessException e = assertThrows(PciAccessException.class, () -> d.reset(ResetKind.BUS));
            assertTrue(e.getMessage().contains("BUS is not offered"), e.getMessage());
            assertEquals("", Files.readString(dir.resolve("reset")));
            d.reset(ResetKind.FLR);
            assertEquals("1", Files.readString(dir.resolve("reset")));
        }
    }

    /** Records accesses as {@code r SIZE OFF VALUE} / {@code bw BAR SIZE OFF VALUE}. */
    private static final class Recorder implements AccessListener {
        final List<String> seen = new ArrayList<>();

        @Override
        public void configAccess(PciAddress device, boolean write, int offset, int size, int value) {
            assertEquals(ADDRESS, device);
            seen.add((write ? "w " : "r ") + size + " 0x" + Integer.toHexString(offset) + " 0x"
                    + Integer.toHexString(value));
        }

        @Override
        public void barAccess(PciAddress device, boolean write, int bar, long offset, int size, long value) {
            assertEquals(ADDRESS, device);
            seen.add((write ? "bw " : "br ") + bar + " " + size + " 0x" + Long.toHexString(offset) + " 0x"
                    + Long.toHexString(value));
        }
    }
}
