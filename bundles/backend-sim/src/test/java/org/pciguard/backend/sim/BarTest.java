package org.pciguard.backend.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.BarKind;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.BaseAddress;
import org.pciguard.api.regs.PciRegs.Msix;

/** BAR sizing by all-ones, 64-bit pairs, I/O, ROM, unimplemented BARs, and the memory behind BARs. */
class BarTest {

    private static final int ONES = 0xffffffff;

    private static int size(SimulatedDevice d, int reg) {
        int saved = d.readConfig(reg, 4);
        d.writeConfig(reg, 4, ONES);
        int mask = d.readConfig(reg, 4);
        d.writeConfig(reg, 4, saved);
        assertEquals(saved, d.readConfig(reg, 4), "address restored");
        return mask;
    }

    @Test
    void memory32BarAnswersSizingWithItsSizeMask() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        assertEquals((int) ~(TestDevices.BAR0_SIZE - 1), size(d, PciRegs.BASE_ADDRESS_0));
        d.writeConfig(PciRegs.BASE_ADDRESS_0, 4, 0x12345678);
        assertEquals(0x12340000, d.readConfig(PciRegs.BASE_ADDRESS_0, 4), "address bits below the size read 0");
    }

    @Test
    void memory64PairAnswersSizingInBothHalves() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        long mask = ~(TestDevices.BAR1_SIZE - 1);
        int flags = BaseAddress.MEM_TYPE_64 | BaseAddress.MEM_PREFETCH;
        assertEquals((int) mask & BaseAddress.MEM_MASK | flags, size(d, PciRegs.BASE_ADDRESS_1));
        assertEquals((int) (mask >>> 32), size(d, PciRegs.BASE_ADDRESS_2));
        d.writeConfig(PciRegs.BASE_ADDRESS_2, 4, 0x12);
        BarInfo bar = d.bars().get(1);
        assertEquals(BarKind.MEMORY64, bar.kind());
        assertEquals(0x10_0000_0000L, bar.hostAddress(), "bit 33 and below of the upper half are size bits");
    }

    @Test
    void ioBarKeepsItsSpaceBit() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        assertEquals((int) ~(TestDevices.BAR3_SIZE - 1) & BaseAddress.IO_MASK | BaseAddress.SPACE_IO,
                size(d, PciRegs.BASE_ADDRESS_3));
    }

    @Test
    void romBarSizesAndKeepsItsEnableBit() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        assertEquals((int) ~(TestDevices.ROM_SIZE - 1) & PciRegs.ROM_ADDRESS_MASK | PciRegs.ROM_ADDRESS_ENABLE,
                size(d, PciRegs.ROM_ADDRESS));
    }

    @Test
    void unimplementedBarsReadZeroAndIgnoreWrites() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        assertEquals(0, size(d, PciRegs.BASE_ADDRESS_4));
        assertEquals(0, size(d, PciRegs.BASE_ADDRESS_5));
        assertThrows(PciAccessException.class, () -> d.readBar(4, 0, 4));
    }

    @Test
    void barsDescribeKindsSizesAndCurrentAddresses() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        List<BarInfo> bars = d.bars();
        assertEquals(List.of(0, 1, 3, BarInfo.ROM_INDEX), bars.stream().map(BarInfo::index).toList());
        assertEquals(new BarInfo(0, BarKind.MEMORY32, TestDevices.BAR0_SIZE, false, false, TestDevices.BAR0_ADDRESS), bars.get(0));
        assertEquals(new BarInfo(1, BarKind.MEMORY64, TestDevices.BAR1_SIZE, true, false, TestDevices.BAR1_ADDRESS), bars.get(1));
        assertEquals(new BarInfo(3, BarKind.IO, TestDevices.BAR3_SIZE, false, false, TestDevices.BAR3_ADDRESS), bars.get(2));
        assertEquals(new BarInfo(BarInfo.ROM_INDEX, BarKind.ROM, TestDevices.ROM_SIZE, false, false, TestDevices.ROM_ADDRESS),
                bars.get(3));
        d.writeConfig(PciRegs.BASE_ADDRESS_0, 4, 0xd0000000);
        assertEquals(0xd0000000L, d.bars().get(0).hostAddress());
    }

    @Test
    void barMemoryIsLittleEndianAtEveryWidth() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        d.writeBar(0, 0x100, 8, 0x8877665544332211L);
        assertEquals(0x8877665544332211L, d.readBar(0, 0x100, 8));
        assertEquals(0x44332211L, d.readBar(0, 0x100, 4));
        assertEquals(0x8877L, d.readBar(0, 0x106, 2));
        assertEquals(0x55L, d.readBar(0, 0x104, 1));
        d.writeBar(0, 0x102, 2, 0xffffaaaaL);
        assertEquals(0x88776655aaaa2211L, d.readBar(0, 0x100, 8), "a 2-byte write changes 2 bytes");
        assertEquals(0, d.readBar(0, 0x108, 8), "never-written memory reads 0");
    }

    @Test
    void sixteenGibBarIsSparse() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        long last = TestDevices.BAR1_SIZE - 8;
        d.writeBar(1, last, 8, -2L);
        d.writeBar(1, 0, 4, 7);
        assertEquals(-2L, d.readBar(1, last, 8));
        assertEquals(7, d.readBar(1, 0, 4));
        assertEquals(0, d.readBar(1, TestDevices.BAR1_SIZE / 2, 8));
    }

    @Test
    void msixTableEntriesStartMaskedAndOnlyTheMaskBitOfVectorControlIsWritable() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        for (int i = 0; i < TestDevices.MSIX_ENTRIES; i++) {
            long entry = TestDevices.MSIX_TABLE + (long) i * Msix.ENTRY_SIZE;
            assertEquals(Msix.ENTRY_CTRL_MASKBIT, d.readBar(0, entry + Msix.ENTRY_VECTOR_CTRL, 4), "entry " + i);
        }
        long e1 = TestDevices.MSIX_TABLE + Msix.ENTRY_SIZE;
        d.writeBar(0, e1 + Msix.ENTRY_VECTOR_CTRL, 4, 0xfffffffeL);
        assertEquals(0, d.readBar(0, e1 + Msix.ENTRY_VECTOR_CTRL, 4), "unmasked; reserved bits stay 0");
        d.writeBar(0, e1, 8, -1L);
        assertEquals(0xfffffffffffffffcL, d.readBar(0, e1, 8), "address bits 1:0 read 0");
        d.writeBar(0, e1 + Msix.ENTRY_DATA, 4, 0x4321);
        assertEquals(0x4321, d.readBar(0, e1 + Msix.ENTRY_DATA, 4));
    }

    @Test
    void msixPbaAndRomIgnoreWrites() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        d.writeBar(0, TestDevices.MSIX_PBA, 8, -1L);
        assertEquals(0, d.readBar(0, TestDevices.MSIX_PBA, 8));
        d.writeBar(0, TestDevices.MSIX_PBA + 8, 8, -1L);
        assertEquals(-1L, d.readBar(0, TestDevices.MSIX_PBA + 8, 8), "16 entries need 8 bytes of PBA; the rest is memory");
        d.writeBar(BarInfo.ROM_INDEX, 0, 4, 0xaa55);
        assertEquals(0, d.readBar(BarInfo.ROM_INDEX, 0, 4));
    }

    @Test
    void barAccessesAreChecked() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        PciAccessException e = assertThrows(PciAccessException.class, () -> d.readBar(0, TestDevices.BAR0_SIZE, 1));
        assertTrue(e.getMessage().contains("0000:01:00.0") && e.getMessage().contains("0x10000"), e.getMessage());
        assertThrows(PciAccessException.class, () -> d.readBar(0, 2, 4), "unaligned");
        assertThrows(PciAccessException.class, () -> d.readBar(0, 0, 3), "width");
        assertThrows(PciAccessException.class, () -> d.readBar(0, -8, 8), "negative");
        assertThrows(PciAccessException.class, () -> d.readBar(3, 0, 8), "I/O is at most 4 bytes");
        assertThrows(PciAccessException.class, () -> d.writeBar(2, 0, 4, 0), "upper half of BAR 1 is no BAR");
        assertEquals(0, d.readBar(3, TestDevices.BAR3_SIZE - 4, 4));
    }

    @Test
    void sizeInferredBarsSayTheyWereInferred() throws Exception {
        byte[] c = TestDevices.endpointImage(PciRegs.CFG_SPACE_SIZE, false, false);
        SimulatedDevice d = TestDevices.open(TestDevices.dump(null, c, null));
        BarInfo bar0 = d.bars().get(0);
        assertTrue(bar0.sizeInferred());
        assertEquals(32L << 20, bar0.size(), "0xfe000000 is aligned to 32 MiB");
        assertEquals(~((32 << 20) - 1), size(d, PciRegs.BASE_ADDRESS_0));
        assertFalse(TestDevices.endpoint().bars().get(0).sizeInferred());
    }
}
