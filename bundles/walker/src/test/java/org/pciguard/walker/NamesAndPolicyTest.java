package org.pciguard.walker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.capability.CapabilityWalker;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.ExtCapId;
import org.pciguard.api.regs.PciRegs.Pm;

/** Names, versions, the header pseudo capability and which capabilities the default policy hides. */
class NamesAndPolicyTest {

    /** Standard ids vfio-pci keeps (reference 4.2): every other one is hidden (2.11). */
    private static final Set<Integer> VISIBLE_STANDARD = Set.of(CapId.PM, CapId.AGP, CapId.VPD, CapId.MSI,
            CapId.PCIX, CapId.HT, CapId.VNDR, CapId.EXP, CapId.MSIX, CapId.SATA, CapId.AF);
    /** Extended ids vfio-pci keeps (2.12 to 2.14): every other one is hidden (2.15). */
    private static final Set<Integer> VISIBLE_EXTENDED = Set.of(ExtCapId.ERR, ExtCapId.VC, ExtCapId.DSN,
            ExtCapId.PWR, ExtCapId.MFVC, ExtCapId.VC9, ExtCapId.VNDR, ExtCapId.ACS, ExtCapId.ARI, ExtCapId.ATS,
            ExtCapId.SRIOV, ExtCapId.MCAST, ExtCapId.PRI, ExtCapId.REBAR, ExtCapId.DPA, ExtCapId.TPH, ExtCapId.LTR,
            ExtCapId.DVSEC);

    private final CapabilityWalker walker = new DefaultCapabilityWalker();

    @Test
    void standardCapabilitiesHiddenAsVfioHidesThem() {
        for (int id : IntStream.rangeClosed(0, 0xff).toArray()) {
            byte[] config = new ConfigBuilder(256).capList(0x40).cap(0x40, id, 0).u8(0x42, 4).bytes();

            Capability cap = walker.walk(config).standard().get(0);

            assertEquals(!VISIBLE_STANDARD.contains(id), cap.hiddenByDefault(), cap::toString);
        }
    }

    @Test
    void extendedCapabilitiesHiddenAsVfioHidesThem() {
        for (int id : IntStream.rangeClosed(0, ExtCapId.MAX + 2).toArray()) {
            byte[] config = ConfigBuilder.pcieEndpoint().ecap(0x100, id, 1, 0).u32(0x104, 0x010 << 20).bytes();

            Capability cap = walker.walk(config).extended().get(0);

            assertEquals(!VISIBLE_EXTENDED.contains(id), cap.hiddenByDefault(), cap::toString);
        }
    }

    @ParameterizedTest(name = "0x{0} {1}")
    @CsvSource({"01, PM", "02, AGP", "03, VPD", "04, SLOTID", "05, MSI", "06, CHSWP", "07, PCI-X", "08, HT",
        "09, VNDR", "0a, DBG", "0b, CCRC", "0c, SHPC", "0d, SSVID", "0e, AGP3", "0f, SECDEV", "10, EXP", "11, MSI-X",
        "12, SATA", "13, AF", "14, EA", "15, cap-0x15", "ff, cap-0xff"})
    void standardNames(String id, String name) {
        assertEquals(name, StandardCaps.name(Integer.parseInt(id, 16)));
    }

    @ParameterizedTest(name = "0x{0} {1}")
    @CsvSource({"0001, AER", "0002, VC", "0003, DSN", "0004, PWR", "0005, RCLD", "0006, RCILC", "0007, RCEC",
        "0008, MFVC", "0009, VC9", "000a, RCRB", "000b, VNDR", "000c, CAC", "000d, ACS", "000e, ARI", "000f, ATS",
        "0010, SR-IOV", "0011, MR-IOV", "0012, MCAST", "0013, PRI", "0015, REBAR", "0016, DPA", "0017, TPH",
        "0018, LTR", "0019, SECPCI", "001a, PMUX", "001b, PASID", "001c, LNR", "001d, DPC", "001e, L1SS",
        "001f, PTM", "0023, DVSEC", "0025, DLF", "0026, PL_16GT", "002e, DOE", "0031, PL_64GT",
        "0032, ecap-0x0032", "1002, ecap-0x1002"})
    void extendedNames(String id, String name) {
        assertEquals(name, ExtendedCaps.name(Integer.parseInt(id, 16)));
    }

    @Test
    void everyDefinedIdHasAName() {
        for (int id = 0; id <= CapId.MAX; id++) {
            assertTrue(!StandardCaps.name(id).startsWith("cap-"), "standard id " + id);
        }
        for (int id = 0; id <= ExtCapId.MAX; id++) {
            assertTrue(!ExtendedCaps.name(id).startsWith("ecap-"), "extended id " + id);
        }
    }

    @Test
    void headerPseudoCapabilityCarriesTheCapabilitiesPointer() {
        CapabilityMap map = walker.walk(new ConfigBuilder(256).capList(0x50).cap(0x50, CapId.PM, 0).bytes());

        assertEquals(new Capability(CapabilitySpace.HEADER, 0, 0, 64, 0, "header", 0x50, false), map.header());
        assertEquals(map.header(), map.ownerOf(PciRegs.CAPABILITY_LIST).orElseThrow());
        assertEquals(List.of(map.header(), map.standard().get(0)), map.all());
    }

    @Test
    void cardBusBridgeKeepsItsCapabilitiesPointerAt0x14() {
        byte[] config = new ConfigBuilder(256).u8(PciRegs.HEADER_TYPE, PciRegs.HEADER_TYPE_CARDBUS)
                .u16(PciRegs.STATUS, PciRegs.Status.CAP_LIST).u8(PciRegs.CB_CAPABILITY_LIST, 0xa0)
                .cap(0xa0, CapId.PM, 0).bytes();

        CapabilityMap map = walker.walk(config);

        assertEquals(0xa0, map.header().next());
        assertEquals(List.of(0xa0), map.standard().stream().map(Capability::offset).toList());
    }

    @Test
    void versionsComeFromEachCapabilitysVersionField() {
        byte[] config = ConfigBuilder.pcieEndpoint().cap(ConfigBuilder.EXP_AT, CapId.EXP, 0x80)
                .cap(0x80, CapId.PM, 0x90).u16(0x80 + Pm.PMC, 0xc803).cap(0x90, CapId.MSI, 0)
                .ecap(0x100, ExtCapId.ERR, 2, 0x140).ecap(0x140, ExtCapId.DSN, 1, 0).bytes();

        CapabilityMap map = walker.walk(config);

        assertEquals(List.of(2, 3, 0), map.standard().stream().map(Capability::version).toList());
        assertEquals(List.of(2, 1), map.extended().stream().map(Capability::version).toList());
        assertEquals(0x140, map.extended().get(0).next(), "raw next pointer");
    }

    @Test
    void ownerOfEveryByteFollowsTheLengths() {
        byte[] config = ConfigBuilder.pcieEndpoint().cap(ConfigBuilder.EXP_AT, CapId.EXP, 0x80)
                .cap(0x80, CapId.PM, 0).ecap(0x100, ExtCapId.DSN, 1, 0).bytes();

        CapabilityMap map = walker.walk(config);

        assertEquals("EXP", map.ownerOf(0x40 + 51).orElseThrow().name());
        assertTrue(map.ownerOf(0x40 + 52).isEmpty(), "v2 endpoint PCIe capability is 52 bytes");
        assertEquals("PM", map.ownerOf(0x87).orElseThrow().name());
        assertTrue(map.ownerOf(0x88).isEmpty());
        assertEquals("DSN", map.ownerOf(0x10b).orElseThrow().name());
        assertTrue(map.ownerOf(0x10c).isEmpty());
    }
}
