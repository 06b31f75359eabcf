package org.pciguard.walker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pciguard.api.capability.AnomalyKind;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Exp;
import org.pciguard.api.regs.PciRegs.ExtCapId;
import org.pciguard.api.regs.PciRegs.Msi;

/** The computed capability lengths, each from the register fields that decide it. */
class LengthTest {

    private static final int AT = 0x40;
    private static final int EAT = 0x100;

    private final DefaultCapabilityWalker walker = new DefaultCapabilityWalker();

    // ---- standard ------------------------------------------------------------------------------

    @ParameterizedTest(name = "64bit={0} maskable={1} -> {2}")
    @CsvSource({"false, false, 10", "true, false, 14", "false, true, 20", "true, true, 24"})
    void msiLayouts(boolean is64, boolean maskable, int length) {
        int flags = (is64 ? Msi.FLAGS_64BIT : 0) | (maskable ? Msi.FLAGS_MASKBIT : 0);

        assertEquals(length, standard(CapId.MSI, b -> b.u16(AT + Msi.FLAGS, flags)).length());
    }

    @ParameterizedTest(name = "v{0} type {1} -> {2}")
    @CsvSource({
        "1, 0, 20",   // endpoint: device and link registers
        "1, 9, 12",   // RC integrated endpoint: device registers only
        "1, 4, 36",   // root port: slot and root registers too
        "1, 10, 36",  // event collector: root registers
        "2, 0, 52",   // endpoint: through Link Status 2
        "2, 1, 52",   // legacy endpoint
        "2, 9, 44",   // RC integrated endpoint: no link
        "2, 10, 52",  // event collector
        "2, 4, 60",   // root port: through Slot Status 2
        "2, 6, 60",   // switch downstream port
        "2, 5, 52"})  // switch upstream port: no slot
    void pciExpressByVersionAndType(int version, int type, int length) {
        Capability exp = standard(CapId.EXP, b -> b.u16(AT + Exp.FLAGS, version | type << Exp.FLAGS_TYPE_SHIFT));

        assertEquals(length, exp.length());
        assertEquals(version, exp.version());
    }

    @ParameterizedTest(name = "header type {0}, version {1} -> {2}")
    @CsvSource({"0, 0, 8", "0, 1, 24", "0, 2, 24", "1, 0, 16", "1, 2, 32"})
    void pcixByVersionAndHeaderType(int headerType, int version, int length) {
        Capability pcix = standard(CapId.PCIX,
                b -> b.u8(PciRegs.HEADER_TYPE, headerType).u16(AT + 2, version << 12));

        assertEquals(length, pcix.length());
        assertEquals(version, pcix.version());
    }

    @Test
    void vendorSpecificLengthIsItsLengthByte() {
        assertEquals(0x14, standard(CapId.VNDR, b -> b.u8(AT + 2, 0x14)).length());
    }

    @ParameterizedTest(name = "HT type 0x{0} -> {1}")
    @CsvSource({"00, 28", "1f, 28", "20, 24", "3f, 24", "80, 8", "88, 4", "90, 12", "98, 8", "a8, 12", "ab, 12"})
    void hyperTransportByType(String type, int length) {
        assertEquals(length, standard(CapId.HT, b -> b.u8(AT + 3, Integer.parseInt(type, 16))).length());
    }

    @Test
    void hyperTransportRetryModeHasNoKnownLength() {
        CapabilityMap map = walker.walk(chain(CapId.HT).u8(AT + 3, 0xc0).bytes());

        assertEquals(2, map.standard().get(0).length());
        assertEquals(AnomalyKind.UNKNOWN_LENGTH, map.anomalies().get(0).kind());
    }

    @ParameterizedTest(name = "BAR location 0x{0} -> {1}")
    @CsvSource({"0f, 16", "ff, 16", "04, 8", "00, 8"})
    void sataByRegisterLocation(String location, int length) {
        assertEquals(length, standard(CapId.SATA, b -> b.u8(AT + 4, Integer.parseInt(location, 16))).length());
    }

    @Test
    void enhancedAllocationSumsItsEntries() {
        // 3 entries of 1+2, 1+4 and 1+0 dwords after the first dword: 4 + 12 + 20 + 4
        Capability ea = standard(CapId.EA, b -> b.u8(AT + 2, 3).u32(AT + 4, 2).u32(AT + 16, 4).u32(AT + 36, 0));

        assertEquals(40, ea.length());
        assertTrue(ea.hiddenByDefault());
    }

    @Test
    void enhancedAllocationOfABridgeSkipsTheBusNumbers() {
        Capability ea = standard(CapId.EA, b -> b.u8(PciRegs.HEADER_TYPE, PciRegs.HEADER_TYPE_BRIDGE)
                .u8(AT + 2, 1).u32(AT + 8, 3));

        assertEquals(8 + 16, ea.length());
    }

    @ParameterizedTest(name = "id 0x{0} -> {1}")
    @CsvSource({"01, 8", "02, 12", "03, 8", "04, 4", "06, 4", "0a, 4", "0c, 8", "0d, 8", "11, 12", "13, 6", "00, 2"})
    void fixedStandardLengths(String id, int length) {
        assertEquals(length, standard(Integer.parseInt(id, 16), b -> { }).length());
    }

    // ---- extended ------------------------------------------------------------------------------

    @Test
    void vendorSpecificExtendedLengthIsInItsHeader() {
        assertEquals(0x40, extended(ExtCapId.VNDR, b -> b.u32(EAT + 4, 0x040 << 20 | 0x1_00a0)).length());
    }

    @Test
    void designatedVendorSpecificLengthIsInHeaderOne() {
        assertEquals(0x18, extended(ExtCapId.DVSEC, b -> b.u32(EAT + 4, 0x018 << 20 | 0x8086)).length());
    }

    @Test
    void vendorSpecificExtendedShorterThanItsHeadersHasNoKnownLength() {
        CapabilityMap map = walker.walk(echain(ExtCapId.VNDR).u32(EAT + 4, 0x004 << 20).bytes());

        assertEquals(4, map.extended().get(0).length());
        assertEquals(AnomalyKind.UNKNOWN_LENGTH, map.anomalies().get(0).kind());
    }

    @ParameterizedTest(name = "EVCC {0}, arbitration 0x{1} -> {2}")
    @CsvSource({
        "0, 0, 28",    // one VC resource, no arbitration table
        "1, 0, 40",    // two resources
        "1, 4, 80",    // 64 phases: 4 bits each after the 16-byte boundary: 48 + 32
        "0, 2, 48",    // 32 phases: 32 + 16
        "7, 8, 176",   // 8 resources (112), 128 phases: 112 + 64
        "0, 1, 28"})   // hardware-fixed arbitration only: no table
    void virtualChannelWithArbitrationTable(int evcc, String arbitration, int length) {
        Capability vc = extended(ExtCapId.VC,
                b -> b.u32(EAT + 4, evcc).u32(EAT + 8, Integer.parseInt(arbitration, 16)));

        assertEquals(length, vc.length());
    }

    @Test
    void mfvcAndVc9AreSizedLikeVc() {
        assertEquals(40, extended(ExtCapId.MFVC, b -> b.u32(EAT + 4, 1)).length());
        assertEquals(40, extended(ExtCapId.VC9, b -> b.u32(EAT + 4, 1)).length());
    }

    @ParameterizedTest(name = "capability 0x{0}, vector bits {1} -> {2}")
    @CsvSource({"00, 0, 8", "1f, 5, 8", "20, 0, 40", "20, 5, 12", "20, 32, 12", "20, 33, 16", "7f, 64, 16"})
    void acsWithEgressControlVector(String cap, int bits, int length) {
        Capability acs = extended(ExtCapId.ACS, b -> b.u8(EAT + 4, Integer.parseInt(cap, 16)).u8(EAT + 5, bits));

        assertEquals(length, acs.length());
    }

    @ParameterizedTest(name = "{0} BARs -> {1}")
    @CsvSource({"1, 12", "3, 28", "6, 52"})
    void resizableBarByNumberOfBars(int bars, int length) {
        assertEquals(length, extended(ExtCapId.REBAR, b -> b.u8(EAT + 8, bars << 5)).length());
        assertEquals(length, extended(ExtCapId.VF_REBAR, b -> b.u8(EAT + 8, bars << 5)).length());
    }

    @Test
    void resizableBarWithNoBarsHasNoKnownLength() {
        CapabilityMap map = walker.walk(echain(ExtCapId.REBAR).bytes());

        assertEquals(4, map.extended().get(0).length());
        assertEquals(AnomalyKind.UNKNOWN_LENGTH, map.anomalies().get(0).kind());
    }

    @Test
    void dynamicPowerAllocationHasABytePerSubstate() {
        assertEquals(16 + 8, extended(ExtCapId.DPA, b -> b.u8(EAT + 4, 7)).length());
        assertEquals(16 + 32, extended(ExtCapId.DPA, b -> b.u8(EAT + 4, 0xff)).length());
    }

    @ParameterizedTest(name = "capability 0x{0} -> {1}")
    @CsvSource({
        "00000000, 12",   // no ST table
        "00000400, 12",   // ST table in MSI-X table
        "000f0200, 44",   // 16 entries in the capability: 12 + 32
        "00000200, 14",   // one entry
        "07ff0200, 4108"})// 2048 entries: cut at the end of config space
    void tphWithSteeringTagTable(String cap, int length) {
        CapabilityMap map = walker.walk(echain(ExtCapId.TPH).u32(EAT + 4, (int) Long.parseLong(cap, 16)).bytes());

        assertEquals(Math.min(length, 0x1000 - EAT), map.extended().get(0).length());
    }

    @ParameterizedTest(name = "PCIe type {0}, EE prefix {1} -> {2}")
    @CsvSource({"0, false, 44", "4, false, 56", "10, false, 56", "6, false, 44", "0, true, 72", "4, true, 72"})
    void aerByPortTypeAndPrefixLog(int type, boolean eePrefix, int length) {
        ConfigBuilder b = ConfigBuilder.pcie(type).ecap(EAT, ExtCapId.ERR, 2, 0);
        if (eePrefix) {
            b.u32(ConfigBuilder.EXP_AT + Exp.DEVCAP2, Exp.DEVCAP2_EE_PREFIX);
        }

        assertEquals(length, walker.walk(b.bytes()).extended().get(0).length());
    }

    @ParameterizedTest(name = "DPC capability 0x{0} -> {1}")
    @CsvSource({"0000, 12", "0400, 12", "0420, 48", "0520, 52", "0920, 68", "0020, 48", "2020, 96"})
    void dpcWithRootPortExtensions(String cap, int length) {
        assertEquals(length, extended(ExtCapId.DPC, b -> b.u16(EAT + 4, Integer.parseInt(cap, 16))).length());
    }

    @ParameterizedTest(name = "x{0}")
    @CsvSource({"1, 16, 36, 12", "4, 20, 36, 24", "8, 28, 40, 40", "16, 44, 48, 72"})
    void perLaneCapabilitiesFollowTheMaximumLinkWidth(int lanes, int secpci, int pl16, int lmr) {
        java.util.function.IntFunction<ConfigBuilder> withLanes = id -> ConfigBuilder.pcie(Exp.TYPE_ROOT_PORT)
                .u32(ConfigBuilder.EXP_AT + Exp.LNKCAP, lanes << 4).ecap(EAT, id, 1, 0);

        assertEquals(secpci, walker.walk(withLanes.apply(ExtCapId.SECPCI).bytes()).extended().get(0).length());
        assertEquals(pl16, walker.walk(withLanes.apply(ExtCapId.PL_16GT).bytes()).extended().get(0).length());
        assertEquals(pl16, walker.walk(withLanes.apply(ExtCapId.PL_32GT).bytes()).extended().get(0).length());
        assertEquals(lmr, walker.walk(withLanes.apply(ExtCapId.LMR).bytes()).extended().get(0).length());
    }

    @Test
    void perLaneCapabilityOfAPcixFunctionHasNoKnownLength() {
        byte[] config = new ConfigBuilder(4096).capList(AT).cap(AT, CapId.PCIX, 0)
                .ecap(EAT, ExtCapId.SECPCI, 1, 0).bytes();

        CapabilityMap map = walker.walk(config);

        assertEquals(4, map.extended().get(0).length());
        assertEquals(AnomalyKind.UNKNOWN_LENGTH, map.anomalies().get(0).kind());
    }

    @Test
    void multicastOfAPortHasTheOverlayBar() {
        assertEquals(40, walker.walk(ConfigBuilder.pcieEndpoint().ecap(EAT, ExtCapId.MCAST, 1, 0).bytes())
                .extended().get(0).length());
        assertEquals(48, walker.walk(ConfigBuilder.pcie(Exp.TYPE_UPSTREAM).ecap(EAT, ExtCapId.MCAST, 1, 0).bytes())
                .extended().get(0).length());
    }

    @Test
    void rootComplexLinkDeclarationHasItsLinkEntries() {
        assertEquals(0x10 + 2 * 0x10, extended(ExtCapId.RCLD, b -> b.u16(EAT + 4, 2 << 8)).length());
    }

    @ParameterizedTest(name = "ecap 0x{0} v{1} -> {2}")
    @CsvSource({
        "0001, 1, 44", "0003, 1, 12", "0004, 1, 16", "0006, 1, 12", "0007, 1, 8", "0007, 2, 12", "000a, 1, 20",
        "000e, 1, 8", "000f, 1, 8", "0010, 1, 64", "0013, 1, 16", "0018, 1, 8", "001b, 1, 8", "001c, 1, 8",
        "001e, 1, 16", "001f, 1, 12", "0022, 1, 12", "0025, 1, 12", "0029, 1, 16", "002e, 1, 24", "002f, 1, 16",
        "0000, 1, 4"})
    void fixedExtendedLengths(String id, int version, int length) {
        ConfigBuilder b = ConfigBuilder.pcieEndpoint().ecap(EAT, Integer.parseInt(id, 16), version, 0);

        CapabilityMap map = walker.walk(b.bytes());

        assertEquals(length, map.extended().get(0).length());
        assertEquals(version, map.extended().get(0).version());
        assertTrue(map.anomalies().isEmpty(), map.anomalies()::toString);
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** A 256-byte function whose only capability is {@code id} at 0x40. */
    private static ConfigBuilder chain(int id) {
        return new ConfigBuilder(256).capList(AT).cap(AT, id, 0);
    }

    /** A PCI Express endpoint whose only extended capability is {@code id} at 0x100. */
    private static ConfigBuilder echain(int id) {
        return ConfigBuilder.pcieEndpoint().ecap(EAT, id, 1, 0);
    }

    private Capability standard(int id, java.util.function.Consumer<ConfigBuilder> fields) {
        ConfigBuilder b = chain(id);
        fields.accept(b);
        CapabilityMap map = walker.walk(b.bytes());
        assertTrue(map.anomalies().isEmpty(), map.anomalies()::toString);
        return map.standard().get(0);
    }

    private Capability extended(int id, java.util.function.Consumer<ConfigBuilder> fields) {
        ConfigBuilder b = echain(id);
        fields.accept(b);
        CapabilityMap map = walker.walk(b.bytes());
        assertTrue(map.anomalies().isEmpty(), map.anomalies()::toString);
        return map.extended().get(0);
    }
}
