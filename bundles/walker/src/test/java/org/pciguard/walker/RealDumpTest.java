package org.pciguard.walker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pciguard.api.capability.Anomaly;
import org.pciguard.api.capability.AnomalyKind;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.testing.PciDumps;
import org.pciguard.walker.SharedDumps.Entry;
import org.pciguard.walker.SharedDumps.Expected;

/** Every shared real dump walks to exactly the chains lspci decodes (as SOURCES.md records them). */
class RealDumpTest {

    private static final String BROKEN_ECAPS = "1002-7911-rs690-broken-ecaps.lspci";

    private static Map<String, Expected> sources;
    private final DefaultCapabilityWalker walker = new DefaultCapabilityWalker();

    @BeforeAll
    static void readSources() {
        sources = SharedDumps.sources();
    }

    static Stream<Path> dumps() {
        List<Path> all = SharedDumps.all();
        assertTrue(all.size() >= 80, "expected the 80 shared dumps, found " + all.size() + " in " + PciDumps.dir());
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dumps")
    void chainsMatchLspci(Path dump) {
        Expected expected = sources.get(dump.getFileName().toString());
        assertNotNull(expected, "SOURCES.md has no section for " + dump.getFileName());

        CapabilityMap map = walker.walk(SharedDumps.load(dump));

        assertEquals(expected.standard(), entries(map.standard()), "standard chain of " + dump.getFileName());
        assertEquals(expected.extended(), entries(map.extended()), "extended chain of " + dump.getFileName());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dumps")
    void everyByteHasAtMostOneListedOwnerAndCapabilitiesStayInTheirSpace(Path dump) {
        CapabilityMap map = walker.walk(SharedDumps.load(dump));

        for (Capability c : map.standard()) {
            assertTrue(c.offset() >= 0x40 && c.end() <= 0x100, c + " outside 0x40..0xff");
        }
        for (Capability c : map.extended()) {
            assertTrue(c.offset() >= 0x100 && c.end() <= 0x1000, c + " outside 0x100..0xfff");
        }
        assertTrue(map.anomalies().stream().noneMatch(a -> a.kind() == AnomalyKind.OVERLAP),
                () -> dump.getFileName() + ": " + map.anomalies());
    }

    @Test
    void rs690ExtendedSpaceMirrorsTheHeaderAndLoops() {
        CapabilityMap map = walker.walk(SharedDumps.load(SharedDumps.file(BROKEN_ECAPS)));

        assertTrue(map.extended().isEmpty(), "a conventional host bridge has no extended capabilities to list");
        List<Anomaly> loops = map.anomalies().stream().filter(a -> a.kind() == AnomalyKind.LOOP).toList();
        assertEquals(1, loops.size(), map.anomalies().toString());
        Anomaly loop = loops.get(0);
        assertEquals(CapabilitySpace.EXTENDED, loop.space());
        assertEquals(0x790, loop.offset(), "0x100 -> 0x790 -> 0xd00 -> back to 0x790");
        assertTrue(loop.detail().contains("0xd00") && loop.detail().contains("0x790"), loop.detail());
    }

    @Test
    void aWellFormedEndpointHasNoAnomalies() {
        CapabilityMap map = walker.walk(SharedDumps.load(SharedDumps.file("8086-10c9-82576-gbe-sriov.lspci")));

        assertEquals(List.of(), map.anomalies());
        assertFalse(map.extended().isEmpty());
    }

    private static List<Entry> entries(List<Capability> caps) {
        return caps.stream().map(c -> new Entry(c.offset(), c.id())).toList();
    }
}
