package org.pciguard.backend.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.ExtCapHeader;
import org.pciguard.api.regs.PciRegs.Status;
import org.pciguard.backend.sim.internal.CapabilityScan.Cap;

class CapabilityScanTest {

    private static byte[] withCapList(int size, int first) {
        byte[] c = new byte[size];
        Le.put(c, PciRegs.STATUS, 2, Status.CAP_LIST);
        c[PciRegs.CAPABILITY_LIST] = (byte) first;
        return c;
    }

    @Test
    void followsBothChainsMaskingPointerBits() {
        byte[] c = withCapList(4096, 0x43);
        c[0x40] = 1;
        c[0x41] = (byte) 0x53;
        c[0x50] = 5;
        Le.put(c, 0x100, 4, 1 | 1 << ExtCapHeader.VERSION_SHIFT | 0x180 << ExtCapHeader.NEXT_SHIFT);
        Le.put(c, 0x180, 4, 4 | 1 << ExtCapHeader.VERSION_SHIFT);
        assertEquals(List.of(new Cap(1, 0x40, false), new Cap(5, 0x50, false), new Cap(1, 0x100, true),
                new Cap(4, 0x180, true)), CapabilityScan.scan(c));
    }

    @Test
    void loopsEndAndPointersIntoTheHeaderAreIgnored() {
        byte[] c = withCapList(4096, 0x40);
        c[0x40] = 1;
        c[0x41] = 0x50;
        c[0x50] = 5;
        c[0x51] = 0x40;
        Le.put(c, 0x100, 4, 1 | 0x100 << ExtCapHeader.NEXT_SHIFT);
        assertEquals(List.of(new Cap(1, 0x40, false), new Cap(5, 0x50, false), new Cap(1, 0x100, true)),
                CapabilityScan.scan(c));
        byte[] h = withCapList(256, 0x3c);
        assertEquals(List.of(), CapabilityScan.scan(h));
    }

    @Test
    void noCapabilityListBitNoStandardCapabilities() {
        byte[] c = withCapList(256, 0x40);
        Le.put(c, PciRegs.STATUS, 2, 0);
        c[0x40] = 1;
        assertEquals(List.of(), CapabilityScan.scan(c));
    }

    @Test
    void aLongChainStopsAfterTheTtl() {
        byte[] c = withCapList(256, 0x40);
        for (int off = 0x40; off < 0x100; off += 4) {
            c[off] = 9;
            c[off + 1] = (byte) (off + 4 < 0x100 ? off + 4 : 0);
        }
        assertEquals(CapabilityScan.STD_TTL, CapabilityScan.scan(c).size());
    }
}
