package org.pciguard.backend.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.backend.sim.internal.CapabilityScan;

/** The shipped real devices: all load, get unique addresses, and survive writes with their chains intact. */
class ShippedDevicesTest {

    private static final Path RESOURCES = Path.of("src/main/resources/devices");

    @TempDir
    Path dir;

    private static byte[] config(SimulatedDevice d) {
        byte[] b = new byte[d.configSize()];
        for (int off = 0; off < b.length; off += 4) {
            TestDevices.put(b, off, 4, d.readConfig(off, 4));
        }
        return b;
    }

    private static List<String> dumpFiles() throws Exception {
        try (Stream<Path> s = Files.list(RESOURCES)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(DeviceFiles.DUMP_SUFFIX)).sorted().toList();
        }
    }

    @Test
    void indexListsEveryShippedDumpAndEveryDumpLoads() throws Exception {
        List<String> files = dumpFiles();
        SimulatedBackend backend = SimulatedBackend.shipped();
        List<DeviceDTO> devices = backend.devices();
        assertEquals(files, devices.stream().map(d -> d.source).sorted().toList());
        assertTrue(files.size() >= 70, "the project's dumps: " + files.size());
        Set<String> addresses = new HashSet<>();
        for (DeviceDTO dto : devices) {
            assertTrue(addresses.add(dto.address), "unique " + dto.address);
            try (SimulatedDevice d = backend.open(PciAddress.parse(dto.address))) {
                assertArrayEquals(backend.image(d.address()).config(), config(d), dto.source);
                assertEquals(dto.configSize, d.configSize());
                assertTrue(dto.description != null && !dto.description.isEmpty(), dto.source);
            }
        }
        assertEquals(devices.stream().map(d -> PciAddress.parse(d.address)).sorted().toList(),
                devices.stream().map(d -> PciAddress.parse(d.address)).toList(), "address order");
    }

    @Test
    void addressesComeFromHeaderLinesAndClashesMoveToTheNextFreeBus() {
        SimulatedBackend backend = SimulatedBackend.shipped();
        DeviceDTO rtl8125 = find(backend, "10ec-8125-rtl8125-2.5gbe.lspci");
        assertEquals("0000:2e:00.0", rtl8125.address);
        assertTrue(rtl8125.description.startsWith("Ethernet controller: Realtek"), rtl8125.description);
        // 1002-5a13 and 1002-7911 both say 00:00.0; the first in file-name order keeps it
        assertEquals("0000:00:00.0", find(backend, "1002-5a13-rd890-ht.lspci").address);
        assertFalse(find(backend, "1002-7911-rs690-broken-ecaps.lspci").address.equals("0000:00:00.0"));
        assertEquals(backend.devices().toString(), SimulatedBackend.shipped().devices().toString(), "deterministic");
    }

    private static DeviceDTO find(SimulatedBackend backend, String source) {
        return backend.devices().stream().filter(d -> d.source.equals(source)).findFirst().orElseThrow();
    }

    @Test
    void clashingAndHeaderlessFilesGetTheNextFreeBus() throws Exception {
        byte[] c = new byte[PciRegs.STD_HEADER_SIZEOF];
        Files.writeString(dir.resolve("a.lspci"), TestDevices.dump("01:00.0 first", c, null));
        Files.writeString(dir.resolve("b.lspci"), TestDevices.dump("01:00.0 second", c, null));
        Files.writeString(dir.resolve("c.lspci"), TestDevices.dump("02:00.0 third", c, null));
        Files.writeString(dir.resolve("d.lspci"), TestDevices.dump(null, c, null));
        Files.writeString(dir.resolve("notes.txt"), "not a device");
        List<String> got = SimulatedBackend.fromDirectory(dir).devices().stream().map(d -> d.source + "@" + d.address).toList();
        assertEquals(List.of("d.lspci@0000:00:00.0", "a.lspci@0000:01:00.0", "c.lspci@0000:02:00.0",
                "b.lspci@0000:03:00.0"), got);
    }

    @Test
    void truncatedSaysWhenTheDumpHoldsLessThanTheFunctionHas() {
        SimulatedBackend backend = SimulatedBackend.shipped();
        assertFalse(find(backend, "8086-10c9-82576-gbe-sriov.lspci").truncated, "4096 bytes");
        assertTrue(find(backend, "15b3-1019-connectx5-ex.lspci").truncated, "256 bytes of a PCIe function");
        assertFalse(find(backend, "1415-9501-ox16pci954-uart.lspci").truncated, "256 bytes of a PCI function");
    }

    @Test
    void everyDumpSurvivesAllOnesAtEveryDwordWithItsChainAndIdsIntact() {
        SimulatedBackend backend = SimulatedBackend.shipped();
        for (DeviceDTO dto : backend.devices()) {
            SimulatedDevice d = backend.open(PciAddress.parse(dto.address));
            byte[] image = d.powerOnImage();
            List<CapabilityScan.Cap> chain = CapabilityScan.scan(image);
            for (int off = 0; off < d.configSize(); off += 4) {
                d.writeConfig(off, 4, 0xffffffff);
            }
            byte[] now = config(d);
            assertEquals(chain, CapabilityScan.scan(now), dto.source);
            for (int off = PciRegs.VENDOR_ID; off < PciRegs.CACHE_LINE_SIZE; off++) {
                if (off != PciRegs.COMMAND && off != PciRegs.COMMAND + 1 && off != PciRegs.STATUS && off != PciRegs.STATUS + 1) {
                    assertEquals(image[off], now[off], dto.source + " byte " + off);
                }
            }
            d.reset(ResetKind.BUS);
            assertArrayEquals(image, config(d), dto.source);
        }
    }

    @Test
    void componentLoadsAConfiguredDirectory() throws Exception {
        Files.writeString(dir.resolve("x.lspci"), TestDevices.dump("07:00.0 one", new byte[64], null));
        SimulatedBackend backend = new SimulatedBackend(new SimBackendConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return SimBackendConfig.class;
            }

            @Override
            public String deviceDirectory() {
                return dir.toString();
            }

            @Override
            public int vpdSize() {
                return SimulatedBackend.DEFAULT_VPD_SIZE;
            }
        });
        assertEquals("sim", backend.name());
        assertEquals(List.of("0000:07:00.0"), backend.devices().stream().map(d -> d.address).toList());
    }

    @Test
    void openFileOpensTheOneFunction() throws Exception {
        Path file = dir.resolve("one.lspci");
        Files.writeString(file, TestDevices.dump(null, TestDevices.endpointImage(256, true, false), null));
        try (SimulatedDevice d = SimulatedBackend.openFile(file)) {
            assertEquals(TestDevices.VENDOR, d.readConfig(PciRegs.VENDOR_ID, 2));
            assertEquals("one.lspci", d.describe().source);
            assertEquals(PciAddress.parse("00:00.0"), d.address());
        }
    }

    @Test
    void concurrentAccessesNeverTear() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        int[] patterns = {0x11111111, 0x22222222};
        AtomicReference<String> torn = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int me = t;
            threads[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 20_000; i++) {
                    if (me < 2) {
                        d.writeConfig(0xe0, 4, patterns[me]);
                    } else {
                        int v = d.readConfig(0xe0, 4);
                        if (v != patterns[0] && v != patterns[1] && v != 0xe3e2e1e0) {
                            torn.compareAndSet(null, Integer.toHexString(v));
                        }
                    }
                }
            });
            threads[t].start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(null, torn.get(), "a read saw half of one write and half of another");
    }
}
