package org.pciguard.shell;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PciBackend;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.backend.sim.DeviceFiles;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedBackend;

/**
 * Device files through the simulated backend's exported package, the only place the shell touches
 * it. The package is an optional import: without it the first use of this class fails with a
 * {@link NoClassDefFoundError}, which {@link DeviceShell} reports.
 */
final class SimFiles {

    /** The address of a device file without a header line, as the command line has always shown it. */
    private static final PciAddress NO_ADDRESS = new PciAddress(0, 0, 0, 0);

    private static final System.Logger LOG = System.getLogger(SimFiles.class.getName());

    private SimFiles() {
    }

    /** A device file, loaded afresh; what the loader inferred (BAR sizes from alignment) is logged. */
    static Target file(Path path) throws IOException {
        DeviceImage image = DeviceFiles.load(path);
        for (String warning : image.warnings()) {
            LOG.log(System.Logger.Level.INFO, () -> path + ": " + warning);
        }
        return target(image);
    }

    /** The function of the simulated backend whose file is {@code name} (with or without {@code .lspci}), afresh. */
    static Optional<Target> named(PciBackend backend, String name) {
        if (!(backend instanceof SimulatedBackend sim)) {
            return Optional.empty();
        }
        for (DeviceDTO d : sim.devices()) {
            if (d.source.equals(name) || d.source.equals(name + DeviceFiles.DUMP_SUFFIX)) {
                return Optional.of(target(sim.image(PciAddress.parse(d.address))));
            }
        }
        return Optional.empty();
    }

    /** The device files ({@code *.lspci}) of a directory as a backend of their own. */
    static PciBackend directory(Path directory) throws IOException {
        return SimulatedBackend.fromDirectory(directory);
    }

    private static Target target(DeviceImage image) {
        return new Target(image.address().orElse(NO_ADDRESS), image.description(), image.config(), false, () -> {
            SimulatedBackend backend = SimulatedBackend.of(List.of(image), SimulatedBackend.DEFAULT_VPD_SIZE);
            return backend.open(PciAddress.parse(backend.devices().get(0).address));
        });
    }
}
