package org.pciguard.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code pciguard replay DEVICE [--script FILE] [--permissive] [--trace]}: the contract tools drive. */
class ReplayCommandTest {

    private static final String VIRTIO_NET = "1af4-1041-virtio-net";
    /** A line printing a value: {@code r|hr SIZE OFF = 0xV}, {@code br|hbr BAR SIZE OFF = 0xV}, or a trace line. */
    private static final Pattern VALUE_LINE = Pattern.compile(
            "(?:(?:r|hr) (\\S+) \\S+|(?:br|hbr) \\S+ (\\S+) \\S+) = 0x([0-9a-f]+)|~ hw [rw] ([1248]) 0x[0-9a-f]+ 0x([0-9a-f]+)"
                    + "|~ bar [rw] [0-5] ([1248]) 0x[0-9a-f]+ 0x([0-9a-f]+)");
    /** An interrupt delivered to the guest (DESIGN.md: {@code > msi addr=0x%016x data=0x%08x}, ...). */
    private static final Pattern DELIVERY_LINE = Pattern.compile("> (msix?) addr=0x[0-9a-f]{16} data=0x[0-9a-f]{8}|> intx assert");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} on {1} {2}")
    @CsvSource({
            "header,  header,  1af4-1041-virtio-net,      ''",
            "trace,   trace,   1af4-1041-virtio-net,      --trace",
            "outside, outside-default,    8086-1503-82579v-gbe, --trace",
            "outside, outside-permissive, 8086-1503-82579v-gbe, --trace --permissive",
            "flr,     flr,     8086-10c9-82576-gbe-sriov, --trace",
            "intx,    intx,    8086-10c9-82576-gbe-sriov, ''",
            "msix,    msix,    8086-10c9-82576-gbe-sriov, --trace",
            "routes,  routes,  8086-10c9-82576-gbe-sriov, ''" })
    void goldenOutput(String script, String expected, String device, String options) throws IOException {
        List<String> args = new ArrayList<>(List.of("replay", device, "--script", copy(script + ".script").toString()));
        args.addAll(options.isBlank() ? List.of() : List.of(options.split(" ")));
        Cli replay = Cli.run(args.toArray(String[]::new));
        assertEquals(0, replay.status(), replay::transcript);
        assertEquals("", replay.err());
        assertEquals(Shipped.resource("/replay/" + expected + ".out"), replay.out());
        assertValuesHaveTwoDigitsPerByte(replay.lines());
    }

    @Test
    void permissiveChangesOnlyTheAccessToBytesOutsideCapabilities() {
        List<String> normal = Shipped.resource("/replay/outside-default.out").lines().toList();
        List<String> permissive = Shipped.resource("/replay/outside-permissive.out").lines().toList();
        assertTrue(normal.stream().noneMatch(l -> l.startsWith("~ hw w")), "by default the writes are dropped");
        assertEquals(List.of("~ hw w 4 0x40 0xffffffff", "~ hw w 2 0x44 0x1234"),
                permissive.stream().filter(l -> l.startsWith("~ hw w")).toList());
        assertEquals(normal.subList(normal.size() - 2, normal.size()), permissive.subList(permissive.size() - 2,
                permissive.size()), "the PM next pointer is read-only either way");
    }

    @Test
    void standardInputAndScriptFileGiveTheSameOutput() throws IOException {
        String script = Shipped.resource("/replay/trace.script");
        Cli fromStdin = Cli.runWithInput(script, "replay", VIRTIO_NET, "--trace");
        Cli fromFile = Cli.runWithInput("r 4 0\n", "replay", VIRTIO_NET, "--trace", "--script",
                copy("trace.script").toString());
        assertEquals(0, fromStdin.status(), fromStdin::transcript);
        assertEquals(Shipped.resource("/replay/trace.out"), fromStdin.out());
        assertEquals(fromStdin.out(), fromFile.out(), "--script wins over standard input");
    }

    @Test
    void deviceFileByPathWithSiblingAndByShippedName() throws IOException {
        String name = VIRTIO_NET + ".lspci";
        Files.writeString(dir.resolve(name), Shipped.text(name));
        Files.writeString(dir.resolve(VIRTIO_NET + ".vvv.txt"), Shipped.text(VIRTIO_NET + ".vvv.txt"));
        String script = "w 4 0x10 0xffffffff\nr 4 0x10\n";
        Cli byPath = Cli.runWithInput(script, "replay", dir.resolve(name).toString());
        assertEquals("r 4 0x10 = 0xfff80004\n", byPath.out(), "the 512K size comes from the sibling -vvv file");
        assertEquals(byPath.out(), Cli.runWithInput(script, "replay", name).out());
        assertEquals(byPath.out(), Cli.runWithInput(script, "replay", VIRTIO_NET).out());
    }

    @Test
    void traceLeavesOutTheScriptsOwnDeviceAccesses() {
        Cli replay = Cli.runWithInput("hr 4 0x10\nhw 1 0x3c 1\nhbr 0 4 0\nr 2 6\n", "replay", VIRTIO_NET, "--trace");
        assertEquals(List.of("hr 4 0x10 = 0x00100004", "hbr 0 4 0 = 0x00000000", "~ hw r 2 0x06 0x0010",
                "r 2 6 = 0x0010"), replay.lines());
    }

    @Test
    void interruptLinesAreOperationsNotMalformed() {
        Cli replay = Cli.runWithInput("irq intx\nirq msi 0\nirq msix 0x2\neoi\nirq msi 0x100000000\nr 1 8\n",
                "replay", VIRTIO_NET);
        assertEquals(0, replay.status(), replay::transcript);
        assertEquals(List.of("! 0000:00:03.0: no INTx: the interrupt pin is 0",
                "! 0000:00:03.0: no MSI vector 0 (the function has 0)",
                "! 0000:00:03.0: no MSI vector 2147483647 (the function has 0)",
                "r 1 8 = 0x01"), replay.lines(), "MSI-X is off: entry 2 is held; EOI with nothing asserted does nothing");
    }

    @Test
    void unsupportedResetIsRefusedAndTheScriptGoesOn() {
        Cli replay = Cli.runWithInput("reset flr\nr 1 8\n", "replay", VIRTIO_NET);
        assertEquals(0, replay.status(), replay::transcript);
        assertTrue(replay.lines().get(0).startsWith("! 0000:00:03.0: reset FLR is not supported by this function"),
                replay.out());
        assertEquals("r 1 8 = 0x01", replay.lines().get(1));
    }

    /** The 82579 offers no PCIe FLR, only AF FLR: {@code reset flr} uses it. */
    @Test
    void resetFlrUsesAfFlrWhereTheFunctionOffersOnlyThat() {
        Cli replay = Cli.runWithInput("w 1 0xc 0x10\nhr 1 0xc\nreset flr\nhr 1 0xc\nr 1 0xc\n", "replay",
                "8086-1503-82579v-gbe");
        assertEquals(0, replay.status(), replay::transcript);
        assertEquals(List.of("hr 1 0xc = 0x10", "hr 1 0xc = 0x00", "r 1 0xc = 0x00"), replay.lines(),
                "Cache Line Size back at its power-on value");
    }

    @Test
    void valuesUpToSixtyFourBitsInHexOrDecimal() {
        Cli replay = Cli.runWithInput("w 2 4 2\nbw 0 8 0 18446744073709551615\nbr 0 8 0\nbw 0 8 8 0xFEDCBA9876543210\n"
                + "br 0 8 8\nbr 0 1 15\n", "replay", VIRTIO_NET);
        assertEquals(List.of("br 0 8 0 = 0xffffffffffffffff", "br 0 8 8 = 0xfedcba9876543210", "br 0 1 15 = 0xfe"),
                replay.lines());
    }

    @Test
    void offsetBeyondThirtyTwoBitsIsRefusedNotWrapped() {
        Cli replay = Cli.runWithInput("r 4 0x100000000\nhr 2 0x100000004\nw 4 0xffffffffffffffff 0\n", "replay",
                VIRTIO_NET, "--trace");
        assertEquals(0, replay.status(), replay::transcript);
        assertEquals(List.of(
                "! 0000:00:03.0: 4-byte access at 0x100000000: config read refused: outside config space",
                "! 0000:00:03.0: 2-byte access at 0x100000004: config read refused: outside config space",
                "! 0000:00:03.0: 4-byte access at 0xffffffffffffffff: config write refused: outside config space"),
                replay.lines());
    }

    @ParameterizedTest(name = "line 3 ''{0}''")
    @CsvSource(delimiter = '|', value = {
            "x 4 0              | unknown operation 'x'",
            "r 3 0              | size must be 1, 2, 4",
            "br 0 16 0          | size must be 1, 2, 4 or 8",
            "r 4                | 'r' takes 2 arguments",
            "r 4 0 0            | 'r' takes 2 arguments",
            "w 1 0 0x100        | value 0x100 does not fit in 1 bytes",
            "w 2 0 65536        | value 65536 does not fit in 2 bytes",
            "r 4 -4             | '-4' is not a number",
            "r 4 +4             | '+4' is not a number",
            "r 4 0x             | '0x' is not a number",
            "r 4 0x+4           | '0x+4' is not a number",
            "r 4 1e3            | '1e3' is not a number",
            "r 4 0x10000000000000000 | '0x10000000000000000' does not fit in 64 bits",
            "br 7 4 0           | BAR must be 0..5 (6 for the ROM)",
            "bw 0 4 0           | 'bw' takes 4 arguments",
            "irq                | irq needs intx, msi N or msix N",
            "irq msi            | 'irq' takes 2 arguments",
            "irq nmi            | irq needs intx, msi N or msix N",
            "eoi 1              | 'eoi' takes 0 arguments",
            "reset bus          | reset needs flr" })
    void malformedLineStopsWithExitTwoAndItsNumber(String bad, String why) {
        Cli replay = Cli.runWithInput("r 1 8\n# a comment is line 2\n" + bad + "   # here\nr 1 8\n", "replay", VIRTIO_NET);
        assertEquals(2, replay.status(), replay::transcript);
        assertEquals("r 1 8 = 0x01\n", replay.out(), "the lines before it ran, none after it");
        assertTrue(replay.err().startsWith("pciguard: script line 3: " + why), replay.err());
        assertTrue(replay.err().contains("'" + bad + "'"), replay.err());
    }

    @Test
    void bytesThatAreNotUtf8AreAMalformedLineInAFileAsOnStandardInput() throws IOException {
        byte[] script = { 'r', ' ', '1', ' ', '8', '\n', 'r', ' ', '4', ' ', (byte) 0xff, '\n' };
        Path file = dir.resolve("binary.script");
        Files.write(file, script);
        Cli fromFile = Cli.run("replay", VIRTIO_NET, "--script", file.toString());
        assertEquals(2, fromFile.status(), fromFile::transcript);
        assertEquals("r 1 8 = 0x01\n", fromFile.out());
        assertTrue(fromFile.err().startsWith("pciguard: script line 2: "), fromFile.err());
    }

    @Test
    void unloadableDeviceFileExitsOneNamingFileAndLine() throws IOException {
        Path bad = dir.resolve("broken.lspci");
        Files.writeString(bad, "00:03.0 x\n00: f4 1a 41 10\n");
        Cli replay = Cli.runWithInput("r 4 0\n", "replay", bad.toString());
        assertEquals(1, replay.status(), replay::transcript);
        assertEquals("", replay.out());
        assertTrue(replay.err().startsWith("pciguard: " + bad + ":2: short line"), replay.err());
    }

    @Test
    void bridgeExitsOne() {
        Cli replay = Cli.runWithInput("r 4 0\n", "replay", "8086-3408-x58-rootport");
        assertEquals(1, replay.status(), replay::transcript);
        assertEquals("", replay.out());
        assertTrue(replay.err().contains("cannot be passed through: header type 1"), replay.err());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "replay                                           | replay needs one DEVICE",
            "replay 1af4-1041-virtio-net 1af4-1042-virtio-blk | replay needs one DEVICE",
            "replay 1af4-1041-virtio-net --verbose            | unknown option '--verbose'",
            "replay 1af4-1041-virtio-net --script             | --script needs a value",
            "replay 1af4-1041-virtio-net --script /no/such/script | --script /no/such/script: no such readable file",
            "replay 1af4-1041-virtio-net --trace --trace      | unknown option '--trace'",
            "frobnicate                                       | unknown command 'frobnicate'",
            "caps                                             | caps needs one DEVICE",
            "dump 1af4-1041-virtio-net --host                 | unknown option '--host'",
            "list --devices                                   | --devices needs a value" })
    void usageErrorsExitTwo(String commandLine, String message) {
        Cli cli = Cli.run(commandLine.split(" "));
        assertEquals(2, cli.status(), cli::transcript);
        assertEquals("", cli.out());
        assertTrue(cli.err().startsWith("pciguard: " + message + "\n"), cli.err());
        assertTrue(cli.err().contains(Main.USAGE), cli.err());
    }

    @Test
    void noArgumentsPrintsTheUsageAndHelpSucceeds() {
        Cli none = Cli.run();
        assertEquals(2, none.status());
        assertEquals(Main.USAGE + "\n", none.err());
        Cli help = Cli.run("help");
        assertEquals(0, help.status());
        assertEquals(Main.USAGE + "\n", help.out());
    }

    /** VALUE is printed with exactly 2*SIZE hex digits, in results and in trace lines; deliveries as DESIGN.md says. */
    private static void assertValuesHaveTwoDigitsPerByte(List<String> lines) {
        for (String line : lines) {
            Matcher m = VALUE_LINE.matcher(line);
            if (!m.matches()) {
                assertTrue(line.startsWith("! ") || DELIVERY_LINE.matcher(line).matches(),
                        () -> "neither a value, a trace, a delivery nor a refusal line: " + line);
                continue;
            }
            String size = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2)
                    : m.group(4) != null ? m.group(4) : m.group(6);
            String value = m.group(3) != null ? m.group(3) : m.group(5) != null ? m.group(5) : m.group(7);
            assertEquals(2 * Integer.decode(size), value.length(), line);
        }
    }

    private Path copy(String resource) throws IOException {
        Path file = dir.resolve(resource);
        Files.writeString(file, Shipped.resource("/replay/" + resource));
        return file;
    }
}
