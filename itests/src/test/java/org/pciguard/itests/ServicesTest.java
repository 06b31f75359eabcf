package org.pciguard.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PciBackend;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilityWalker;
import org.pciguard.api.handler.CapabilityHandler;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.ExtCapId;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.api.virt.VirtualizationRuntime;
import org.pciguard.api.virt.dto.HandlerDTO;

/**
 * The services of the packaged bundles, wired by SCR in Felix: the walker, the simulated backend
 * with its shipped devices, the virtualization runtime and the header handler.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ServicesTest extends FrameworkTest {

    /** Intel 82576 with SR-IOV, one of the shipped 4 KiB dumps. */
    private static final int INTEL = 0x8086;
    private static final int I82576 = 0x10c9;
    private static final String HEADER_BUNDLE = "org.pciguard.cap.header";
    private static final String HEADER_SPACE = "header";

    @Test
    public void simBackendListsTheShippedDevices() throws Exception {
        PciBackend sim = services.await(PciBackend.class, SIM).getService();
        List<DeviceDTO> devices = sim.devices();
        assertEquals("sim", sim.name());
        assertFalse("the simulated backend lists no device", devices.isEmpty());
        assertNotNull("no 8086:10c9 among " + devices.size() + " shipped devices", find82576(sim));
    }

    @Test
    public void walkerFindsEveryCapabilityOfAShippedDevice() throws Exception {
        CapabilityWalker walker = services.await(CapabilityWalker.class).getService();
        PciBackend sim = services.await(PciBackend.class, SIM).getService();
        byte[] config;
        try (PhysicalDevice device = sim.open(PciAddress.parse(find82576(sim).address))) {
            config = readConfig(device);
        }

        CapabilityMap map = walker.walk(config);

        // lspci -vvv of this dump: PM@40, MSI@50, MSI-X@70, Express@a0; AER@100, DSN@140, ARI@150, SR-IOV@160.
        assertEquals(List.of(CapId.PM, CapId.MSI, CapId.MSIX, CapId.EXP), ids(map.standard()));
        assertEquals(List.of(0x40, 0x50, 0x70, 0xa0), offsets(map.standard()));
        assertEquals(List.of(ExtCapId.ERR, ExtCapId.DSN, ExtCapId.ARI, ExtCapId.SRIOV), ids(map.extended()));
        assertEquals(List.of(0x100, 0x140, 0x150, 0x160), offsets(map.extended()));
        assertEquals(List.of(), map.anomalies());
    }

    @Test
    public void runtimeOpensAShippedDeviceAndTheGuestReadsItsIds() throws Exception {
        VirtualizationRuntime runtime = services.await(VirtualizationRuntime.class).getService();
        PciBackend sim = services.await(PciBackend.class, SIM).getService();
        PciAddress address = PciAddress.parse(find82576(sim).address);
        try (PhysicalDevice device = sim.open(address)) {
            VirtualDevice guest = runtime.open(device);
            try {
                assertEquals(address, guest.address());
                assertEquals(INTEL, guest.read(PciRegs.VENDOR_ID, 2));
                assertEquals(I82576, guest.read(PciRegs.DEVICE_ID, 2));
                assertEquals(I82576 << 16 | INTEL, guest.read(PciRegs.VENDOR_ID, 4));
                assertTrue("the runtime does not list the open device", runtime.device(address).isPresent());
            } finally {
                guest.close();
            }
            assertFalse("the runtime still lists the closed device", runtime.device(address).isPresent());
        }
    }

    @Test
    public void headerHandlerIsRegisteredAndServesTheRuntime() throws Exception {
        ServiceTracker<CapabilityHandler, CapabilityHandler> header = services.await(CapabilityHandler.class,
                "(" + CapabilityHandler.CAPABILITY_SPACE + "=" + HEADER_SPACE + ")");
        ServiceReference<CapabilityHandler> ref = header.getServiceReference();
        assertEquals(0, ref.getProperty(CapabilityHandler.CAPABILITY_ID));
        assertEquals(HEADER_SPACE, ref.getProperty(CapabilityHandler.CAPABILITY_SPACE));
        assertEquals(HEADER_BUNDLE, ref.getBundle().getSymbolicName());

        VirtualizationRuntime runtime = services.await(VirtualizationRuntime.class).getService();
        HandlerDTO[] handlers = runtime.snapshot().handlers;
        assertTrue("the runtime does not serve the header with " + HEADER_BUNDLE + ": " + Arrays.toString(handlers),
                Arrays.stream(handlers).anyMatch(h -> HEADER_BUNDLE.equals(h.bundle) && h.capabilityId == 0
                        && HEADER_SPACE.equals(h.space) && h.failureReason == HandlerDTO.ACTIVE));
    }

    private static DeviceDTO find82576(PciBackend sim) {
        return sim.devices().stream().filter(d -> d.vendorId == INTEL && d.deviceId == I82576).findFirst().orElse(null);
    }

    /** The whole configuration space, one 4-byte read at a time (little-endian). */
    private static byte[] readConfig(PhysicalDevice device) {
        byte[] config = new byte[device.configSize()];
        for (int offset = 0; offset < config.length; offset += Integer.BYTES) {
            int value = device.readConfig(offset, Integer.BYTES);
            for (int i = 0; i < Integer.BYTES; i++) {
                config[offset + i] = (byte) (value >>> (Byte.SIZE * i));
            }
        }
        return config;
    }

    private static List<Integer> ids(List<Capability> caps) {
        return caps.stream().map(Capability::id).toList();
    }

    private static List<Integer> offsets(List<Capability> caps) {
        return caps.stream().map(Capability::offset).toList();
    }
}
