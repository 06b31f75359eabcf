package org.pciguard.backend.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilityWalker;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * Reads this machine's real PCI functions through a <b>read-only</b> backend (it never writes to a
 * real device) and checks what the walker finds in them against independent evidence: the id
 * attributes Linux keeps, the Capabilities Pointer, the id byte at every capability, and the
 * capabilities {@code lspci -vvv} prints where lspci is installed.
 */
class RealSysfsDevicesTest {

    /** {@code Capabilities: [40] ...} and {@code Capabilities: [100 v1] ...} in {@code lspci -vvv}. */
    private static final Pattern LSPCI_CAPABILITY = Pattern.compile("^\\s*Capabilities: \\[([0-9a-f]+)",
            Pattern.MULTILINE);
    /** Low two bits of a capability pointer are reserved (PCI 3.0, 6.7). */
    private static final int CAP_POINTER_MASK = 0xfc;

    private final CapabilityWalker walker = new DefaultCapabilityWalker();

    @Test
    void theWalkerFindsTheCapabilitiesOfThisMachinesFunctions() throws Exception {
        Path root = SysfsBackend.DEFAULT_ROOT;
        assumeTrue(Files.isDirectory(root),
                root + " is absent: not Linux, or a container without sysfs PCI; no real device to read");
        SysfsBackend backend = new SysfsBackend(root, false);
        List<DeviceDTO> devices = backend.devices();
        assumeFalse(devices.isEmpty(), root + " lists no PCI functions (a VM or container without PCI devices)");
        Optional<Path> lspci = lspci();
        for (DeviceDTO dto : devices) {
            try (PhysicalDevice device = backend.open(PciAddress.parse(dto.address))) {
                assertFalse(device.writable(), "the real devices are only ever opened read-only");
                byte[] config = readConfig(device);
                checkIds(dto, config);
                CapabilityMap map = walker.walk(config);
                checkStandardChainStart(dto.address, config, map);
                checkIdBytes(dto.address, config, map);
                if (lspci.isPresent()) {
                    assertEquals(lspciOffsets(lspci.get(), dto.address, config.length), walkerOffsets(map),
                            dto.address + ": capability offsets lspci prints within the " + config.length
                                    + " readable bytes, against the walker's " + map);
                }
            }
        }
    }

    /** Every readable config byte, by 4-byte reads composed back into bytes. */
    private static byte[] readConfig(PhysicalDevice device) {
        byte[] config = new byte[device.configSize()];
        for (int off = 0; off < config.length; off += 4) {
            FakeSysfs.put(config, off, 4, device.readConfig(off, 4));
        }
        return config;
    }

    /** The ids Linux keeps in the vendor, device and class attributes match the config bytes read. */
    private static void checkIds(DeviceDTO dto, byte[] config) {
        assertEquals(dto.vendorId, FakeSysfs.le(config, PciRegs.VENDOR_ID, 2), dto.address + " vendor");
        assertEquals(dto.deviceId, FakeSysfs.le(config, PciRegs.DEVICE_ID, 2), dto.address + " device");
        assertEquals(dto.classCode, FakeSysfs.le(config, PciRegs.CLASS_PROG, 3), dto.address + " class");
    }

    /**
     * The first standard capability is where the Capabilities Pointer points (0x34, or 0x14 in a
     * CardBus bridge), when Status says there is a list.
     */
    private static void checkStandardChainStart(String address, byte[] config, CapabilityMap map) {
        boolean hasList = (FakeSysfs.le(config, PciRegs.STATUS, 2) & PciRegs.Status.CAP_LIST) != 0;
        boolean cardBus = (config[PciRegs.HEADER_TYPE] & PciRegs.HEADER_TYPE_MASK) == PciRegs.HEADER_TYPE_CARDBUS;
        int first = config[cardBus ? PciRegs.CB_CAPABILITY_LIST : PciRegs.CAPABILITY_LIST] & CAP_POINTER_MASK;
        if (hasList && first >= PciRegs.STD_HEADER_SIZEOF && first < config.length) {
            assertFalse(map.standard().isEmpty(), address + ": a capability list at 0x" + Integer.toHexString(first)
                    + ", but the walker found none: " + map);
            assertEquals(first, map.standard().get(0).offset(), address + ": first standard capability");
        } else {
            assertTrue(map.standard().isEmpty(), address + ": no readable capability list, yet " + map);
        }
    }

    /** Every capability found has its id in the device's bytes at its offset. */
    private static void checkIdBytes(String address, byte[] config, CapabilityMap map) {
        for (Capability c : map.standard()) {
            assertEquals(c.id(), config[c.offset()] & 0xff, address + ": id byte of " + c.label());
        }
        for (Capability c : map.extended()) {
            assertEquals(c.id(), FakeSysfs.le(config, c.offset(), 2) & PciRegs.ExtCapHeader.ID_MASK,
                    address + ": id of " + c.label());
        }
    }

    private static Set<Integer> walkerOffsets(CapabilityMap map) {
        Set<Integer> offsets = new TreeSet<>();
        map.standard().forEach(c -> offsets.add(c.offset()));
        map.extended().forEach(c -> offsets.add(c.offset()));
        return offsets;
    }

    /** The offsets {@code lspci -s ADDRESS -vvv} prints as capabilities, below {@code readable}. */
    private static Set<Integer> lspciOffsets(Path lspci, String address, int readable)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(lspci.toString(), "-s", address, "-vvv")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "lspci -s " + address + " did not finish");
        assertEquals(0, p.exitValue(), "lspci -s " + address + " -vvv failed");
        Set<Integer> offsets = new TreeSet<>();
        Matcher m = LSPCI_CAPABILITY.matcher(out);
        while (m.find()) {
            int offset = Integer.parseInt(m.group(1), 16);
            if (offset < readable) {
                offsets.add(offset);
            }
        }
        return offsets;
    }

    /** lspci on the PATH or in the usual sbin directories, if installed. */
    private static Optional<Path> lspci() {
        String path = String.join(File.pathSeparator, System.getenv().getOrDefault("PATH", ""), "/usr/sbin", "/sbin",
                "/usr/bin");
        return Stream.of(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "lspci"))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
