package org.pciguard.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pciguard.api.access.PciAddress;
import org.pciguard.backend.sim.DeviceFiles;

/** {@code pciguard list [--backend sim|sysfs] [--devices DIR]}. */
class ListCommandTest {

    private static final Path SYSFS_DEVICES = Path.of("/sys/bus/pci/devices");

    @Test
    void listsEveryShippedDumpOnceWithUniqueAddresses() {
        List<Shipped.Device> devices = Shipped.devices();
        List<String> index = Shipped.resource("/devices/index.txt").lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertEquals(new TreeSet<>(index), new TreeSet<>(Shipped.names()), "every file of the shipped index");
        assertEquals(index.size(), devices.size(), "each once");
        Set<PciAddress> addresses = devices.stream().map(Shipped.Device::address).collect(Collectors.toSet());
        assertEquals(devices.size(), addresses.size(), "unique addresses");
    }

    @Test
    void listsTheDumpsOfSharedPciDumps() throws IOException {
        Optional<Path> shared = Shipped.sharedDumps();
        assumeTrue(shared.isPresent(), "no shared/pci-dumps above " + Path.of("").toAbsolutePath());
        Set<String> files;
        try (Stream<Path> s = Files.list(shared.get())) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(DeviceFiles.DUMP_SUFFIX))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(files, new TreeSet<>(Shipped.names()), "the shipped set is ../shared/pci-dumps");
        Cli list = Cli.run("list", "--devices", shared.get().toString());
        assertEquals(0, list.status(), list::transcript);
        assertEquals(Cli.run("list").out(), list.out(), "--devices DIR reads the same files");
    }

    @Test
    void devicesDirectoryOfTwoFilesWithTheSameAddress(@TempDir Path dir) throws IOException {
        String text = Shipped.text("1af4-1041-virtio-net.lspci");
        Files.writeString(dir.resolve("a.lspci"), text);
        Files.writeString(dir.resolve("b.lspci"), text);
        Files.writeString(dir.resolve("notes.txt"), "not a device file");
        Cli list = Cli.run("list", "--devices", dir.toString());
        assertEquals(0, list.status(), list::transcript);
        assertEquals(List.of("0000:00:03.0", "0000:01:03.0"), list.lines().stream().map(l -> l.split(" ")[0]).toList(),
                list.out());
        assertTrue(list.lines().get(0).endsWith(" [a.lspci]"), list.out());
        assertTrue(list.lines().get(1).endsWith(" [b.lspci]"), list.out());
    }

    @Test
    void unloadableFileInTheDirectoryExitsOne(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("bad.lspci"), "00: 00\n");
        Cli list = Cli.run("list", "--devices", dir.toString());
        assertEquals(1, list.status(), list::transcript);
        assertTrue(list.err().contains("bad.lspci:1: "), list.err());
    }

    @Test
    void sysfsBackendListsThisMachinesFunctions() throws IOException {
        assumeTrue(Files.isDirectory(SYSFS_DEVICES), "no /sys/bus/pci on this machine");
        Set<String> present;
        try (Stream<Path> s = Files.list(SYSFS_DEVICES)) {
            present = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        Cli list = Cli.run("list", "--backend", "sysfs");
        assertEquals(0, list.status(), list::transcript);
        assertEquals(present, list.lines().stream().map(l -> l.split(" ")[0]).collect(Collectors.toCollection(TreeSet::new)));
        for (String line : list.lines()) {
            assertTrue(line.matches("\\S+ [0-9a-f]{4}:[0-9a-f]{4} class=[0-9a-f]{6} type=[0-9]+ cfg=(64|256|4096)( truncated)? .*"),
                    line);
            Path function = SYSFS_DEVICES.resolve(line.split(" ")[0]);
            String ids = sysfsId(function, "vendor") + ":" + sysfsId(function, "device");
            assertEquals(ids, line.split(" ")[1], line);
        }
    }

    @Test
    void unknownBackendIsAUsageError() {
        Cli list = Cli.run("list", "--backend", "vfio");
        assertEquals(2, list.status(), list::transcript);
        assertTrue(list.err().contains("unknown backend 'vfio'"), list.err());
    }

    /** A sysfs id file ({@code 0x8086}) as four hex digits. */
    private static String sysfsId(Path function, String file) throws IOException {
        return Files.readString(function.resolve(file)).strip().substring(2);
    }
}
