package org.pciguard.backend.sysfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PciBackend;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.access.dto.DeviceDTO;

/**
 * Real PCI functions of a Linux host through sysfs: one directory per function under
 * {@link SysfsBackendConfig#root() root}, named {@code dddd:bb:dd.f}, holding {@code config},
 * {@code resource}, {@code vendor}, {@code device} and {@code class}. Entries whose name is not a
 * PCI address are not functions and are skipped; a missing root (no PCI bus, a container) offers
 * no functions.
 * <p>
 * Read-only unless configured {@link SysfsBackendConfig#writable() writable}: then every config
 * write, BAR access and reset is refused with "read-only backend". What a device does in either
 * mode is described on the device type.
 * <p>
 * A DS component registered with {@code pciguard.backend=sysfs}, and a plain class for the
 * command line, which constructs it with {@link #SysfsBackend(Path, boolean)}.
 */
@Component(service = PciBackend.class, property = PciBackend.NAME_PROPERTY + "=" + SysfsBackend.NAME)
@Designate(ocd = SysfsBackendConfig.class)
public final class SysfsBackend implements PciBackend {

    /** The backend's name, the value of {@link PciBackend#NAME_PROPERTY}. */
    public static final String NAME = "sysfs";
    /** Where Linux lists PCI functions. */
    public static final Path DEFAULT_ROOT = Path.of("/sys/bus/pci/devices");

    private final Path root;
    private final boolean writable;

    /**
     * The component constructor.
     *
     * @throws IllegalArgumentException naming the {@code root} property when it is blank or not a path
     */
    @Activate
    public SysfsBackend(SysfsBackendConfig config) {
        this(rootOf(config.root()), config.writable());
    }

    /**
     * @param root     the directory holding one directory per function ({@link #DEFAULT_ROOT})
     * @param writable whether writes, BAR accesses and resets may reach the functions
     */
    public SysfsBackend(Path root, boolean writable) {
        this.root = Objects.requireNonNull(root, "root");
        this.writable = writable;
    }

    private static Path rootOf(String root) {
        if (root == null || root.isBlank()) {
            throw new IllegalArgumentException("sysfs backend property 'root' must name a directory, got '" + root + "'");
        }
        try {
            return Path.of(root);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("sysfs backend property 'root' is not a path: '" + root + "'", e);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The directory listing the functions. */
    public Path root() {
        return root;
    }

    /** Whether writes, BAR accesses and resets reach the functions. */
    public boolean writable() {
        return writable;
    }

    /**
     * The functions under the root, in address order, each described from its files (opened
     * read-only, whatever the configuration).
     *
     * @throws PciAccessException naming the root or the function that cannot be read
     */
    @Override
    public List<DeviceDTO> devices() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<DeviceDTO> result = new ArrayList<>();
        for (PciAddress address : addresses()) {
            try (SysfsDevice device = new SysfsDevice(address, root.resolve(address.toString()), false)) {
                result.add(device.describe());
            }
        }
        return List.copyOf(result);
    }

    private List<PciAddress> addresses() {
        try (Stream<Path> entries = Files.list(root)) {
            return entries.map(p -> addressOrNull(p.getFileName().toString()))
                    .filter(Objects::nonNull)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new PciAccessException(null, "cannot list " + root + ": " + e, e);
        }
    }

    /** The address a directory is named after, or null for an entry that is not a function. */
    private static PciAddress addressOrNull(String name) {
        try {
            return PciAddress.parse(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public PhysicalDevice open(PciAddress address) {
        Path dir = root.resolve(address.toString());
        if (!Files.isDirectory(dir)) {
            throw new PciAccessException(address, "no such function: " + dir + " is not a directory");
        }
        return new SysfsDevice(address, dir, writable);
    }

    @Override
    public String toString() {
        return "sysfs backend at " + root + (writable ? " (writable)" : " (read-only)");
    }
}
