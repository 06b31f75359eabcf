package org.pciguard.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.CapId;

/** The device commands on the shipped simulated devices, through the real walker, core and header handler. */
class DeviceShellTest {

    private static final String CONNECTX3 = "15b3-1007-connectx3-pro";
    private static final String I82576 = "8086-10c9-82576-gbe-sriov";
    private static final String BRIDGE = "8086-3408-x58-rootport";

    private final Fixture f = new Fixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void listPrintsOneLinePerShippedFunction() throws Exception {
        List<String> lines = Fixture.output(out -> f.shell.list(out)).lines().toList();
        List<DeviceDTO> devices = f.sim.devices();
        assertEquals(devices.size(), lines.size());
        DeviceDTO first = devices.get(0);
        assertEquals(String.format("%s %04x:%04x class=%06x type=%d cfg=%d %s [%s]", first.address, first.vendorId,
                first.deviceId, first.classCode, first.headerType, first.configSize, first.description, first.source),
                lines.get(0));
    }

    @Test
    void listCapsNamesTheBundleServingEachCapability() throws Exception {
        f.addHandler(Fixture.readOnlyHandler(), CapabilitySpace.STANDARD, CapId.PM, 0, "org.pciguard.cap.pm");
        String out = Fixture.output(o -> f.shell.list(o, "--caps"));
        String device = line(out, "[" + I82576 + ".lspci]");
        String caps = out.lines().dropWhile(l -> !l.equals(device)).skip(1).findFirst().orElseThrow();
        // lspci: PM@40, MSI@50, MSI-X@70, Express@a0; AER@100, DSN@140, ARI@150, SR-IOV@160.
        assertTrue(caps.startsWith("    header@0x0=cap.header PM@0x40=cap.pm MSI@0x50=hidden MSI-X@0x70=hidden"), caps);
        String bridge = out.lines().dropWhile(l -> !l.endsWith("[" + BRIDGE + ".lspci]")).skip(1).findFirst()
                .orElseThrow();
        assertTrue(bridge.contains("not passed through") && bridge.contains("header type 1"), bridge);
        assertTrue(f.runtime.snapshot().devices.length == 0, "list --caps leaves no device open");
    }

    @Test
    void listOfADirectoryAndUnknownBackends(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.lspci"), shipped(I82576));
        String out = Fixture.output(o -> f.shell.list(o, "--devices", dir.toString()));
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.endsWith(" [a.lspci]\n"), out);

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> f.shell.list(System.out, "--backend", "vfio"));
        assertEquals("list: unknown backend 'vfio' (sim)", unknown.getMessage());
        IllegalArgumentException extra = assertThrows(IllegalArgumentException.class,
                () -> f.shell.list(System.out, "now"));
        assertEquals("list: unexpected argument 'now'", extra.getMessage());
    }

    @Test
    void capsOfAShippedNameMarksWhatTheGuestDoesNotSee() throws Exception {
        assertEquals(String.join("\n",
                "cap 0x40 id=0x01 len=8 PM",
                "cap 0x9c id=0x11 len=12 MSI-X hidden",
                "cap 0x60 id=0x10 len=52 EXP",
                "ecap 0x100 id=0x000e ver=1 len=8 ARI",
                "ecap 0x148 id=0x0003 ver=1 len=12 DSN",
                "ecap 0x154 id=0x0001 ver=2 len=44 AER",
                "ecap 0x18c id=0x0019 ver=1 len=28 SECPCI hidden", ""),
                Fixture.output(o -> f.shell.caps(o, CONNECTX3)));
    }

    @Test
    void capsOfAFileOfAnAddressAndOfANameAgree(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("x.lspci");
        Files.writeString(file, shipped(CONNECTX3));
        String byName = Fixture.output(o -> f.shell.caps(o, CONNECTX3));
        assertEquals(byName, Fixture.output(o -> f.shell.caps(o, file.toString())));
        assertEquals(byName, Fixture.output(o -> f.shell.caps(o, address(CONNECTX3).toString())));
    }

    @Test
    void aDeviceFileWithoutBarSizesSaysWhatWasInferred(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("no-sizes.lspci");
        Files.writeString(file, shipped(CONNECTX3).lines().filter(l -> !l.contains("Region") && !l.contains("Expansion ROM"))
                .collect(java.util.stream.Collectors.joining("\n", "", "\n")));
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(SimFiles.class.getName());
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler recorder = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(recorder);
        try {
            Fixture.output(o -> f.shell.caps(o, file.toString()));
        } finally {
            log.removeHandler(recorder);
        }
        assertFalse(lines.isEmpty(), "nothing said about the BAR sizes");
        assertTrue(lines.stream().allMatch(l -> l.startsWith(file + ": ") && l.contains("size unknown, inferred")), lines.toString());
    }

    @Test
    void dumpPrintsTheFileBytesAndTheGuestHidesHostBars() throws Exception {
        String device = Fixture.output(o -> f.shell.dump(o, I82576));
        String guest = Fixture.output(o -> f.shell.dump(o, I82576, "--guest"));
        assertEquals(device.lines().findFirst(), guest.lines().findFirst(), "same header line");
        assertEquals(4096 / 16 + 2, device.lines().count(), "header, 256 rows, blank line");
        assertFalse(device.equals(guest), "the guest sees BARs at 0");
        String bar0 = guest.lines().filter(l -> l.startsWith("10:")).findFirst().orElseThrow();
        assertTrue(bar0.startsWith("10: 00 00 00 00") || bar0.matches("10: 0[0-9a-f] 00 00 00.*"), bar0);
    }

    @Test
    void dumpCompareListsTheDwordsThatDiffer() throws Exception {
        String out = Fixture.output(o -> f.shell.dump(o, I82576, "--compare"));
        List<String> rows = out.lines().skip(2).toList();
        assertFalse(rows.isEmpty(), out);
        assertTrue(rows.stream().anyMatch(r -> r.startsWith("0x010 ") && r.endsWith("header@0x0")), out);
        for (String r : rows) {
            String[] t = r.split("\\s+");
            assertFalse(t[1].equals(t[2]), r);
        }
    }

    @Test
    void readAndWriteKeepTheFunctionOpenUntilClose() throws Exception {
        PciAddress a = address(I82576);
        String s = a.toString();
        int deviceBar0;
        try (PhysicalDevice d = f.sim.open(a)) {
            deviceBar0 = d.readConfig(PciRegs.BASE_ADDRESS_0, 4);
        }
        f.shell.write(System.out, s, "4", "0x10", "0xffffffff");
        String sized = Fixture.output(o -> f.shell.read(o, s, "4", "0x10"));
        assertTrue(sized.matches("r 4 0x10 = 0xfff[0-9a-f]{5}\n"), sized);
        assertTrue(f.runtime.device(a).isPresent(), "open after write");
        try (PhysicalDevice d = f.sim.open(a)) {
            assertEquals(deviceBar0, d.readConfig(PciRegs.BASE_ADDRESS_0, 4), "the device's BAR is untouched");
        }
        f.shell.close(System.out, s);
        assertFalse(f.runtime.device(a).isPresent(), "closed");
        PciAccessException again = assertThrows(PciAccessException.class, () -> f.shell.close(System.out, s));
        assertTrue(again.getMessage().contains("not opened by the shell"), again.getMessage());
    }

    @Test
    void replayRunsAScriptOnAFreshGuestAndReportsTheFirstMalformedLine() throws Exception {
        String script = "r 2 0\nw 4 0x10 0xffffffff\nr 4 0x10\nhr 4 0x10\n";
        String out = Fixture.output(o -> f.shell.replay(stream(script), o, I82576));
        List<String> lines = out.lines().toList();
        assertEquals("r 2 0 = 0x8086", lines.get(0));
        assertTrue(lines.get(1).matches("r 4 0x10 = 0xfff[0-9a-f]{5}"), out);
        assertFalse(lines.get(2).equals("hr 4 0x10 = 0xffffffff"), "the device's BAR is never written: " + out);
        assertEquals(out, Fixture.output(o -> f.shell.replay(stream(script), o, I82576)), "afresh every time");
        assertFalse(f.runtime.device(address(I82576)).isPresent(), "closed after the replay");

        java.text.ParseException bad = assertThrows(java.text.ParseException.class,
                () -> f.shell.replay(stream("r 1 8\n\nq 1\n"), System.out, I82576));
        assertEquals(3, bad.getErrorOffset());
        assertEquals("script line 3: unknown operation 'q': 'q 1'", bad.getMessage());
        assertUsage("--script /no/such: no such readable file",
                () -> f.shell.replay(stream(""), System.out, I82576, "--script", "/no/such"));
    }

    private static java.io.InputStream stream(String text) {
        return new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void malformedCommandLinesAreUsageErrors() {
        String s = address(I82576).toString();
        assertUsage("caps needs one DEVICE", () -> f.shell.caps(System.out));
        assertUsage("unknown option '--host'", () -> f.shell.dump(System.out, I82576, "--host"));
        assertUsage("size must be 1, 2 or 4, not 3", () -> f.shell.read(System.out, s, "3", "0"));
        assertUsage("value 0x100 does not fit in 1 bytes", () -> f.shell.write(System.out, s, "1", "0", "0x100"));
        assertUsage("'zz' is not a number (hex with 0x, or decimal)", () -> f.shell.read(System.out, s, "4", "zz"));
        assertUsage("'nope' is not a function address (dddd:bb:dd.f)", () -> f.shell.read(System.out, "nope", "4", "0"));
        assertFalse(f.runtime.device(address(I82576)).isPresent(), "nothing opened by a refused command");
    }

    @Test
    void unknownDeviceAndBridgeGuestDumpFail() {
        IOException none = assertThrows(IOException.class, () -> f.shell.caps(System.out, "no-such-device"));
        assertTrue(none.getMessage().startsWith("no-such-device: "), none.getMessage());
        PciAccessException bridge = assertThrows(PciAccessException.class,
                () -> f.shell.dump(System.out, BRIDGE, "--guest"));
        assertTrue(bridge.getMessage().contains("cannot be passed through: header type 1"), bridge.getMessage());
    }

    private PciAddress address(String name) {
        return PciAddress.parse(f.sim.devices().stream().filter(d -> d.source.equals(name + ".lspci")).findFirst()
                .orElseThrow().address);
    }

    /** The text of a shipped device file (a resource of the simulated backend's jar). */
    private static String shipped(String name) throws IOException {
        try (var in = DeviceShellTest.class.getResourceAsStream("/devices/" + name + ".lspci")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static String line(String out, String suffix) {
        return out.lines().filter(l -> l.endsWith(suffix)).findFirst().orElseThrow(() -> new AssertionError(out));
    }

    private static void assertUsage(String message, org.junit.jupiter.api.function.Executable command) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, command);
        assertEquals(message, e.getMessage());
    }
}
