package org.pciguard.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pciguard.backend.sim.DeviceFileException;
import org.pciguard.backend.sim.DeviceFiles;

/** {@code pciguard dump DEVICE}: the device's bytes in the {@code lspci -x/-xxx/-xxxx} text format. */
class DumpCommandTest {

    /** The 64-byte ({@code lspci -x}) test dump of this module. */
    static final String HEADER_ONLY = "/devices/8086-1503-82579v-gbe-x.lspci";

    @TempDir
    static Path dir;

    /** Every shipped dump (256 and 4096 bytes) and the 64-byte one, each as (DEVICE argument, file text). */
    static Stream<Arguments> dumps() throws IOException {
        List<Arguments> all = new ArrayList<>();
        for (String name : Shipped.names()) {
            all.add(Arguments.of(name, Shipped.text(name)));
        }
        Path headerOnly = dir.resolve("82579v-x.lspci");
        Files.writeString(headerOnly, Shipped.resource(HEADER_ONLY));
        all.add(Arguments.of(headerOnly.toString(), Shipped.resource(HEADER_ONLY)));
        return all.stream();
    }

    @Test
    void theSetCoversAllThreeDumpSizes() throws IOException {
        List<Integer> sizes = dumps().map(a -> Shipped.hexBytes((String) a.get()[1]).length).distinct().sorted().toList();
        assertEquals(List.of(64, 256, 4096), sizes);
    }

    @ParameterizedTest
    @MethodSource("dumps")
    void outputReparsesToTheBytesOfTheFile(String device, String fileText) throws DeviceFileException {
        Cli dump = Cli.run("dump", device);
        assertEquals(0, dump.status(), dump::transcript);
        assertEquals("", dump.err());
        byte[] expected = Shipped.hexBytes(fileText);
        assertArrayEquals(expected, DeviceFiles.parse("dump-of-" + device, dump.out(), null).config(), device);
        assertArrayEquals(expected, Shipped.hexBytes(dump.out()), device + ": every line a 16-byte hex line");
    }

    @ParameterizedTest
    @MethodSource("dumps")
    void lspciDecodesTheOutput(String device, String fileText, @TempDir Path tmp) throws IOException {
        Lspci.assumeInstalled();
        Path out = tmp.resolve("out.lspci");
        Files.writeString(out, Cli.run("dump", device).out());
        byte[] bytes = Shipped.hexBytes(fileText);
        String ids = String.format("%02x%02x:%02x%02x", bytes[1], bytes[0], bytes[3], bytes[2]);

        Lspci numeric = Lspci.decode(out, "-n");
        assertEquals(0, numeric.status(), device);
        assertTrue(numeric.out().contains(" " + ids), () -> device + ": lspci -n shows " + numeric.out());
        assertEquals(0, Lspci.decode(out, "-vvv").status(), device);

        Lspci hex = Lspci.decode(out, "-xxxx");
        assertEquals(0, hex.status(), device);
        assertArrayEquals(bytes, Shipped.hexBytes(hex.out()), device + ": lspci -xxxx gives back the bytes");
    }

    @Test
    void headerLineKeepsAddressAndDescription() {
        Cli dump = Cli.run("dump", "177d-a01e-thunderx-nic-ea-sriov");
        String fileHeader = Shipped.text("177d-a01e-thunderx-nic-ea-sriov.lspci").lines().findFirst().orElseThrow();
        assertEquals(fileHeader, dump.lines().get(0));
        assertTrue(dump.lines().get(0).startsWith("0002:01:00.0 "), "a non-zero domain is printed");
        assertEquals("00:03.0 Ethernet controller: Red Hat, Inc. Virtio 1.0 network device (rev 01)",
                Cli.run("dump", "1af4-1041-virtio-net.lspci").lines().get(0), "domain 0 is left out, as lspci does");
    }

    @Test
    void unloadableFileExitsOneNamingFileAndLine(@TempDir Path tmp) throws IOException {
        Path bad = tmp.resolve("bad.lspci");
        Files.writeString(bad, "00:01.0 x\n00: 86 80 zz 15 07 04 10 00 05 00 00 02 00 00 00 00\n");
        Cli dump = Cli.run("dump", bad.toString());
        assertEquals(1, dump.status(), dump::transcript);
        assertEquals("", dump.out());
        assertTrue(dump.err().contains(bad + ":2: "), dump.err());
        assertTrue(dump.err().contains("'zz'"), dump.err());
    }

    @Test
    void missingDeviceExitsOne() {
        Cli dump = Cli.run("dump", "no-such-device");
        assertEquals(1, dump.status(), dump::transcript);
        assertTrue(dump.err().contains("no-such-device"), dump.err());
    }
}
