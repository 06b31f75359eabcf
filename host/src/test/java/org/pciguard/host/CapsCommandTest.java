package org.pciguard.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code pciguard caps DEVICE}: line format of DESIGN.md, offsets as lspci and SOURCES.md list them. */
class CapsCommandTest {

    private static final Pattern CAP = Pattern.compile("cap 0x([0-9a-f]{2}) id=0x[0-9a-f]{2} len=[1-9][0-9]* [A-Za-z0-9_/+-]+( hidden)?");
    private static final Pattern ECAP = Pattern
            .compile("ecap 0x([0-9a-f]{3}) id=0x[0-9a-f]{4} ver=[0-9]+ len=[1-9][0-9]* [A-Za-z0-9_/+-]+( hidden)?");
    private static final Pattern ANOMALY = Pattern.compile("anomaly [a-z]+(?:-[a-z]+)* 0x[0-9a-f]{2,3} \\S.*");

    static List<String> shipped() {
        return Shipped.names();
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void everyLineHasTheContractFormatInOrder(String name) {
        Cli caps = Cli.run("caps", name);
        assertEquals(0, caps.status(), caps::transcript);
        assertEquals("", caps.err());
        int section = 0; // 0 cap, 1 ecap, 2 anomaly: standard first, then extended, then anomalies
        for (String line : caps.lines()) {
            int kind = CAP.matcher(line).matches() ? 0 : ECAP.matcher(line).matches() ? 1
                    : ANOMALY.matcher(line).matches() ? 2 : -1;
            assertTrue(kind >= 0, () -> name + ": not a caps line: '" + line + "'");
            assertTrue(kind >= section, () -> name + ": out of order: '" + line + "'\n" + caps.out());
            section = kind;
        }
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void offsetsAreThoseLspciPrints(String name, @TempDir Path dir) throws IOException {
        Lspci.assumeInstalled();
        Path file = dir.resolve(name);
        Files.writeString(file, Shipped.text(name));
        Lspci lspci = Lspci.decode(file, "-vvv");
        assertEquals(0, lspci.status(), () -> "lspci -F " + name + " failed");
        assertEquals(lspci.capabilityOffsets(), offsets(Cli.run("caps", name)), name);
    }

    @Test
    void capabilitiesAreThoseOfSourcesMd() throws IOException {
        Optional<Path> shared = Shipped.sharedDumps();
        assumeTrue(shared.isPresent(), "no shared/pci-dumps above " + Path.of("").toAbsolutePath());
        Map<String, List<String>> sources = Shipped.sourcesCapabilities(shared.get().resolve("SOURCES.md"));
        List<String> names = Shipped.names();
        assertEquals(new TreeSet<>(sources.keySet()), new TreeSet<>(names), "SOURCES.md and the shipped set list the same files");
        List<String> mismatches = new ArrayList<>();
        for (String name : names) {
            List<String> expected = sources.get(name);
            List<String> actual = Cli.run("caps", name).lines().stream().filter(l -> !l.startsWith("anomaly"))
                    .map(CapsCommandTest::idPart).toList();
            if (!expected.equals(actual)) {
                mismatches.add(name + ": SOURCES.md " + expected + ", caps " + actual);
            }
        }
        assertEquals(List.of(), mismatches);
    }

    @Test
    void rs690PrintsTheExtendedLoopAndNoCapability() {
        Cli caps = Cli.run("caps", "1002-7911-rs690-broken-ecaps");
        assertEquals(0, caps.status(), caps::transcript);
        assertTrue(caps.lines().stream().allMatch(l -> l.startsWith("anomaly ")), caps.out());
        assertTrue(caps.lines().stream().anyMatch(l -> l.matches("anomaly loop 0x790 .*")), caps.out());
    }

    /** Golden outputs: hidden suffix (SECPCI), unknown lengths (HyperTransport), CardBus pointer, header-only dump. */
    @ParameterizedTest
    @ValueSource(strings = { "15b3-1007-connectx3-pro", "1002-5a13-rd890-ht", "1217-7136-oz711-cardbus",
            "1002-7911-rs690-broken-ecaps" })
    void goldenOutput(String name) {
        Cli caps = Cli.run("caps", name);
        assertEquals(0, caps.status(), caps::transcript);
        assertEquals(Shipped.resource("/caps/" + name + ".out"), caps.out());
    }

    static List<String> typeZero() {
        return GuestDumpTest.typeZero();
    }

    /**
     * The oracle is the walk of the guest's own bytes ({@code dump --guest}): the capabilities found
     * there are those {@code caps} of the device does not mark hidden. A hidden first extended
     * capability leaves a null placeholder at 0x100 (id 0, as vfio does), which is left out.
     */
    @ParameterizedTest
    @MethodSource("typeZero")
    void hiddenMarksExactlyWhatTheGuestDoesNotSee(String name, @TempDir Path dir) throws IOException {
        Path guest = dir.resolve("guest.lspci");
        Files.writeString(guest, Cli.run("dump", name, "--guest").out());
        List<String> seen = Cli.run("caps", guest.toString()).lines().stream()
                .filter(l -> l.startsWith("cap ") || l.startsWith("ecap ") && !l.startsWith("ecap 0x100 id=0x0000 "))
                .map(CapsCommandTest::idPart).toList();
        List<String> shown = Cli.run("caps", name).lines().stream()
                .filter(l -> (l.startsWith("cap ") || l.startsWith("ecap ")) && !l.endsWith(" hidden"))
                .map(CapsCommandTest::idPart).toList();
        assertEquals(seen, shown, name);
    }

    @Test
    void hiddenSuffixOnlyWhereTheGuestWillNotSeeIt() {
        List<String> lines = Cli.run("caps", "15b3-1007-connectx3-pro").lines();
        assertEquals(List.of("ecap 0x18c id=0x0019 ver=1 len=28 SECPCI hidden"),
                lines.stream().filter(l -> l.endsWith(" hidden")).toList());
        assertFalse(lines.stream().anyMatch(l -> l.contains("hidden") && !l.endsWith(" hidden")));
    }

    @Test
    void headerOnlyDumpReportsTheTruncationNotCapabilities(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("x.lspci");
        Files.writeString(file, Shipped.resource("/devices/8086-1503-82579v-gbe-x.lspci"));
        Cli caps = Cli.run("caps", file.toString());
        assertEquals(0, caps.status(), caps::transcript);
        assertEquals(1, caps.lines().size(), caps.out());
        assertTrue(caps.out().startsWith("anomaly truncated 0xc8 "), caps.out());
    }

    private static List<Integer> offsets(Cli caps) {
        assertEquals(0, caps.status(), caps::transcript);
        List<Integer> offsets = new ArrayList<>();
        for (String line : caps.lines()) {
            Matcher m = line.startsWith("cap ") ? CAP.matcher(line) : ECAP.matcher(line);
            if (m.matches()) {
                offsets.add(Integer.parseInt(m.group(1), 16));
            }
        }
        return offsets;
    }

    /** {@code cap 0x40 id=0x01} / {@code ecap 0x100 id=0x0001 ver=1}: the part SOURCES.md also tells. */
    private static String idPart(String line) {
        String[] t = line.split(" ");
        return line.startsWith("ecap ") ? t[0] + " " + t[1] + " " + t[2] + " " + t[3] : t[0] + " " + t[1] + " " + t[2];
    }
}
