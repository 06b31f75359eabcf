package org.pciguard.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shared real device dumps ({@code shared/pci-dumps}, with their {@code SOURCES.md}) are. */
public final class PciDumps {

    /** System property naming the directory (a pom may set it); when it names none, the directory is searched. */
    public static final String DIR_PROPERTY = "pciguard.dumps.dir";

    private PciDumps() {
    }

    /** The directory named by {@link #DIR_PROPERTY}, else {@code shared/pci-dumps} found upwards from the working directory. */
    public static Path dir() {
        String configured = System.getProperty(DIR_PROPERTY);
        if (configured != null && Files.isDirectory(Path.of(configured))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve("pci-dumps");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/pci-dumps not found: set -D" + DIR_PROPERTY
                + " or run below a directory that holds shared/pci-dumps (working dir " + Path.of("").toAbsolutePath()
                + ")");
    }
}
