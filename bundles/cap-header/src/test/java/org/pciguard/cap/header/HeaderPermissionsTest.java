package org.pciguard.cap.header;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_0;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_1;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_2;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_3;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_4;
import static org.pciguard.api.regs.PciRegs.BASE_ADDRESS_5;
import static org.pciguard.api.regs.PciRegs.BIST;
import static org.pciguard.api.regs.PciRegs.CACHE_LINE_SIZE;
import static org.pciguard.api.regs.PciRegs.CAPABILITY_LIST;
import static org.pciguard.api.regs.PciRegs.CARDBUS_CIS;
import static org.pciguard.api.regs.PciRegs.CLASS_DEVICE;
import static org.pciguard.api.regs.PciRegs.CLASS_PROG;
import static org.pciguard.api.regs.PciRegs.COMMAND;
import static org.pciguard.api.regs.PciRegs.DEVICE_ID;
import static org.pciguard.api.regs.PciRegs.HEADER_TYPE;
import static org.pciguard.api.regs.PciRegs.INTERRUPT_LINE;
import static org.pciguard.api.regs.PciRegs.INTERRUPT_PIN;
import static org.pciguard.api.regs.PciRegs.LATENCY_TIMER;
import static org.pciguard.api.regs.PciRegs.MAX_LAT;
import static org.pciguard.api.regs.PciRegs.MIN_GNT;
import static org.pciguard.api.regs.PciRegs.REVISION_ID;
import static org.pciguard.api.regs.PciRegs.ROM_ADDRESS;
import static org.pciguard.api.regs.PciRegs.ROM_ADDRESS_ENABLE;
import static org.pciguard.api.regs.PciRegs.STATUS;
import static org.pciguard.api.regs.PciRegs.STD_HEADER_SIZEOF;
import static org.pciguard.api.regs.PciRegs.SUBSYSTEM_ID;
import static org.pciguard.api.regs.PciRegs.SUBSYSTEM_VENDOR_ID;
import static org.pciguard.api.regs.PciRegs.VENDOR_ID;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.BarKind;
import org.pciguard.api.handler.PermissionTable;
import org.pciguard.api.regs.PciRegs.BaseAddress;
import org.pciguard.api.regs.PciRegs.Command;
import org.pciguard.api.regs.PciRegs.Status;
import org.pciguard.cap.header.HeaderPermissions.BarRegister;
import org.pciguard.testing.Masks;

/** The header table, register by register, against reference 2.1 and DESIGN.md's differences. */
class HeaderPermissionsTest {

    static final long KIB = 1024;
    static final long MIB = 1024 * KIB;
    static final long GIB = 1024 * MIB;

    /** BAR0 32-bit 16 KiB, BAR1 I/O 32 bytes, BAR2/3 64-bit prefetchable 16 MiB, BAR4/5 absent, ROM 128 KiB. */
    static final List<BarInfo> BARS = List.of(
            new BarInfo(0, BarKind.MEMORY32, 16 * KIB, false, false, 0xf7c00000L),
            new BarInfo(1, BarKind.IO, 32, false, false, 0xe000),
            new BarInfo(2, BarKind.MEMORY64, 16 * MIB, true, false, 0x3_8000_0000L),
            new BarInfo(BarInfo.ROM_INDEX, BarKind.ROM, 128 * KIB, false, false, 0xf7b00000L));

    private final PermissionTable table = HeaderPermissions.build(BARS);

    private Masks masks(int offset, int width) {
        return Masks.of(table, offset, width);
    }

    private void assertRegister(int offset, int width, int virtual, int writable, int constant) {
        assertEquals(new Masks(virtual, writable, 0, constant), masks(offset, width),
                "register 0x" + Integer.toHexString(offset));
    }

    @Test
    void coversTheWholeHeader() {
        assertEquals(STD_HEADER_SIZEOF, table.length());
    }

    @Test
    void vendorAndDeviceIdsAreVirtualReadOnly() {
        assertRegister(VENDOR_ID, 2, 0xffff, 0, 0);
        assertRegister(DEVICE_ID, 2, 0xffff, 0, 0);
    }

    @Test
    void commandDecodeAndIntxDisableAreVirtualTheRestReachesTheDevice() {
        int virtual = Command.IO | Command.MEMORY | Command.INTX_DISABLE;
        int device = Command.MASTER | Command.SPECIAL | Command.INVALIDATE | Command.VGA_PALETTE | Command.PARITY
                | Command.SERR | Command.FAST_BACK;
        assertRegister(COMMAND, 2, virtual, virtual | device, 0);
        Masks m = masks(COMMAND, 2);
        assertEquals(0, m.virtual() & Command.MASTER, "bus master reaches the device");
        assertEquals(0, m.writable() & (Command.WAIT | Command.RESERVED), "hardwired and reserved bits read-only");
    }

    @Test
    void statusOnlyCapabilitiesListIsVirtualAndWritesAreDropped() {
        assertEquals(new Masks(Status.CAP_LIST, 0, Status.RW1C, 0), masks(STATUS, 2), "Status");
        assertEquals(0, masks(STATUS, 2).writable() & Status.RW1C, "the guest cannot clear error bits (as vfio)");
    }

    @Test
    void identificationRegistersAreConstant() {
        assertRegister(REVISION_ID, 1, 0, 0, 0xff);
        assertRegister(CLASS_PROG, 1, 0, 0, 0xff);
        assertRegister(CLASS_DEVICE, 2, 0, 0, 0xffff);
        assertRegister(HEADER_TYPE, 1, 0, 0, 0xff);
        assertRegister(CARDBUS_CIS, 4, 0, 0, 0xffffffff);
        assertRegister(SUBSYSTEM_VENDOR_ID, 2, 0, 0, 0xffff);
        assertRegister(SUBSYSTEM_ID, 2, 0, 0, 0xffff);
        assertRegister(MIN_GNT, 1, 0, 0, 0xff);
        assertRegister(MAX_LAT, 1, 0, 0, 0xff);
    }

    @Test
    void cacheLineLatencyAndBistAreWrittenToTheDevice() {
        assertRegister(CACHE_LINE_SIZE, 1, 0, 0xff, 0);
        assertRegister(LATENCY_TIMER, 1, 0, 0xff, 0);
        assertRegister(BIST, 1, 0, 0xff, 0);
    }

    @Test
    void memory32BarIsVirtualWritableAboveItsSize() {
        assertRegister(BASE_ADDRESS_0, 4, 0xffffffff, 0xffffc000, 0);
    }

    @Test
    void ioBarIsVirtualWritableAboveItsSize() {
        assertRegister(BASE_ADDRESS_1, 4, 0xffffffff, 0xffffffe0, 0);
    }

    @Test
    void bar64PairIsVirtualLowerHalfAboveTheSizeUpperHalfWhole() {
        assertRegister(BASE_ADDRESS_2, 4, 0xffffffff, 0xff000000, 0);
        assertRegister(BASE_ADDRESS_3, 4, 0xffffffff, 0xffffffff, 0);
    }

    @Test
    void unimplementedBarsAreVirtualReadOnly() {
        assertRegister(BASE_ADDRESS_4, 4, 0xffffffff, 0, 0);
        assertRegister(BASE_ADDRESS_5, 4, 0xffffffff, 0, 0);
    }

    @Test
    void romBarIsVirtualWritableAboveItsSizeAndEnable() {
        assertRegister(ROM_ADDRESS, 4, 0xffffffff, 0xfffe0000 | ROM_ADDRESS_ENABLE, 0);
    }

    @Test
    void absentRomIsVirtualReadOnly() {
        PermissionTable noRom = HeaderPermissions.build(List.of());
        assertEquals(0xff, noRom.virtualByte(ROM_ADDRESS));
        for (int i = 0; i < 4; i++) {
            assertEquals(0, noRom.writableByte(ROM_ADDRESS + i));
        }
    }

    @Test
    void capabilityPointerIsVirtualReadOnly() {
        assertRegister(CAPABILITY_LIST, 1, 0xff, 0, 0);
    }

    @Test
    void interruptLineIsVirtualReadWriteAndPinVirtualReadOnly() {
        assertRegister(INTERRUPT_LINE, 1, 0xff, 0xff, 0);
        assertRegister(INTERRUPT_PIN, 1, 0xff, 0, 0);
    }

    @Test
    void reservedBytesReadThroughReadOnly() {
        for (int off = CAPABILITY_LIST + 1; off < INTERRUPT_LINE; off++) {
            assertRegister(off, 1, 0, 0, 0);
        }
    }

    @Test
    void onlyTheStatusErrorBitsAreWriteOneToClear() {
        for (int off = 0; off < STD_HEADER_SIZEOF; off++) {
            int expected = off == STATUS ? Status.RW1C & 0xff : off == STATUS + 1 ? Status.RW1C >>> 8 : 0;
            assertEquals(expected, table.writeOneToClearByte(off), "byte 0x" + Integer.toHexString(off));
        }
    }

    @Test
    void linesDoNotOverlapAndEachHasAReason() {
        boolean[] seen = new boolean[STD_HEADER_SIZEOF];
        for (PermissionTable.Line line : table.lines()) {
            assertFalse(line.reason().isBlank(), "line at 0x" + Integer.toHexString(line.offset()));
            for (int i = line.offset(); i < line.offset() + line.width(); i++) {
                assertFalse(seen[i], "byte 0x" + Integer.toHexString(i) + " in two lines");
                seen[i] = true;
            }
        }
        for (int off = 0; off < STD_HEADER_SIZEOF; off++) {
            boolean reserved = off > CAPABILITY_LIST && off < INTERRUPT_LINE;
            assertEquals(!reserved, seen[off], "byte 0x" + Integer.toHexString(off));
        }
    }

    /** The guest value of a fully virtual register after writing {@code value}, per DESIGN's merge. */
    private static int written(BarRegister bar, int value) {
        return bar.initial() & ~bar.writable() | value & bar.writable();
    }

    @Test
    void sizingByAllOnesReadsBackTheSizeMaskWithTheFlags() {
        List<BarRegister> bars = HeaderPermissions.bars(BARS);
        assertEquals(0xffffc000, written(bars.get(0), -1));
        assertEquals(0xffffffe0 | BaseAddress.SPACE_IO, written(bars.get(1), -1));
        long bar64 = Integer.toUnsignedLong(written(bars.get(2), -1)) | (long) written(bars.get(3), -1) << 32;
        assertEquals(-16 * MIB | BaseAddress.MEM_TYPE_64 | BaseAddress.MEM_PREFETCH, bar64);
        assertEquals(0, written(bars.get(4), -1), "unimplemented BAR reads 0");
        assertEquals(0xfffe0000 | ROM_ADDRESS_ENABLE, written(HeaderPermissions.rom(BARS), -1));
    }

    @Test
    void anAddressIsAlignedToTheSizeAndKeepsTheFlags() {
        BarRegister bar2 = HeaderPermissions.bars(BARS).get(2);
        assertEquals(0x12000000 | BaseAddress.MEM_TYPE_64 | BaseAddress.MEM_PREFETCH, written(bar2, 0x12345678));
    }

    @Test
    void barsStartAtZeroWithTheirFlags() {
        List<BarRegister> bars = HeaderPermissions.bars(BARS);
        assertEquals(List.of(0, BaseAddress.SPACE_IO, BaseAddress.MEM_TYPE_64 | BaseAddress.MEM_PREFETCH, 0, 0, 0),
                bars.stream().map(BarRegister::initial).toList());
        assertEquals(0, HeaderPermissions.rom(BARS).initial());
    }

    @Test
    void aBar64LargerThan4GiBHasNoWritableLowAddressBits() {
        List<BarRegister> bars = HeaderPermissions.bars(List.of(new BarInfo(0, BarKind.MEMORY64, 8 * GIB, true, false, 0)));
        assertEquals(0, bars.get(0).writable());
        assertEquals(0xfffffffe, bars.get(1).writable());
    }

    @Test
    void aBar64AtIndex5IsServedAsItsLowerHalf() {
        List<BarRegister> bars = HeaderPermissions.bars(List.of(new BarInfo(5, BarKind.MEMORY64, 4 * KIB, false, false, 0)));
        assertEquals(6, bars.size());
        assertEquals(BASE_ADDRESS_5, bars.get(5).offset());
        assertEquals(0xfffff000, bars.get(5).writable());
        assertTrue(bars.get(5).reason().contains("64-bit"));
    }

    @Test
    void prefetchable32BitBarKeepsItsPrefetchFlag() {
        BarRegister bar = HeaderPermissions.bars(List.of(new BarInfo(0, BarKind.MEMORY32, 4 * KIB, true, false, 0))).get(0);
        assertEquals(BaseAddress.MEM_PREFETCH, bar.initial());
        assertEquals(0xfffff000 | BaseAddress.MEM_PREFETCH, written(bar, -1));
    }
}
