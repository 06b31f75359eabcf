package org.pciguard.backend.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.api.regs.PciRegs;

/** Enumeration and opening over a fake sysfs tree, and the component's configuration. */
class SysfsBackendTest {

    @TempDir
    Path tmp;

    @Test
    void listsTheFunctionsInAddressOrderFromTheirFiles() throws IOException {
        FakeSysfs sysfs = new FakeSysfs(tmp);
        byte[] bridge = FakeSysfs.config(PciRegs.CFG_SPACE_SIZE);
        FakeSysfs.put(bridge, PciRegs.CLASS_PROG, 3, 0x060400);
        FakeSysfs.put(bridge, PciRegs.HEADER_TYPE, 1, PciRegs.HEADER_TYPE_MFD | PciRegs.HEADER_TYPE_BRIDGE);
        sysfs.add("0001:00:00.0", FakeSysfs.config(PciRegs.CFG_SPACE_SIZE));
        sysfs.add("0000:00:1c.4", bridge);
        sysfs.add("0000:00:02.0", FakeSysfs.config(PciRegs.STD_HEADER_SIZEOF));
        Files.createDirectories(tmp.resolve("not-a-function"));

        List<DeviceDTO> devices = new SysfsBackend(tmp, false).devices();

        assertEquals(List.of("0000:00:02.0", "0000:00:1c.4", "0001:00:00.0"),
                devices.stream().map(d -> d.address).toList());
        DeviceDTO short64 = devices.get(0);
        assertEquals(0x1af4, short64.vendorId);
        assertEquals(0x1041, short64.deviceId);
        assertEquals(0x020000, short64.classCode);
        assertEquals(1, short64.revision);
        assertEquals(64, short64.configSize);
        assertTrue(short64.truncated);
        assertTrue(short64.description.contains("64 of 256 config bytes readable"), short64.description);
        assertEquals(tmp.resolve("0000:00:02.0").toString(), short64.source);
        DeviceDTO b = devices.get(1);
        assertEquals(0x060400, b.classCode);
        assertEquals(PciRegs.HEADER_TYPE_BRIDGE, b.headerType, "multi-function bit stripped");
        assertFalse(b.truncated);
    }

    @Test
    void aMissingRootOffersNoFunctions() {
        assertEquals(List.of(), new SysfsBackend(tmp.resolve("absent"), false).devices());
    }

    @Test
    void opensWithTheConfiguredWritabilityAndRefusesUnknownFunctions() throws IOException {
        new FakeSysfs(tmp).add("0000:00:03.0", FakeSysfs.config(PciRegs.CFG_SPACE_SIZE));
        PciAddress address = PciAddress.parse("0000:00:03.0");
        try (PhysicalDevice d = new SysfsBackend(tmp, false).open(address)) {
            assertEquals(address, d.address());
            assertFalse(d.writable());
        }
        try (PhysicalDevice d = new SysfsBackend(tmp, true).open(address)) {
            assertTrue(d.writable());
        }
        PciAccessException e = assertThrows(PciAccessException.class,
                () -> new SysfsBackend(tmp, false).open(PciAddress.parse("0000:00:04.0")));
        assertTrue(e.getMessage().startsWith("0000:00:04.0: no such function"), e.getMessage());
    }

    @Test
    void refusesAConfigShorterThanTheHeader() throws IOException {
        new FakeSysfs(tmp).add("0000:00:03.0", FakeSysfs.config(PciRegs.CFG_SPACE_SIZE));
        Files.write(tmp.resolve("0000:00:03.0/config"), new byte[16]);
        PciAccessException e = assertThrows(PciAccessException.class,
                () -> new SysfsBackend(tmp, false).open(PciAddress.parse("0000:00:03.0")));
        assertTrue(e.getMessage().contains("yields 16 bytes, less than the 64-byte header"), e.getMessage());
    }

    @Test
    void theComponentTakesItsConfigurationAndRejectsABlankRoot() {
        SysfsBackend backend = new SysfsBackend(config(tmp.toString(), true));
        assertEquals("sysfs", backend.name());
        assertEquals(tmp, backend.root());
        assertTrue(backend.writable());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SysfsBackend(config(" ", false)));
        assertTrue(e.getMessage().contains("property 'root'"), e.getMessage());
    }

    @Test
    void theDefaultConfigurationIsTheRealSysfsReadOnly() {
        SysfsBackend backend = new SysfsBackend(config(null, false));
        assertEquals(SysfsBackend.DEFAULT_ROOT, backend.root());
        assertFalse(backend.writable());
    }

    /** A configuration as Config Admin would hand it; a null root means the default. */
    private static SysfsBackendConfig config(String root, boolean writable) {
        return new SysfsBackendConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return SysfsBackendConfig.class;
            }

            @Override
            public String root() {
                return root == null ? "/sys/bus/pci/devices" : root;
            }

            @Override
            public boolean writable() {
                return writable;
            }
        };
    }
}
