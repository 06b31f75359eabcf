package org.pciguard.walker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pciguard.api.capability.Anomaly;
import org.pciguard.api.capability.AnomalyKind;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.ExtCapId;
import org.pciguard.api.regs.PciRegs.Msi;

/** Each anomaly kind on a space built for it, and input that makes no sense at all. */
class AnomalyTest {

    private final DefaultCapabilityWalker walker = new DefaultCapabilityWalker();

    @Test
    void standardLoopStopsAtTheFirstRevisitedCapability() {
        byte[] config = new ConfigBuilder(256).capList(0x40).cap(0x40, CapId.PM, 0x50).cap(0x50, CapId.MSI, 0x40)
                .bytes();

        CapabilityMap map = walker.walk(config);

        assertEquals(List.of(0x40, 0x50), offsets(map.standard()));
        Anomaly loop = only(map, AnomalyKind.LOOP);
        assertEquals(CapabilitySpace.STANDARD, loop.space());
        assertEquals(0x40, loop.offset());
        assertContains(loop, "MSI@0x50", "PM@0x40");
    }

    @Test
    void extendedLoopStopsAtTheFirstRevisitedCapability() {
        byte[] config = ConfigBuilder.pcieEndpoint().ecap(0x100, ExtCapId.ERR, 1, 0x140)
                .ecap(0x140, ExtCapId.DSN, 1, 0x100).bytes();

        CapabilityMap map = walker.walk(config);

        assertEquals(List.of(0x100, 0x140), offsets(map.extended()));
        Anomaly loop = only(map, AnomalyKind.LOOP);
        assertEquals(CapabilitySpace.EXTENDED, loop.space());
        assertEquals(0x100, loop.offset());
        assertContains(loop, "DSN@0x140", "AER@0x100");
    }

    @Test
    void extendedChainLongerThanTheStepBoundIsALoop() {
        ConfigBuilder b = ConfigBuilder.pcieEndpoint();
        for (int off = 0x100; off < 0x1000; off += 4) {
            b.ecap(off, 0, 0, off + 4 < 0x1000 ? off + 4 : 0); // Null capabilities, 4 bytes apart
        }

        CapabilityMap map = walker.walk(b.bytes());

        assertEquals(ConfigWalk.EXTENDED_TTL, map.extended().size());
        Anomaly loop = only(map, AnomalyKind.LOOP);
        assertEquals(0x100 + 4 * ConfigWalk.EXTENDED_TTL, loop.offset());
        assertContains(loop, "longer than 480");
    }

    @Test
    void capabilitiesPointerIntoTheHeaderStopsTheWalk() {
        CapabilityMap map = walker.walk(new ConfigBuilder(256).capList(0x20).bytes());

        assertTrue(map.standard().isEmpty());
        Anomaly a = only(map, AnomalyKind.POINTER_INTO_HEADER);
        assertEquals(0x20, a.offset());
        assertContains(a, "Capabilities Pointer at 0x34", "0x20");
    }

    @Test
    void nextPointerIntoTheHeaderStopsTheWalk() {
        CapabilityMap map = walker.walk(new ConfigBuilder(256).capList(0x40).cap(0x40, CapId.PM, 0x3c).bytes());

        assertEquals(List.of(0x40), offsets(map.standard()));
        Anomaly a = only(map, AnomalyKind.POINTER_INTO_HEADER);
        assertEquals(0x3c, a.offset());
        assertContains(a, "PM@0x40", "0x3c");
    }

    @Test
    void extendedNextPointerBelow0x100StopsTheWalk() {
        CapabilityMap map = walker.walk(ConfigBuilder.pcieEndpoint().ecap(0x100, ExtCapId.ERR, 1, 0x0fc).bytes());

        assertEquals(List.of(0x100), offsets(map.extended()));
        Anomaly a = only(map, AnomalyKind.POINTER_INTO_HEADER);
        assertEquals(CapabilitySpace.EXTENDED, a.space());
        assertEquals(0x0fc, a.offset());
        assertContains(a, "AER@0x100", "0x0fc");
    }

    @Test
    void standardPointerPastTheEndOfAShortSpaceIsOutOfRange() {
        byte[] config = new ConfigBuilder(128).capList(0x40).cap(0x40, CapId.PM, 0x80).bytes();

        CapabilityMap map = walker.walk(config);

        assertEquals(List.of(0x40), offsets(map.standard()));
        Anomaly a = only(map, AnomalyKind.OUT_OF_RANGE);
        assertEquals(0x80, a.offset());
        assertContains(a, "PM@0x40", "0x80", "128-byte");
        assertEquals(AnomalyKind.TRUNCATED, map.anomalies().get(0).kind(), "128 bytes is no config space size");
    }

    @Test
    void extendedPointerPastTheEndIsOutOfRange() {
        byte[] full = ConfigBuilder.pcieEndpoint().ecap(0x100, ExtCapId.ERR, 1, 0x400).bytes();
        byte[] config = java.util.Arrays.copyOf(full, 0x200);

        CapabilityMap map = walker.walk(config);

        assertEquals(List.of(0x100), offsets(map.extended()));
        Anomaly a = only(map, AnomalyKind.OUT_OF_RANGE);
        assertEquals(CapabilitySpace.EXTENDED, a.space());
        assertEquals(0x400, a.offset());
        assertContains(a, "AER@0x100", "0x400");
    }

    @Test
    void misalignedStandardPointerIsMaskedAndFollowed() {
        CapabilityMap map = walker.walk(new ConfigBuilder(256).capList(0x43).cap(0x40, CapId.PM, 0x52)
                .cap(0x50, CapId.MSI, 0).bytes());

        assertEquals(List.of(0x40, 0x50), offsets(map.standard()));
        assertEquals(0x52, map.standard().get(0).next(), "the raw next pointer is kept");
        List<Anomaly> misaligned = all(map, AnomalyKind.MISALIGNED);
        assertEquals(List.of(0x40, 0x50), misaligned.stream().map(Anomaly::offset).toList());
        assertContains(misaligned.get(1), "PM@0x40", "0x52", "0x50");
        assertEquals(2, map.anomalies().size());
    }

    @Test
    void misalignedExtendedPointerIsMaskedAndFollowed() {
        CapabilityMap map = walker.walk(ConfigBuilder.pcieEndpoint().ecap(0x100, ExtCapId.ERR, 1, 0x142)
                .ecap(0x140, ExtCapId.DSN, 1, 0).bytes());

        assertEquals(List.of(0x100, 0x140), offsets(map.extended()));
        assertEquals(0x142, map.extended().get(0).next());
        Anomaly a = only(map, AnomalyKind.MISALIGNED);
        assertEquals(0x140, a.offset());
        assertContains(a, "AER@0x100", "0x142");
    }

    @Test
    void standardCapabilityRunningPastStandardSpaceIsCut() {
        CapabilityMap map = walker.walk(new ConfigBuilder(4096).capList(0xf8).cap(0xf8, CapId.MSI, 0)
                .u16(0xf8 + Msi.FLAGS, Msi.FLAGS_64BIT | Msi.FLAGS_MASKBIT).bytes());

        Capability msi = map.standard().get(0);
        assertEquals(8, msi.length(), "24 bytes cut at 0x100");
        Anomaly a = only(map, AnomalyKind.PAST_END);
        assertEquals(0xf8, a.offset());
        assertContains(a, "MSI@0xf8", "24 bytes", "cut to 8");
        assertTrue(map.ownerOf(0x100).isEmpty());
    }

    @Test
    void extendedCapabilityRunningPastTheEndIsCut() {
        CapabilityMap map = walker.walk(ConfigBuilder.pcieEndpoint().ecap(0x100, ExtCapId.SRIOV, 1, 0xfe0)
                .ecap(0xfe0, ExtCapId.SRIOV, 1, 0).bytes());

        Capability last = map.extended().get(1);
        assertEquals(0x20, last.length());
        assertEquals(0x1000, last.end());
        assertEquals(1, all(map, AnomalyKind.PAST_END).size());
    }

    @Test
    void overlapKeepsTheBytesWithTheFirstCapabilityAndNamesBoth() {
        CapabilityMap map = walker.walk(new ConfigBuilder(256).capList(0x40).cap(0x40, CapId.PM, 0x44)
                .cap(0x44, CapId.VPD, 0).bytes());

        assertEquals(List.of(0x40, 0x44), offsets(map.standard()));
        Anomaly a = only(map, AnomalyKind.OVERLAP);
        assertEquals(0x44, a.offset());
        assertContains(a, "VPD@0x44 (id 0x03)", "PM@0x40 (id 0x01)", "0x44..0x47");
        assertEquals("PM", map.ownerOf(0x47).orElseThrow().name());
        assertEquals("VPD", map.ownerOf(0x48).orElseThrow().name());
    }

    @Test
    void extendedOverlapIsReported() {
        CapabilityMap map = walker.walk(ConfigBuilder.pcieEndpoint().ecap(0x100, ExtCapId.ERR, 1, 0x120)
                .ecap(0x120, ExtCapId.DSN, 1, 0).bytes());

        Anomaly a = only(map, AnomalyKind.OVERLAP);
        assertContains(a, "DSN@0x120 (id 0x0003)", "AER@0x100 (id 0x0001)", "0x120..0x12b");
    }

    @Test
    void unknownStandardCapabilityOwnsItsHeaderOnlyAndIsHidden() {
        CapabilityMap map = walker.walk(new ConfigBuilder(256).capList(0x40).cap(0x40, 0x42, 0x50)
                .cap(0x50, CapId.PM, 0).bytes());

        Capability unknown = map.standard().get(0);
        assertEquals(new Capability(CapabilitySpace.STANDARD, 0x42, 0x40, 2, 0, "cap-0x42", 0x50, true), unknown);
        Anomaly a = only(map, AnomalyKind.UNKNOWN_LENGTH);
        assertEquals(0x40, a.offset());
        assertContains(a, "cap-0x42@0x40", "2-byte");
        assertEquals(2, map.standard().size(), "the walk goes on");
    }

    @Test
    void unknownExtendedCapabilityOwnsItsHeaderDword() {
        CapabilityMap map = walker.walk(ConfigBuilder.pcieEndpoint().ecap(0x100, 0x1234, 1, 0).bytes());

        assertEquals(new Capability(CapabilitySpace.EXTENDED, 0x1234, 0x100, 4, 1, "ecap-0x1234", 0, true),
                map.extended().get(0));
        assertContains(only(map, AnomalyKind.UNKNOWN_LENGTH), "ecap-0x1234@0x100", "4-byte");
    }

    @Test
    void vendorCapabilityWithAnImpossibleLengthOwnsItsThreeHeaderBytes() {
        CapabilityMap map = walker.walk(new ConfigBuilder(256).capList(0xb0).cap(0xb0, CapId.VNDR, 0).bytes());

        assertEquals(3, map.standard().get(0).length());
        assertContains(only(map, AnomalyKind.UNKNOWN_LENGTH), "VNDR@0xb0");
    }

    @Test
    void allOnesExtendedHeaderStopsTheWalk() {
        CapabilityMap map = walker.walk(ConfigBuilder.pcieEndpoint().u32(0x100, -1).bytes());

        assertTrue(map.extended().isEmpty());
        Anomaly a = only(map, AnomalyKind.ALL_ONES_HEADER);
        assertEquals(0x100, a.offset());
        assertContains(a, "0x100", "0xffffffff");
    }

    @Test
    void allOnesHeaderLaterInTheChainNamesWhereItCameFrom() {
        CapabilityMap map = walker.walk(ConfigBuilder.pcieEndpoint().ecap(0x100, ExtCapId.ERR, 1, 0x200)
                .u32(0x200, -1).bytes());

        assertEquals(List.of(0x100), offsets(map.extended()));
        assertContains(only(map, AnomalyKind.ALL_ONES_HEADER), "0x200", "AER@0x100");
    }

    @Test
    void emptyExtendedSpaceIsNoAnomaly() {
        CapabilityMap map = walker.walk(ConfigBuilder.pcieEndpoint().bytes());

        assertTrue(map.extended().isEmpty());
        assertEquals(List.of(), map.anomalies());
    }

    @Test
    void secondMsiIsADuplicate() {
        CapabilityMap map = walker.walk(new ConfigBuilder(256).capList(0x40).cap(0x40, CapId.MSI, 0x60)
                .cap(0x60, CapId.MSI, 0).bytes());

        assertEquals(2, map.standard().size());
        Anomaly a = only(map, AnomalyKind.DUPLICATE);
        assertEquals(0x60, a.offset());
        assertContains(a, "MSI@0x60", "MSI@0x40");
    }

    @Test
    void vendorAndHyperTransportCapabilitiesMayRepeat() {
        CapabilityMap map = walker.walk(new ConfigBuilder(256).capList(0x40).cap(0x40, CapId.VNDR, 0x50)
                .u8(0x42, 8).cap(0x50, CapId.VNDR, 0x60).u8(0x52, 8).cap(0x60, CapId.HT, 0x80)
                .cap(0x80, CapId.HT, 0).bytes());

        assertEquals(4, map.standard().size());
        assertEquals(List.of(), map.anomalies());
    }

    @Test
    void secondAerIsADuplicateButVendorSpecificExtendedMayRepeat() {
        CapabilityMap map = walker.walk(ConfigBuilder.pcieEndpoint().ecap(0x100, ExtCapId.ERR, 1, 0x140)
                .ecap(0x140, ExtCapId.VNDR, 1, 0x160).u32(0x144, 0x010 << 20)
                .ecap(0x160, ExtCapId.VNDR, 1, 0x180).u32(0x164, 0x010 << 20)
                .ecap(0x180, ExtCapId.ERR, 1, 0).bytes());

        assertEquals(4, map.extended().size());
        Anomaly a = only(map, AnomalyKind.DUPLICATE);
        assertEquals(0x180, a.offset());
        assertContains(a, "AER@0x180", "AER@0x100");
    }

    @Test
    void headerOnlyDumpWithACapabilityListIsTruncated() {
        CapabilityMap map = walker.walk(new ConfigBuilder(64).capList(0x40).bytes());

        assertTrue(map.standard().isEmpty());
        Anomaly a = only(map, AnomalyKind.TRUNCATED);
        assertEquals(0x40, a.offset());
        assertContains(a, "64-byte header", "0x40");
    }

    @Test
    void headerOnlyDumpWithoutACapabilityListIsFine() {
        CapabilityMap map = walker.walk(new ConfigBuilder(64).bytes());

        assertEquals(64, map.configSize());
        assertEquals(List.of(), map.anomalies());
    }

    @Test
    void oddSizeIsTruncatedButStillWalked() {
        CapabilityMap map = walker.walk(java.util.Arrays.copyOf(ConfigBuilder.pcieEndpoint()
                .ecap(0x100, ExtCapId.ERR, 1, 0).bytes(), 300));

        assertEquals(List.of(0x40), offsets(map.standard()));
        assertEquals(List.of(0x100), offsets(map.extended()));
        assertContains(only(map, AnomalyKind.TRUNCATED), "300 bytes");
    }

    @Test
    void oversizedSpaceIsReportedAndWalkedWithinPciExpressSpace() {
        byte[] config = java.util.Arrays.copyOf(ConfigBuilder.pcieEndpoint().ecap(0x100, ExtCapId.ERR, 1, 0xffc)
                .ecap(0xffc, ExtCapId.DSN, 1, 0).bytes(), 5000);

        CapabilityMap map = walker.walk(config);

        assertEquals(5000, map.configSize());
        assertEquals(0x1000, map.extended().get(1).end(), "cut at 4 KiB");
        assertEquals(List.of(AnomalyKind.TRUNCATED, AnomalyKind.PAST_END),
                map.anomalies().stream().map(Anomaly::kind).toList());
    }

    @Test
    void conventionalFunctionDoesNotListExtendedSpaceButReportsItsBrokenChain() {
        byte[] config = new ConfigBuilder(4096).capList(0x40).cap(0x40, CapId.PM, 0)
                .ecap(0x100, ExtCapId.ERR, 1, 0x140).ecap(0x140, ExtCapId.DSN, 1, 0x100).bytes();

        CapabilityMap map = walker.walk(config);

        assertEquals(List.of(0x40), offsets(map.standard()));
        assertTrue(map.extended().isEmpty());
        assertContains(only(map, AnomalyKind.LOOP), "no PCI Express or PCI-X capability");
    }

    @Test
    void pcixFunctionHasExtendedSpace() {
        byte[] config = new ConfigBuilder(4096).capList(0x40).cap(0x40, CapId.PCIX, 0)
                .ecap(0x100, ExtCapId.ERR, 1, 0).bytes();

        assertEquals(List.of(0x100), offsets(walker.walk(config).extended()));
    }

    @Test
    void noCapabilityListBitMeansNoStandardChain() {
        byte[] config = new ConfigBuilder(256).capList(0x40).cap(0x40, CapId.PM, 0).u16(PciRegs.STATUS, 0).bytes();

        CapabilityMap map = walker.walk(config);

        assertTrue(map.standard().isEmpty());
        assertEquals(0x40, map.header().next(), "the header still reports the raw pointer");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 63, 64, 100, 255, 256, 257, 1000, 4095, 4096, 5000})
    void nonsenseOfAnyLengthYieldsABoundedMap(int size) {
        Random random = new Random(size);
        for (int round = 0; round < 200; round++) {
            byte[] config = new byte[size];
            random.nextBytes(config);
            if (size > PciRegs.STATUS && round % 2 == 0) {
                config[PciRegs.STATUS] |= PciRegs.Status.CAP_LIST; // make sure the chain is walked
            }

            CapabilityMap map = walker.walk(config);

            assertEquals(size, map.configSize());
            for (Capability cap : map.standard()) {
                assertTrue(cap.offset() >= 0x40 && cap.end() <= Math.min(size, 0x100), cap::toString);
            }
            for (Capability cap : map.extended()) {
                assertTrue(cap.offset() >= 0x100 && cap.end() <= Math.min(size, 0x1000), cap::toString);
            }
            assertTrue(map.standard().size() <= ConfigWalk.STANDARD_TTL);
            assertTrue(map.extended().size() <= ConfigWalk.EXTENDED_TTL);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {256, 4096})
    void allOnesSpaceLoopsOnItself(int size) {
        byte[] config = new byte[size];
        java.util.Arrays.fill(config, (byte) 0xff);

        CapabilityMap map = walker.walk(config);

        assertEquals(List.of(0xfc), offsets(map.standard()));
        assertEquals(1, all(map, AnomalyKind.LOOP).size(), map.anomalies().toString());
    }

    @Test
    void nullIsWalkedAsNoBytes() {
        CapabilityMap map = walker.walk(null);

        assertEquals(0, map.configSize());
        assertEquals(AnomalyKind.TRUNCATED, only(map, AnomalyKind.TRUNCATED).kind());
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static List<Integer> offsets(List<Capability> caps) {
        return caps.stream().map(Capability::offset).toList();
    }

    private static List<Anomaly> all(CapabilityMap map, AnomalyKind kind) {
        return map.anomalies().stream().filter(a -> a.kind() == kind).toList();
    }

    /** The one anomaly of {@code kind}; fails when there are none or several. */
    private static Anomaly only(CapabilityMap map, AnomalyKind kind) {
        List<Anomaly> found = all(map, kind);
        assertEquals(1, found.size(), () -> "one " + kind + " expected in " + map.anomalies());
        return found.get(0);
    }

    private static void assertContains(Anomaly a, String... parts) {
        for (String part : parts) {
            assertTrue(a.detail().contains(part), () -> "'" + part + "' not in: " + a.detail());
        }
    }
}
