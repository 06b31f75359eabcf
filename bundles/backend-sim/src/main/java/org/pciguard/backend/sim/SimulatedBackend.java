package org.pciguard.backend.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PciBackend;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.backend.sim.internal.CapabilityScan;
import org.pciguard.backend.sim.internal.FunctionModel;
import org.pciguard.backend.sim.internal.HeaderLayout;
import org.pciguard.backend.sim.internal.Le;

/**
 * The simulated backend: a fixed set of functions built from device files, by default the real
 * devices shipped in this bundle (copied from the project's {@code pci-dumps}).
 * <p>
 * Each function takes the address of its dump's header line. Where two files claim the same
 * address, or a file has no header line, the first file in file-name order keeps it and the others
 * get, deterministically, the next free bus number (domain, device and function unchanged); the
 * file name stays in {@link DeviceDTO#source}. A function is built when first opened and keeps its
 * state across close and reopen.
 */
@Component(service = PciBackend.class, property = PciBackend.NAME_PROPERTY + "=" + SimulatedBackend.NAME)
@Designate(ocd = SimBackendConfig.class)
public final class SimulatedBackend implements PciBackend {

    /** The backend's name, the value of {@link PciBackend#NAME_PROPERTY}. */
    public static final String NAME = "sim";
    /** Bytes of synthetic VPD unless configured. */
    public static final int DEFAULT_VPD_SIZE = 256;
    /** Classpath folder of the shipped device files. */
    static final String SHIPPED = "/devices/";
    /** The index of the shipped set: one file name a line, {@code #} starts a comment. */
    static final String INDEX = "index.txt";

    private static final int MIN_VPD = 64;
    private static final int MAX_VPD = PciRegs.Vpd.MAX_SIZE;
    private static final int BUSES = 256;

    private final Map<PciAddress, Slot> slots;
    private final int vpdSize;

    /** One function: its image, its description, and its hardware once built. */
    private static final class Slot {
        final DeviceImage image;
        final DeviceDTO dto;
        FunctionModel model;

        Slot(DeviceImage image, DeviceDTO dto) {
            this.image = image;
            this.dto = dto;
        }
    }

    /**
     * The component: the configured directory, or the shipped set.
     *
     * @throws IllegalArgumentException naming the property when the configuration is invalid
     * @throws IOException              naming the file and line when a device file cannot be loaded
     */
    @Activate
    public SimulatedBackend(SimBackendConfig config) throws IOException {
        this(config.deviceDirectory().isBlank() ? loadShipped() : loadDirectory(Path.of(config.deviceDirectory().strip())),
                config.vpdSize());
    }

    private SimulatedBackend(List<DeviceImage> images, int vpdSize) {
        if (vpdSize < MIN_VPD || vpdSize > MAX_VPD || vpdSize % 4 != 0) {
            throw new IllegalArgumentException("vpdSize " + vpdSize + ": must be a multiple of 4 from " + MIN_VPD + " to "
                    + MAX_VPD);
        }
        this.vpdSize = vpdSize;
        this.slots = Collections.unmodifiableMap(assign(images));
    }

    /** The real devices shipped in this bundle. */
    public static SimulatedBackend shipped() {
        try {
            return new SimulatedBackend(loadShipped(), DEFAULT_VPD_SIZE);
        } catch (IOException e) {
            throw new UncheckedIOException("shipped device set: " + e.getMessage(), e);
        }
    }

    /**
     * The device files ({@code *.lspci}) of a directory.
     *
     * @throws DeviceFileException naming the file and line of the first malformed file
     */
    public static SimulatedBackend fromDirectory(Path directory) throws IOException {
        return new SimulatedBackend(loadDirectory(directory), DEFAULT_VPD_SIZE);
    }

    /** A backend of the given images, whose VPD capabilities have {@code vpdSize} bytes of VPD. */
    public static SimulatedBackend of(List<DeviceImage> images, int vpdSize) {
        return new SimulatedBackend(images, vpdSize);
    }

    /** Loads one device file and opens its function: what the command line does with DEVICE-FILE. */
    public static SimulatedDevice openFile(Path file) throws IOException {
        SimulatedBackend backend = of(List.of(DeviceFiles.load(file)), DEFAULT_VPD_SIZE);
        return backend.open(backend.slots.keySet().iterator().next());
    }

    private static List<DeviceImage> loadShipped() throws IOException {
        List<DeviceImage> images = new ArrayList<>();
        for (String line : resource(INDEX).split("\n")) {
            String name = line.strip();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            String sibling = DeviceFiles.siblingOf(Path.of(name)).getFileName().toString();
            images.add(DeviceFiles.parse(name, resource(name), optionalResource(sibling)));
        }
        return images;
    }

    private static String resource(String name) throws IOException {
        String text = optionalResource(name);
        if (text == null) {
            throw new IOException("missing resource " + SHIPPED + name);
        }
        return text;
    }

    private static String optionalResource(String name) throws IOException {
        try (InputStream in = SimulatedBackend.class.getResourceAsStream(SHIPPED + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<DeviceImage> loadDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new IOException("deviceDirectory " + directory + " is not a directory");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(directory)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(DeviceFiles.DUMP_SUFFIX) && Files.isRegularFile(p))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
        List<DeviceImage> images = new ArrayList<>();
        for (Path file : files) {
            images.add(DeviceFiles.load(file));
        }
        return images;
    }

    /** Addresses: header addresses first come first served in file-name order, then the next free bus. */
    private static Map<PciAddress, Slot> assign(List<DeviceImage> images) {
        List<DeviceImage> sorted = new ArrayList<>(images);
        sorted.sort(Comparator.comparing(DeviceImage::source));
        Map<DeviceImage, PciAddress> chosen = new LinkedHashMap<>();
        Set<PciAddress> taken = new HashSet<>();
        for (DeviceImage image : sorted) {
            image.address().filter(taken::add).ifPresent(a -> chosen.put(image, a));
        }
        for (DeviceImage image : sorted) {
            if (chosen.containsKey(image)) {
                continue;
            }
            PciAddress a = image.address().orElse(new PciAddress(0, 0, 0, 0));
            int tries = 0;
            while (taken.contains(a)) {
                if (++tries == BUSES) {
                    throw new IllegalArgumentException("no free bus for " + image.source() + " in domain " + a.domain());
                }
                a = new PciAddress(a.domain(), (a.bus() + 1) % BUSES, a.device(), a.function());
            }
            taken.add(a);
            chosen.put(image, a);
        }
        Map<PciAddress, Slot> slots = new TreeMap<>();
        chosen.forEach((image, a) -> slots.put(a, new Slot(image, dto(image, a))));
        return slots;
    }

    private static DeviceDTO dto(DeviceImage image, PciAddress address) {
        byte[] c = image.config();
        DeviceDTO d = new DeviceDTO();
        d.address = address.toString();
        d.vendorId = Le.get(c, PciRegs.VENDOR_ID, 2);
        d.deviceId = Le.get(c, PciRegs.DEVICE_ID, 2);
        d.classCode = Le.get(c, PciRegs.CLASS_PROG, 3);
        d.revision = c[PciRegs.REVISION_ID] & 0xff;
        d.headerType = HeaderLayout.headerType(c);
        d.configSize = c.length;
        d.truncated = c.length < PciRegs.CFG_SPACE_SIZE
                || c.length < PciRegs.CFG_SPACE_EXP_SIZE && hasExpressCapability(c);
        d.description = image.description();
        d.source = image.source();
        return d;
    }

    private static boolean hasExpressCapability(byte[] c) {
        return CapabilityScan.find(CapabilityScan.scan(c), PciRegs.CapId.EXP, false) >= 0;
    }

    static DeviceDTO copy(DeviceDTO d) {
        DeviceDTO c = new DeviceDTO();
        c.address = d.address;
        c.vendorId = d.vendorId;
        c.deviceId = d.deviceId;
        c.classCode = d.classCode;
        c.revision = d.revision;
        c.headerType = d.headerType;
        c.configSize = d.configSize;
        c.truncated = d.truncated;
        c.description = d.description;
        c.source = d.source;
        return c;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<DeviceDTO> devices() {
        return slots.values().stream().map(s -> copy(s.dto)).toList();
    }

    /** The parsed image of a function, with what the loader inferred. */
    public DeviceImage image(PciAddress address) {
        return slot(address).image;
    }

    @Override
    public SimulatedDevice open(PciAddress address) {
        Slot slot = slot(address);
        FunctionModel model;
        synchronized (slot) {
            if (slot.model == null) {
                slot.model = new FunctionModel(address, slot.image, vpdSize);
            }
            model = slot.model;
        }
        return new SimulatedDevice(model, slot.dto);
    }

    private Slot slot(PciAddress address) {
        Slot slot = address == null ? null : slots.get(address);
        if (slot == null) {
            throw new PciAccessException(address, "no such function in the simulated backend (" + slots.size()
                    + " functions)");
        }
        return slot;
    }
}
