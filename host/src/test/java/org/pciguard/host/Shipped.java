package org.pciguard.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.pciguard.api.access.PciAddress;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedBackend;
import org.pciguard.testing.PciDumps;

/**
 * The shipped device set as the command line shows it ({@code pciguard list}), the texts of its
 * files, and the capability lists of {@code shared/pci-dumps/SOURCES.md}.
 */
final class Shipped {

    /** One {@code list} line: address, ids, ..., {@code [file name]} at the end. */
    private static final Pattern LIST_LINE = Pattern
            .compile("(\\S+) ([0-9a-f]{4}):([0-9a-f]{4}) class=[0-9a-f]{6} type=([0-9]+) .* \\[([^\\]]+)\\]");
    /** A hex line of an lspci dump: offset, colon, 16 bytes. */
    private static final Pattern HEX_LINE = Pattern.compile("[0-9a-f]{2,3}:((?: [0-9a-f]{2}){16})");
    private static final Pattern SOURCES_SECTION = Pattern.compile("### `([^`]+)`");
    private static final Pattern SOURCES_CAP = Pattern.compile("\\s+- 0x([0-9a-f]+) id 0x([0-9a-f]+)(?: v([0-9]+))? \\(.*");

    /** What {@code list} says about one shipped device. */
    record Device(String name, PciAddress address, int vendor, int device, int headerType) {
    }

    private Shipped() {
    }

    private static List<Device> devices;

    /** Every shipped device, from the output of {@code pciguard list} (run once). */
    static synchronized List<Device> devices() {
        if (devices == null) {
            devices = List.copyOf(listed());
        }
        return devices;
    }

    private static List<Device> listed() {
        Cli list = Cli.run("list");
        assertEquals(0, list.status(), list::transcript);
        List<Device> devices = new ArrayList<>();
        for (String line : list.lines()) {
            Matcher m = LIST_LINE.matcher(line);
            if (!m.matches()) {
                throw new AssertionError("not a list line: " + line);
            }
            devices.add(new Device(m.group(5), PciAddress.parse(m.group(1)), Integer.parseInt(m.group(2), 16),
                    Integer.parseInt(m.group(3), 16), Integer.parseInt(m.group(4))));
        }
        return devices;
    }

    static List<String> names() {
        return devices().stream().map(Device::name).toList();
    }

    /** The parsed image of a shipped device, with its BARs. */
    static DeviceImage image(String name) {
        Device d = devices().stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("not shipped: " + name));
        return SimulatedBackend.shipped().image(d.address());
    }

    /** A classpath resource as text ({@code /devices/...} of the simulated backend, or this module's test resources). */
    static String resource(String path) {
        try (InputStream in = Shipped.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new AssertionError("missing resource " + path);
            }
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of a shipped device file. */
    static String text(String name) {
        return resource("/devices/" + name);
    }

    /** The configuration bytes of a dump text, read independently of the backend's parser. */
    static byte[] hexBytes(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String line : text.split("\n")) {
            Matcher m = HEX_LINE.matcher(line.strip());
            if (m.matches()) {
                for (String b : m.group(1).strip().split(" ")) {
                    bytes.write(Integer.parseInt(b, 16));
                }
            }
        }
        return bytes.toByteArray();
    }

    /**
     * {@code shared/pci-dumps} as {@link PciDumps#dir()} finds it, when it holds {@code SOURCES.md}
     * (CI has {@code ../shared} beside the repo); empty where there is none.
     */
    static Optional<Path> sharedDumps() {
        try {
            return Optional.of(PciDumps.dir()).filter(d -> Files.isRegularFile(d.resolve("SOURCES.md")));
        } catch (IllegalStateException none) {
            return Optional.empty();
        }
    }

    /**
     * The capabilities SOURCES.md lists per file, in its order, standard then extended, each as
     * {@code cap 0xOFF id=0xID} or {@code ecap 0xOFF id=0xIDID ver=V} (the start of a caps line).
     */
    static Map<String, List<String>> sourcesCapabilities(Path sourcesMd) throws IOException {
        Map<String, List<String>> caps = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : Files.readAllLines(sourcesMd, StandardCharsets.UTF_8)) {
            Matcher section = SOURCES_SECTION.matcher(line);
            Matcher cap = SOURCES_CAP.matcher(line);
            if (section.matches()) {
                current = new ArrayList<>();
                caps.put(section.group(1), current);
            } else if (current != null && cap.matches()) {
                int offset = Integer.parseInt(cap.group(1), 16);
                int id = Integer.parseInt(cap.group(2), 16);
                current.add(cap.group(3) == null ? String.format("cap 0x%02x id=0x%02x", offset, id)
                        : String.format("ecap 0x%03x id=0x%04x ver=%s", offset, id, cap.group(3)));
            }
        }
        return caps;
    }
}
